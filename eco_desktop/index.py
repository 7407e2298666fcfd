"""Temporary re-export while the window, the importer, the export and the benchmark move to
:mod:`eco_desktop.catalogue.index` (issue 17); removed once nothing imports this path."""
from .catalogue.index import *  # noqa: F401,F403
