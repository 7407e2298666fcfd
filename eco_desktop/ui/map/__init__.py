"""The « Carte » tab (``tab``) and the map in a QWebEngineView (``view``)."""
from .tab import MapTab, install

__all__ = ["MapTab", "install"]
