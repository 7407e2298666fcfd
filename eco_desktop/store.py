"""Temporary re-export while the window, the importer, the export and the benchmark move to
:mod:`eco_desktop.catalogue.cache` (issue 17); removed once nothing imports this path."""
from .catalogue.cache import *  # noqa: F401,F403
