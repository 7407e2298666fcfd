"""The dialogs, driven as a person would: set widgets, click the buttons."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox

from eco_desktop.filter import Filter
from eco_desktop.catalogue import Catalogue
from eco_desktop.ui.dialogs.common import SB
from eco_desktop.ui.dialogs.confirm import delete_question, purge_question
from eco_desktop.ui.dialogs import (
    AboutDialog, BulkEditDialog, HelpDialog, ManageViewsDialog, MergeDialog, VocabularyDialog, ask_view_name,
    confirm_delete, confirm_purge,
)

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def cat(tmp_path):
    catalogue = Catalogue.create(tmp_path / "c.sqlite")
    yield catalogue
    catalogue.close()


def answer_next_modal(qtbot, *, text: str | None = None, button: str | None = None) -> list:
    """When the next modal dialog opens, type ``text`` (input dialog) and accept it, or click
    the message-box button labelled ``button``. Returns a list that receives the dialog's text."""
    seen: list = []

    def act() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(10, act)
            return
        if isinstance(modal, QInputDialog):
            seen.append(modal.labelText())
            modal.setTextValue(text or "")
            modal.accept()
        elif isinstance(modal, QMessageBox):
            seen.append(modal.text() + "\n" + modal.informativeText())
            target = next(b for b in modal.buttons() if b.text() == button)
            qtbot.mouseClick(target, LEFT)
        else:
            modal.reject()

    QTimer.singleShot(0, act)
    return seen


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot, widget) -> None:
    assert widget.isEnabled()
    qtbot.mouseClick(widget, LEFT)


def pick(qtbot, radio) -> None:
    """Click a radio button on its indicator, as a person would (its centre may be blank)."""
    qtbot.mouseClick(radio, LEFT, pos=QPoint(8, radio.height() // 2))


def check_item(list_widget, slug: str, state: Qt.CheckState) -> None:
    for row in range(list_widget.count()):
        item = list_widget.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == slug:
            item.setCheckState(state)
            return
    raise AssertionError(f"{slug} not in list")


# ---------------------------------------------------------------------- bulk edit
def test_bulk_edit_adds_a_tag_sets_status_and_undoes_in_one_step(qtbot, cat):
    ids = cat.actor_ids()[:2]
    before = {i: cat.get_actor(i) for i in ids}
    undo_label = cat.undo_label()
    dialog = BulkEditDialog(cat, ids)
    shown(qtbot, dialog)
    assert "2 acteurs sélectionnés" in dialog.count_label.text()
    assert dialog.buttons.button(SB.Apply).text() == "Appliquer"
    assert dialog.buttons.button(SB.Cancel).text() == "Annuler"
    assert not dialog.apply_button.isEnabled()          # nothing to apply yet
    assert dialog.kind_combo.currentText() == "— ne pas changer —"

    qtbot.keyClicks(dialog.add_tags_edit, "salon-2025")
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("closed"))
    check_item(dialog.domain_list, "vaccines", Qt.CheckState.Checked)
    click(qtbot, dialog.apply_button)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.changed_count == 2
    for i in ids:
        actor = cat.get_actor(i)
        assert "salon-2025" in actor["tags"]
        assert actor["status"] == "closed"
        assert "vaccines" in actor["domains"]
        assert actor["kind"] == before[i]["kind"]          # "ne pas changer"
    assert cat.undo_label().startswith("Modification groupée")

    cat.undo()
    for i in ids:
        actor = cat.get_actor(i)
        assert actor["tags"] == before[i]["tags"]
        assert actor["status"] == before[i]["status"]
        assert actor["domains"] == before[i]["domains"]
    assert cat.undo_label() == undo_label


def test_bulk_edit_removes_a_value_some_actors_have(qtbot, cat):
    with_gene = cat.actor_ids(Filter(domains=("gene_therapy",)))[:1]
    without = [i for i in cat.actor_ids() if i not in cat.actor_ids(Filter(domains=("gene_therapy",)))][:1]
    ids = with_gene + without
    dialog = BulkEditDialog(cat, ids)
    shown(qtbot, dialog)
    item = next(dialog.domain_list.item(r) for r in range(dialog.domain_list.count())
                if dialog.domain_list.item(r).data(Qt.ItemDataRole.UserRole) == "gene_therapy")
    assert item.checkState() == Qt.CheckState.PartiallyChecked
    item.setCheckState(Qt.CheckState.Unchecked)
    click(qtbot, dialog.apply_button)
    assert all("gene_therapy" not in cat.get_actor(i)["domains"] for i in ids)


def test_bulk_edit_without_effect_stays_open(qtbot, cat):
    ids = cat.actor_ids()[:2]
    status = cat.get_actor(ids[0])["status"]
    cat.bulk_update(ids, set_values={"status": status})
    dialog = BulkEditDialog(cat, ids)
    shown(qtbot, dialog)
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(status))
    click(qtbot, dialog.apply_button)
    assert dialog.isVisible() and dialog.changed_count == 0
    assert "Aucun acteur" in dialog.message.text()


