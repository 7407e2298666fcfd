"""The record editor on the right of the window: the actor's form (``form``), its
contacts, relations, exchanges and history (``panels``), their dialogs (``dialogs``)
and the small widgets they share (``widgets``)."""
from .editor import ActorEditor

__all__ = ["ActorEditor"]
