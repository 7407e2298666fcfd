"""Team sync in the window (issue 19): the settings dialog, the syncs asked for and the
automatic ones, the status bar's state and « Conflits à revoir »; the engine is
:mod:`eco_desktop.catalogue.sync`, the shared place and the runs :mod:`eco_desktop.sync`."""
from .feature import TeamSync, install, status_text

__all__ = ["TeamSync", "install", "status_text"]