# ---------------------------------------------------------------------- merge
def test_merge_moves_contacts_and_relations_and_undo_restores(qtbot, cat):
    relations = cat.relations()
    a_id = relations[0]["source_id"]
    b_id = next(r["source_id"] for r in relations
                if a_id not in (r["source_id"], r["target_id"]) and r["source_id"] != a_id)
    a, b = cat.get_actor(a_id), cat.get_actor(b_id)
    contact_id = cat.add_contact(b_id, {"first_name": "Marie", "last_name": "Curie", "email": "marie@example.org"})
    b_relations = cat.relations_of(b_id)
    assert b_relations

    dialog = MergeDialog(cat, a_id, b_id)
    shown(qtbot, dialog)
    assert dialog.buttons.button(SB.Apply).text() == "Fusionner"
    assert "1 contact" in dialog.summary.text()
    assert f"« {b['name']} » ira à la corbeille" in dialog.summary.text()
    # Take B's name; A survives.
    pick(qtbot, dialog.choices["name"][1])
    assert dialog.choices["name"][1].isChecked()
    click(qtbot, dialog.apply_button)
    assert dialog.result() == QDialog.DialogCode.Accepted

    merged = cat.get_actor(a_id)
    assert merged["name"] == b["name"]
    assert cat.get_actor(b_id)["deleted_at"] is not None
    assert cat.get_contact(contact_id)["actor_id"] == a_id
    others = {r["other_id"] for r in cat.relations_of(a_id)}
    assert {r["other_id"] for r in b_relations if r["other_id"] != a_id} <= others
    assert set(b["domains"]) <= set(merged["domains"])

    cat.undo()
    assert cat.get_actor(a_id)["name"] == a["name"]
    assert cat.get_actor(b_id)["deleted_at"] is None
    assert cat.get_contact(contact_id)["actor_id"] == b_id
    assert {r["other_id"] for r in cat.relations_of(b_id)} == {r["other_id"] for r in b_relations}


def test_merge_defaults_to_the_non_empty_value_and_can_keep_b(qtbot, cat):
    a_id, b_id = cat.actor_ids()[:2]
    cat.update_actor(a_id, {"website": ""})
    cat.update_actor(b_id, {"website": "https://b.example.org"})
    dialog = MergeDialog(cat, a_id, b_id)
    shown(qtbot, dialog)
    assert dialog.choices["website"][1].isChecked()
    pick(qtbot, dialog.survivor_b)
    assert "ira à la corbeille" in dialog.summary.text()
    assert cat.get_actor(a_id)["name"] in dialog.summary.text().split(";")[1]
    click(qtbot, dialog.apply_button)
    assert cat.get_actor(a_id)["deleted_at"] is not None
    assert cat.get_actor(b_id)["website"] == "https://b.example.org"


# ---------------------------------------------------------------------- vocabularies and tags
def test_renaming_a_kind_label_is_returned_by_the_vocabulary(qtbot, cat):
    dialog = VocabularyDialog(cat)
    shown(qtbot, dialog)
    tab = dialog.vocab_tabs["kind"]
    row = tab.row_of("biotech")
    with qtbot.waitSignal(dialog.changed):
        tab.table.item(row, 0).setText("Biotech (thérapies innovantes)")
    assert cat.vocabulary("kind")["biotech"] == "Biotech (thérapies innovantes)"
    assert tab.table.item(tab.row_of("biotech"), 0).text() == "Biotech (thérapies innovantes)"


