"""The « Tableau de bord » tab: key figures and bar charts of the filtered actors."""
from .board import DashboardWidget, install

__all__ = ["DashboardWidget", "install"]
