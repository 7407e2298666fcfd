"""Confirmations before moving actors to the trash or deleting them for good."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtWidgets import QWidget

from . import common


def delete_question(names: Sequence[str], related_count: int) -> tuple[str, str]:
    """(question, explanation) for moving actors to the trash."""
    names = list(names)
    if len(names) == 1:
        question = f"Supprimer « {names[0]} » ?"
        subject, own = "Il sera placé", "ses"
    else:
        # No-break spaces keep each name with its guillemets when the line wraps.
        shown = ", ".join(f"«\u00a0{n}\u00a0»" for n in names[:3]) + ("\u00a0…" if len(names) > 3 else "")
        question = f"Supprimer {len(names)} acteurs ({shown}) ?"
        subject, own = "Ils seront placés", "leurs"
    if related_count == 1:
        relations = f" avec {'sa' if len(names) == 1 else 'leur'} relation"
    elif related_count > 1:
        relations = f" avec {own} {related_count} relations"
    else:
        relations = ""
    restore = "le restaurer" if len(names) == 1 else "les restaurer"
    return question, f"{subject} dans la corbeille{relations} ; vous pourrez {restore}."


def confirm_delete(parent: QWidget | None, names: Sequence[str], related_count: int) -> bool:
    """Ask before moving actors (and, hidden with them, their relations) to the trash."""
    question, explanation = delete_question(names, related_count)
    return common.confirm(parent, "Mettre à la corbeille", question, "Mettre à la corbeille",
                          informative=explanation)


def purge_question(count: int) -> tuple[str, str]:
    what = "cet acteur" if count == 1 else f"ces {count} acteurs"
    return (f"Supprimer définitivement {what} ?",
            "Leurs contacts, relations, échanges et présélections seront effacés avec eux. Ils ne pourront "
            "plus être restaurés depuis la corbeille (seule l'annulation, Ctrl+Z, peut encore les rétablir).")


def confirm_purge(parent: QWidget | None, count: int) -> bool:
    """Ask before deleting actors from the trash for good."""
    question, explanation = purge_question(count)
    return common.confirm(parent, "Supprimer définitivement", question, "Supprimer définitivement",
                          informative=explanation, danger=True)
