"""The main window: search, facet panel, the actor list, the record editor, menus and undo.

``main_window`` is the window and its extension points; its concerns are mixins of their
own modules: ``actions`` (actions, menus, toolbar, help), ``filtering`` (the Filter, the
search and the list), ``actor_commands`` (writes on the selected actors, saved views),
``files`` (opening, creating and copying catalogues), ``undo`` (history batches as
QUndoStack steps). ``facets`` is the facet panel, ``table_model`` the list's model.
"""
from .main_window import MainWindow

__all__ = ["MainWindow"]
