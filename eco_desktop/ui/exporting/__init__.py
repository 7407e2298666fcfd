"""Fichier › Exporter… (Ctrl+E): the listed or selected actors to xlsx or CSV."""
from .dialog import ExportDialog, ExportFeature, install

__all__ = ["ExportDialog", "ExportFeature", "install"]
