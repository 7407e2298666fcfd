"""Temporary re-export while the window, the importer, the export and the benchmark move to
:mod:`eco_desktop.catalogue.kind_rules` (issue 17); removed once nothing imports this path."""
from .catalogue.kind_rules import *  # noqa: F401,F403
