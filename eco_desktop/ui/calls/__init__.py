"""The « Appels à projets » tab, its dialogs and the calls section of an actor's record."""
from .panel import CallDialog, CallsOfActorWidget, CallsPanel, install

__all__ = ["CallDialog", "CallsOfActorWidget", "CallsPanel", "install"]
