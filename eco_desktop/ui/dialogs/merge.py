"""Merge two actors that are the same organisation: ``Catalogue.merge_actors``, one undo step."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QFrame, QGridLayout, QGroupBox, QLabel, QRadioButton, QScrollArea,
    QVBoxLayout, QWidget,
)

from ... import french, vocab
from ...errors import UserError
from ...export import ACTOR_COLUMNS
from ...catalogue import Catalogue
from . import common
from ..text_safety import display_text, elided, escape_html, escape_mnemonic, escape_tooltip, set_plain

# Scalar fields offered for a choice, in the order of the record, with their French names.
# "position" stands for lat, lon and geo_precision taken together.
_MERGE_ORDER = ("name", "kind", "status", "description", "website", "email", "phone", "siren", "siret",
                "naf", "size", "founded", "street", "postcode", "commune", "position", "source")
MERGE_FIELDS: dict[str, str] = {
    key: {"kind": "Type d'acteur", "position": "Position"}.get(key) or ACTOR_COLUMNS[key]
    for key in _MERGE_ORDER
}
POSITION_KEYS = ("lat", "lon", "geo_precision")
VALUE_WIDTH = 300   # pixels of a value before it is elided (full text in the tooltip)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == (None, None, "") or value == (None, None, None)


class MergeDialog(QDialog):
    """Both actors side by side; per differing field, a choice of value; a choice of survivor."""

    def __init__(self, catalogue: Catalogue, id_a: int, id_b: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        a, b = catalogue.get_actor(id_a), catalogue.get_actor(id_b)
        if a is None or b is None or id_a == id_b:
            raise UserError("Choisissez deux acteurs différents à fusionner.")
        self.actors = {"a": a, "b": b}
        self.survivor_id: int | None = None   # set once merged
        self.setWindowTitle("Fusionner deux acteurs")
        self._kind_labels = catalogue.vocabulary("kind")

        layout = QVBoxLayout(self)
        intro = QLabel("Ces deux fiches décrivent la même organisation ? Choisissez la fiche conservée "
                       "et, pour chaque champ qui diffère, la valeur à garder.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        survivor_box = QGroupBox("Fiche conservée")
        survivor_layout = QVBoxLayout(survivor_box)
        self.survivor_group = QButtonGroup(self)
        metrics = QFontMetrics(self.font())
        self.survivor_a = QRadioButton(escape_mnemonic(elided(f"A : {self._describe(a)}", metrics, 3 * VALUE_WIDTH)))
        self.survivor_b = QRadioButton(escape_mnemonic(elided(f"B : {self._describe(b)}", metrics, 3 * VALUE_WIDTH)))
        for index, button in enumerate((self.survivor_a, self.survivor_b)):
            button.setToolTip(escape_tooltip(self._describe(a if index == 0 else b)))
            self.survivor_group.addButton(button, index)
            survivor_layout.addWidget(button)
        self.survivor_a.setChecked(True)
        layout.addWidget(survivor_box)

        # One row per differing field: label, A's value, B's value.
        self.choices: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        self._groups: list[QButtonGroup] = []
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(12)
        header_a = QLabel(f"<b>A</b> — {escape_html(elided(a['name'], metrics, 2 * VALUE_WIDTH))}")
        header_b = QLabel(f"<b>B</b> — {escape_html(elided(b['name'], metrics, 2 * VALUE_WIDTH))}")
        for column, header in ((1, header_a), (2, header_b)):
            header.setTextFormat(Qt.TextFormat.RichText)  # the names are escaped
            header.setWordWrap(True)
            grid.addWidget(header, 0, column)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        grid.addWidget(line, 1, 0, 1, 3)
        row = 2
        same = 0
        for field, title in MERGE_FIELDS.items():
            va, vb = self._value(a, field), self._value(b, field)
            if va == vb:
                same += 1
                continue
            grid.addWidget(QLabel(title + " :"), row, 0)
            group = QButtonGroup(self)
            buttons = []
            for column, value in ((1, va), (2, vb)):
                text = self._display(field, value)
                shown = elided(text, metrics, VALUE_WIDTH)
                button = QRadioButton(escape_mnemonic(shown))
                if shown != text:
                    button.setToolTip(escape_tooltip(text))
                group.addButton(button, column - 1)
                grid.addWidget(button, row, column)
                buttons.append(button)
            pick_b = _is_empty(va) and not _is_empty(vb)
            buttons[1 if pick_b else 0].setChecked(True)
            self.choices[field] = (buttons[0], buttons[1])
            self._groups.append(group)
            row += 1
        if not self.choices:
            grid.addWidget(QLabel("Les deux fiches ont les mêmes valeurs."), row, 0, 1, 3)
            row += 1
        grid.setRowStretch(row, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_host)
        fields_box = QGroupBox("Valeurs qui diffèrent" + (f" ({same} champs identiques non affichés)" if same else ""))
        QVBoxLayout(fields_box).addWidget(scroll)
        layout.addWidget(fields_box, 1)

        lists_note = QLabel("Les noms alternatifs, domaines, activités et étiquettes des deux fiches sont "
                            "réunis automatiquement ; le nom de la fiche supprimée devient un nom alternatif.")
        lists_note.setWordWrap(True)
        layout.addWidget(lists_note)
        self.summary = set_plain(QLabel(), bounded=True)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.summary)

        self.buttons = common.button_box(common.SB.Apply | common.SB.Cancel, self, Apply="Fusionner")
        self.apply_button = self.buttons.button(common.SB.Apply)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._moving = {key: self._attached(actor["id"], self.actors["b" if key == "a" else "a"]["id"])
                        for key, actor in self.actors.items()}
        self.survivor_group.idToggled.connect(self._update_summary)
        self._update_summary()
        self.resize(860, min(760, 380 + 30 * max(1, len(self.choices))))

    # ------------------------------------------------------------------ values
    def _describe(self, actor: dict) -> str:
        kind = self._kind_labels.get(actor["kind"], actor["kind"])
        where = actor["commune"] or actor["departement"] or "lieu inconnu"
        return f"{actor['name']} ({kind}, {where}, n° {actor['id']})"

    @staticmethod
    def _value(actor: dict, field: str) -> Any:
        if field == "position":
            return tuple(actor[k] for k in POSITION_KEYS) if actor["lat"] is not None else (None, None, "")
        return actor[field]

    def _display(self, field: str, value: Any) -> str:
        if _is_empty(value):
            return "(vide)"
        if field == "kind":
            return self._kind_labels.get(value, value)
        if field == "status":
            return vocab.STATUSES.get(value, value)
        if field == "size":
            return vocab.SIZES.get(value, value)
        if field == "position":
            lat, lon, precision = value
            return f"{lat:.5f}, {lon:.5f}" + (f" ({vocab.GEO_PRECISIONS.get(precision, precision).lower()})"
                                              if precision else "")
        return " ".join(str(value).split())

    def _attached(self, actor_id: int, survivor_id: int) -> dict[str, int]:
        relations = [r for r in self.catalogue.relations_of(actor_id) if r["other_id"] != survivor_id]
        return {"contacts": len(self.catalogue.contacts(actor_id)),
                "relations": len(relations),
                "exchanges": len(self.catalogue.exchanges(actor_id))}

    def survivor_key(self) -> str:
        return "b" if self.survivor_b.isChecked() else "a"

    def values(self) -> dict[str, Any]:
        """The chosen field values, as ``Catalogue.merge_actors`` takes them."""
        out: dict[str, Any] = {}
        for field, (button_a, _button_b) in self.choices.items():
            value = self._value(self.actors["a" if button_a.isChecked() else "b"], field)
            if field == "position":
                if value[0] is not None:
                    out.update(zip(POSITION_KEYS, value))
            else:
                out[field] = value
        return out

    def _update_summary(self, *_args) -> None:
        key = self.survivor_key()
        survivor, other = self.actors[key], self.actors["b" if key == "a" else "a"]
        moving = self._moving["b" if key == "a" else "a"]
        parts = [french.count(moving[key], word) for key, word in
                 (("contacts", "contact"), ("relations", "relation"), ("exchanges", "échange")) if moving[key]]
        if parts:
            moved = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"
            verb = "sera rattaché" if sum(moving.values()) == 1 else "seront rattachés"
            head = f"{moved} {verb} à « {display_text(survivor['name'], limit=200)} »"
        else:
            head = f"Aucun contact, relation ou échange à rattacher à « {display_text(survivor['name'], limit=200)} »"
        set_plain(self.summary, f"{head} ; « {display_text(other['name'], limit=200)} » ira à la corbeille "
                                "(la fusion s'annule en une fois par Ctrl+Z).")

    # ------------------------------------------------------------------ applying
    def apply(self) -> None:
        key = self.survivor_key()
        survivor, other = self.actors[key], self.actors["b" if key == "a" else "a"]
        try:
            self.catalogue.merge_actors(survivor["id"], other["id"], self.values())
        except UserError as exc:
            common.show_error(self, exc)
            return
        self.survivor_id = survivor["id"]
        self.accept()