def test_empty_label_is_refused_with_a_message(qtbot, cat, monkeypatch):
    errors = []
    monkeypatch.setattr("eco_desktop.ui.dialogs.common.show_error", lambda parent, error, *a: errors.append(str(error)))
    dialog = VocabularyDialog(cat)
    shown(qtbot, dialog)
    tab = dialog.vocab_tabs["domain"]
    tab.table.item(tab.row_of("vaccines"), 0).setText("   ")
    assert errors == ["Le libellé ne peut pas être vide."]
    assert cat.vocabulary("domain")["vaccines"] == "Vaccins"
    assert tab.table.item(tab.row_of("vaccines"), 0).text() == "Vaccins"


def test_hiding_a_value(qtbot, cat):
    dialog = VocabularyDialog(cat)
    shown(qtbot, dialog)
    tab = dialog.vocab_tabs["activity"]
    with qtbot.waitSignal(dialog.changed):
        tab.table.item(tab.row_of("consulting"), 3).setCheckState(Qt.CheckState.Checked)
    assert "consulting" not in cat.vocabulary("activity", include_hidden=False)
    assert "consulting" in cat.vocabulary("activity")


def test_adding_a_value(qtbot, cat):
    dialog = VocabularyDialog(cat)
    shown(qtbot, dialog)
    dialog.tabs.setCurrentIndex(1)
    tab = dialog.vocab_tabs["domain"]
    prompt = answer_next_modal(qtbot, text="ARN messager")
    click(qtbot, tab.add_button)
    assert prompt
    assert "ARN messager" in cat.vocabulary("domain").values()
    assert any(tab.table.item(r, 0).text() == "ARN messager" for r in range(tab.table.rowCount()))


