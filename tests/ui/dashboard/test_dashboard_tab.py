"""The "Tableau de bord" tab: figures follow the filter, bars filter the list, PNG and PDF exports."""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from eco_desktop.filter import Filter


def open_dashboard(window, qtbot):
    dash = window.features["dashboard"]
    window.tabs.setCurrentIndex(dash.tab_index)
    qtbot.waitUntil(lambda: dash.board is not None and not dash._dirty and not dash.busy)
    return dash


def settled(dash) -> bool:
    return not dash._dirty and not dash.busy


def test_tab_shows_the_key_figures(window, qtbot):
    assert window.tabs.tabText(window.features["dashboard"].tab_index) == "Tableau de bord"
    dash = open_dashboard(window, qtbot)
    assert dash.board.total == window.catalogue.count(Filter()) == 52
    assert dash.cards["total"].count_label.text() == "52"
    paris = dash.board.figure("paris")
    assert dash.cards["paris"].share_label.text() == paris.share_text() != ""
    assert "52 acteurs" in dash.heading.text()
    assert dash.criteria.text() == "Tous les acteurs"
    kind_chart = dash.charts["kind"]
    # largest bar on top (the last category of a horizontal chart), one colour per kind
    assert kind_chart.values[-1] == dash.board.charts["kind"][0].value
    colors = window.catalogue.kind_colors()
    for bar_set, value in zip(kind_chart.bar_sets, kind_chart.values):
        assert bar_set.color().name() == colors[value]


def test_figures_follow_the_filter_lazily(window, qtbot):
    dash = window.features["dashboard"]
    window.set_filter(Filter(kinds=("biotech",)))
    assert dash._dirty  # hidden tab: nothing computed yet
    dash = open_dashboard(window, qtbot)
    assert dash.board.total == window.catalogue.count(Filter(kinds=("biotech",)))
    assert "Entreprise de biothérapie" in dash.criteria.text()
    window.set_filter(Filter(departements=("91",)))
    qtbot.waitUntil(lambda: settled(dash) and dash.board.total != 11)
    assert dash.board.total == window.catalogue.count(Filter(departements=("91",)))
    assert [b.value for b in dash.board.charts["departement"]] == ["91"]


def test_a_write_refreshes_the_figures(window, qtbot):
    dash = open_dashboard(window, qtbot)
    actor_id = window.catalogue.actor_ids(Filter(departements=("75",)))[0]
    window.catalogue.delete_actors([actor_id])
    window.refresh()
    qtbot.waitUntil(lambda: settled(dash) and dash.board.total == 51)
    assert dash.cards["total"].count_label.text() == "51"


def test_clicking_a_bar_filters_the_list(window, qtbot):
    dash = open_dashboard(window, qtbot)
    chart = dash.charts["domain"]
    index = chart.values.index("gene_therapy")
    with qtbot.waitSignal(window.filterChanged):
        chart.bar_sets[0].clicked.emit(index)
    assert window.filter.domains == ("gene_therapy",)
    assert window.tabs.currentIndex() == 0
    assert len(window.model.ids) == window.catalogue.count(Filter(domains=("gene_therapy",))) > 0
    # the kind chart has one bar set per kind
    dash = open_dashboard(window, qtbot)
    kinds = dash.charts["kind"]
    index = len(kinds.values) - 1   # the top bar
    kind = kinds.values[index]
    kinds.bar_sets[index].clicked.emit(index)
    assert window.filter.kinds == (kind,)
    assert window.filter.domains == ("gene_therapy",)
    # the relations chart has no facet: a click does nothing
    window.set_filter(Filter())
    dash = open_dashboard(window, qtbot)
    before = window.filter
    dash.charts["relation"].bar_sets[0].clicked.emit(0)
    assert window.filter == before


def test_save_chart_image_through_the_button(window, qtbot, tmp_path, monkeypatch):
    dash = open_dashboard(window, qtbot)
    target = tmp_path / "types.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dash.charts["kind"].save_button.click()
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    assert dash.save_chart_image("relation", tmp_path / "relations").name == "relations.png"
    assert (tmp_path / "relations.png").stat().st_size > 2000


def test_export_pdf(window, qtbot, tmp_path, monkeypatch):
    dash = open_dashboard(window, qtbot)
    target = tmp_path / "tableau.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    dash.pdf_button.click()
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    from PySide6.QtPdf import QPdfDocument
    doc = QPdfDocument()
    assert doc.load(str(target)) == QPdfDocument.Error.None_
    assert doc.pageCount() == 1
    size = doc.pagePointSize(0)
    assert round(size.width()) == 595 and round(size.height()) == 842  # A4 portrait
    text = doc.getAllText(0).text()
    assert "Tableau de bord" in text and "Tous les acteurs" in text and "Édité le" in text


def test_pdf_into_a_missing_folder_is_a_user_error(window, qtbot, tmp_path):
    import pytest

    from eco_desktop.errors import UserError
    dash = open_dashboard(window, qtbot)
    with pytest.raises(UserError):
        dash.export_pdf(tmp_path / "absent" / "x.pdf")


def test_figures_are_computed_off_the_ui_thread(window, qtbot):
    dash = open_dashboard(window, qtbot)
    with qtbot.waitSignal(dash.updated):
        window.set_filter(Filter(kinds=("pharma",)))
        assert dash.busy or dash._dirty  # the UI thread does not wait for the figures
    assert dash.board.total == window.catalogue.count(Filter(kinds=("pharma",)))
    # a newer filter wins over a computation still running
    window.set_filter(Filter(kinds=("biotech",)))
    window.set_filter(Filter(kinds=("academic",)))
    qtbot.waitUntil(lambda: settled(dash))
    assert dash.board.total == window.catalogue.count(Filter(kinds=("academic",)))