def test_renaming_a_tag_into_an_existing_one_merges(qtbot, cat):
    tags = cat.all_tags()
    old, new = "genopole", "saclay"
    assert old in tags and new in tags
    dialog = VocabularyDialog(cat)
    shown(qtbot, dialog)
    dialog.tabs.setCurrentIndex(3)
    tab = dialog.tags_tab
    assert tab.select_tag(old)
    prompt = answer_next_modal(qtbot, text=new)
    with qtbot.waitSignal(dialog.changed):
        click(qtbot, tab.rename_button)
    assert "fusionnées" in prompt[0]
    after = cat.all_tags()
    assert old not in after
    assert after[new] >= tags[new]
    assert "fusionnée" in dialog.status.text()
    rows = [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    assert old not in rows and new in rows


# ---------------------------------------------------------------------- saved views
def test_views_rename_and_delete(qtbot, cat):
    cat.save_view("Vaccins", Filter(domains=("vaccines",)))
    cat.save_view("Paris", Filter(departements=("75",)))
    dialog = ManageViewsDialog(cat)
    shown(qtbot, dialog)
    assert dialog.view_names() == ["Paris", "Vaccins"]
    assert dialog.select_view("Vaccins")
    assert "Domaine : « Vaccins »" in dialog.criteria.toPlainText()

    answer_next_modal(qtbot, text="Vaccins et vecteurs")
    with qtbot.waitSignal(dialog.changed):
        click(qtbot, dialog.rename_button)
    assert [v["name"] for v in cat.saved_views()] == ["Paris", "Vaccins et vecteurs"]
    assert dialog.view_names() == ["Paris", "Vaccins et vecteurs"]

    assert dialog.select_view("Paris")
    seen = answer_next_modal(qtbot, button="Annuler")
    click(qtbot, dialog.delete_button)
    assert "« Paris »" in seen[0]
    assert len(cat.saved_views()) == 2

    answer_next_modal(qtbot, button="Supprimer")
    with qtbot.waitSignal(dialog.changed):
        click(qtbot, dialog.delete_button)
    assert [v["name"] for v in cat.saved_views()] == ["Vaccins et vecteurs"]
    assert dialog.view_names() == ["Vaccins et vecteurs"]


def test_ask_view_name(qtbot):
    answer_next_modal(qtbot, text="  Mes acteurs  ")
    assert ask_view_name(None, "suggestion") == "Mes acteurs"
    answer_next_modal(qtbot, text="")
    assert ask_view_name(None) is None


# ---------------------------------------------------------------------- help and about
def test_help_lists_the_shortcuts_passed(qtbot):
    shortcuts = [("Rechercher", "Ctrl+F"), ("Annuler", "Ctrl+Z"), ("Outil imaginaire", "Ctrl+Alt+J")]
    dialog = HelpDialog(shortcuts)
    shown(qtbot, dialog)
    text = dialog.browser.toPlainText()
    for action, keys in shortcuts:
        assert action in text and keys in text
    for section in ("Recherche", "Facettes", "Carte", "Sélectionner et corriger sur la carte", "Tableau de bord",
                    "Appels à projets", "Relances", "Champs personnalisés", "Travailler en équipe", "Import et export"):
        assert section in text
    assert "Synonymes" in text and "Ctrl+Maj+S" in text and "Exporter l'image…" in text
    assert dialog.buttons.button(SB.Close).text() == "Fermer"


def test_about_shows_versions_path_and_sources(qtbot, cat):
    dialog = AboutDialog(cat.path, schema_version=cat.schema_version(), dataset_version=cat.meta("dataset_version"))
    shown(qtbot, dialog)
    info = dialog.info.text()
    assert str(cat.path) in info and cat.meta("dataset_version") in info
    assert "Licence Ouverte" in dialog.sources.toPlainText()
    assert dialog.libraries.rowCount() > 5


# ---------------------------------------------------------------------- confirmations
def test_delete_and_purge_questions():
    question, detail = delete_question(["Genethon"], 3)
    assert question == "Supprimer « Genethon » ?"
    assert detail == "Il sera placé dans la corbeille avec ses 3 relations ; vous pourrez le restaurer."
    assert "avec sa relation" in delete_question(["X"], 1)[1]
    assert "Supprimer 2 acteurs" in delete_question(["X", "Y"], 0)[0]
    assert "définitivement" in purge_question(4)[0]


def test_confirm_delete_and_purge_answer(qtbot):
    answer_next_modal(qtbot, button="Mettre à la corbeille")
    assert confirm_delete(None, ["Genethon"], 2) is True
    answer_next_modal(qtbot, button="Annuler")
    assert confirm_delete(None, ["Genethon"], 2) is False
    seen = answer_next_modal(qtbot, button="Supprimer définitivement")
    assert confirm_purge(None, 3) is True
    assert "définitivement" in seen[0]


def test_the_kinds_proposed_at_import_are_edited_like_the_vocabularies(qtbot, cat):
    dialog = VocabularyDialog(cat)
    shown(qtbot, dialog)
    tab = dialog.rules_tab
    dialog.tabs.setCurrentWidget(tab)
    row = tab.row_of("72.19Z")
    assert tab.table.item(row, tab.RULE).text() == "Code NAF"
    choice = tab.table.cellWidget(row, tab.KIND)
    assert choice.currentData() == "academic"
    with qtbot.waitSignal(dialog.changed):
        choice.setCurrentIndex(choice.findData("biotech"))
    assert cat.kind_rule_table().for_naf("72.19Z") == "biotech"
    with qtbot.waitSignal(dialog.changed):
        tab.table.item(tab.row_of("72.19Z"), tab.PATTERN).setText("7219")
    assert tab.row_of("72.19Z") < 0 and tab.row_of("72.19") >= 0      # written as INSEE does
    assert cat.kind_rule_table().for_naf("72.19A") == "biotech"       # now a prefix
    prompt = answer_next_modal(qtbot, text="Plateforme technologique")
    click(qtbot, tab.add_structure_button)
    assert prompt and tab.row_of("Plateforme technologique") >= 0
    assert cat.kind_rule_table().for_structure("Plateformes technologiques") is not None
    tab.table.selectRow(tab.row_of("Plateforme technologique"))
    with qtbot.waitSignal(dialog.changed):
        click(qtbot, tab.delete_button)
    assert cat.kind_rule_table().for_structure("Plateforme technologique") is None
