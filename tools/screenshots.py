"""Render the window offscreen into docs/screenshots/ (run after UI changes and look at them).

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out docs/screenshots]

Uses a fresh catalogue from the bundled dataset in a temporary folder, and throwaway
settings, so the pictures show what a new user sees.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def offscreen_app(tmp: Path):
    """The application with its settings and user folders in ``tmp`` (what a new user has)."""
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    from eco_desktop.ui.app import create_application
    app = create_application()
    from PySide6.QtCore import QSettings
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp / "settings"))
    return app


def output_folder(description: str) -> Path:
    """The folder of ``--out`` (docs/screenshots by default), created."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def fresh_catalogue(prefix: str):
    """The application and a new catalogue from the bundled dataset, both in a new
    temporary folder named ``prefix…``."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    app = offscreen_app(tmp)
    from eco_desktop.catalogue import Catalogue
    return app, Catalogue.create(tmp / "catalogue.sqlite")


def add_sample_calls(catalogue) -> int:
    """A few calls for projects, so the calls tab shows a real shortlist (made-up follow-up)."""
    from eco_desktop.filter import Filter
    ids = dict((name, i) for i, name in catalogue.all_actor_names())
    call_id = catalogue.create_call(
        "Thérapie génique 2026", funder="Région Île-de-France", opens="2026-01-15", closes="2026-03-31",
        url="https://www.iledefrance.fr", eligibility=Filter(domains=("gene_therapy",)), state="open")
    catalogue.create_call("Innov'up 2026 — biothérapies", funder="Région Île-de-France", opens="2026-02-01",
                          closes="2026-04-15", eligibility=Filter(kinds=("biotech",)))
    catalogue.create_call("PM'up Bioproduction", funder="Région Île-de-France",
                          eligibility=Filter(kinds=("bioproduction",)), state="preparing")
    catalogue.set_status(call_id, [ids["GenSight Biologics"], ids["Cellectis"]], "contacted")
    catalogue.set_status(call_id, [ids["GenSight Biologics"]], "applied", note="Dossier déposé le 3 mars")
    return call_id


def followup_shots(app, window, catalogue, out: Path) -> list[Path]:
    """The « Relances » list (follow-ups overdue, today, this week, later, with e-mails)
    and a record's journal (field changes, an exchange with its followup, a call's status)."""
    from datetime import timedelta

    from eco_desktop import clock
    from eco_desktop.ui.followups.relances import RelancesDialog
    ids = dict((name, i) for i, name in catalogue.all_actor_names())
    today = clock.today()
    cellectis = ids["Cellectis"]
    catalogue.add_contact(cellectis, {"first_name": "Claire", "last_name": "Martin", "role": "Partenariats",
                                      "email": "claire.martin@example.org", "legal_basis": "legitimate_interest"})
    for actor, days, who, step in ((cellectis, -3, "Claire", "Envoyer le dossier de candidature"),
                                   (ids["GenSight Biologics"], 0, "Bob", "Rappeler après le comité"),
                                   (ids["Genopole"], 2, "Claire", "Confirmer la visite du site"),
                                   (ids["Institut Curie"], 20, "", "Proposer un rendez-vous")):
        catalogue.add_exchange(actor, date=(today - timedelta(days=7)).isoformat(), kind="call",
                               text="Premier appel", followup_on=(today + timedelta(days=days)).isoformat(),
                               followup_by=who, next_step=step)
    call = next(c for c in catalogue.calls() if c["name"] == "Thérapie génique 2026")
    catalogue.set_call_followup(call["id"], ids["GenSight Biologics"], due=today + timedelta(days=5), who="Bob",
                                next_step="Vérifier que le dossier est complet")
    feature = window.features["followups"]
    feature.check()
    dialog = RelancesDialog(window)
    dialog.resize(1100, 330)
    dialog.show()
    settle(app, 0.5)
    shots = [out / "followups.png"]
    dialog.grab().save(str(shots[0]))
    dialog.close()
    actor = catalogue.get_actor(cellectis)
    catalogue.update_actor(cellectis, {"phone": "01 60 91 20 00"})
    catalogue.update_actor(cellectis, {"phone": "01 69 12 34 56", "domains": [*actor["domains"], "vaccines"]})
    window.select_actor(cellectis)
    sizes = window.splitter.sizes()  # a wider record: the journal's lines unwrapped
    window.splitter.setSizes([sizes[0], sizes[1] - 260, sizes[2] + 260])
    editor = window.editor
    editor.sections["history"].header.click()
    settle(app, 0.5)
    section = editor.sections["history"]
    editor.scroll.verticalScrollBar().setValue(section.mapTo(editor.scroll.widget(), section.rect().topLeft()).y())
    editor.scroll.horizontalScrollBar().setValue(0)
    settle(app, 0.5)
    shots.append(out / "journal.png")
    window.grab().save(str(shots[1]))
    feature.dismiss()  # (the other pictures without the banner)
    window.splitter.setSizes(sizes)
    return shots


def search_highlight_shot(app, window, out: Path) -> Path:
    """A search as one types it: the names show the words matched, and the tooltip of an
    actor found by its domain says where (the tooltip, a window of its own, drawn onto the shot)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QApplication, QToolTip
    window.search.setText("gén")
    settle(app, 1.0)
    names = [window.model.data(window.model.index(row, 0)) for row in range(window.model.rowCount())]
    index = window.model.index(names.index("Cellectis"), 0)
    rect = window.table.visualRect(index)
    viewport = window.table.viewport()
    QToolTip.showText(viewport.mapToGlobal(rect.center()), window.model.data(index, Qt.ItemDataRole.ToolTipRole),
                      viewport, rect)
    settle(app, 0.5)
    shot = window.grab()
    tips = [w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible()]
    if tips:
        painter = QPainter(shot)
        painter.drawPixmap(window.mapFromGlobal(tips[0].pos()), tips[0].grab())
        painter.end()
    QToolTip.hideText()
    path = out / "search-highlight.png"
    shot.save(str(path))
    return path


def map_tool_shots(app, window, out: Path) -> list[Path]:
    """The map as a working tool: actors counted by EPT (the choropleth), a selection drawn
    on the map (the list and the area bar follow it), and the printed page (PNG export)."""
    tab = window.features["map"]
    window.show_tab(tab.tab_index)
    settle(app, 4.0)
    shots = []

    def shot(name: str) -> None:
        window.grab().save(str(out / name))
        shots.append(out / name)

    tab.map.run_js("window.ecoTerritories && ecoTerritories.show('ept')")
    settle(app, 1.5)
    shot("map-choropleth.png")
    tab.map.run_js("window.ecoTerritories && ecoTerritories.show(null)")
    ring = [[48.66, 2.19], [48.74, 2.16], [48.80, 2.30], [48.72, 2.47], [48.60, 2.47], [48.58, 2.36]]
    tab.area_drawn({"kind": "polygon", "rings": [ring]})
    window.select_actor(next(i for i, name in window.catalogue.all_actor_names() if name == "Genopole"))
    settle(app, 4.0)
    shot("map-selection.png")
    image = out / "map-print.png"
    done = []
    tab.image_exported.connect(done.append)
    tab.export_image(image)
    end = time.monotonic() + 60
    while not done and time.monotonic() < end:
        settle(app, 0.2)
    if done:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QImage
        tab.result_box.close()
        # The export's PNG is drawn at twice the page: half of it is plenty for the docs.
        QImage(str(image)).scaledToWidth(1400, Qt.TransformationMode.SmoothTransformation).save(str(image))
        shots.append(image)
    window.clear_area()
    settle(app, 1.0)
    return shots


def custom_fields_shots(app, window, catalogue, out: Path) -> list[Path]:
    """Outils → Champs personnalisés… with a choice field's choices, and a record's
    « Champs personnalisés » section filled in (made-up values)."""
    from eco_desktop.ui.operations import Change
    ids = dict((name, i) for i, name in catalogue.all_actor_names())
    catalogue.add_custom_field("actor", "Montant levé", "number", unit="€")
    catalogue.add_custom_field("actor", "Dernière visite", "date")
    catalogue.add_custom_field("actor", "Programme", "choices",
                               choices=["France 2030", "PIA 4", "Horizon Europe", "Bpifrance Deeptech"])
    catalogue.add_custom_field("actor", "Membre Medicen", "bool")
    catalogue.add_custom_field("actor", "Remarque interne", "long_text")
    catalogue.add_custom_field("contact", "Rôle au comité", "choice", choices=["Présidence", "Membre"])
    cellectis = ids["Cellectis"]
    catalogue.set_custom_values(cellectis, {"montant_leve": 2_500_000, "derniere_visite": "2024-10-02",
                                            "programme": ["France 2030", "Horizon Europe"], "membre_medicen": True,
                                            "remarque_interne": "Visite du site de Romainville avec la DRIEETS."})
    window.features["custom_fields"]._update()
    window.apply_changes(Change.VOCABULARIES | Change.ACTORS)
    dialog = window.features["custom_fields"].dialog()
    dialog.fields_list.setCurrentRow(2)
    dialog.show()
    settle(app, 0.5)
    shots = [out / "custom-fields-dialog.png"]
    dialog.grab().save(str(shots[0]))
    dialog.close()
    window.select_actor(cellectis)
    settle(app, 0.5)
    editor = window.editor
    section = editor.sections["custom"]
    editor.scroll.verticalScrollBar().setValue(section.mapTo(editor.scroll.widget(), section.rect().topLeft()).y())
    settle(app, 0.5)
    shots.append(out / "custom-fields-record.png")
    window.grab().save(str(shots[1]))
    return shots


def sync_shots(app, window, catalogue, out: Path) -> list[Path]:
    """The team sync's dialog (a shared folder, the member's name) and « Conflits à revoir »
    after Bob and this catalogue changed the same fields (a made-up team in a temporary folder)."""
    from eco_desktop.catalogue import Catalogue
    from eco_desktop.sync import run
    from eco_desktop.sync.config import PlaceSpec
    from eco_desktop.sync.place import FolderPlace
    from eco_desktop.ui.sync.dialog import Choice
    team = Path(tempfile.mkdtemp(prefix="eco-sync-shots-"))
    shared = team / "Équipe biothérapies"
    shared.mkdir()
    sync = window.features["sync"]
    sync.apply_choice(Choice(PlaceSpec("folder", str(shared)), None, "Claire, Région", True, 5))
    sync.sync_now()
    run.join(FolderPlace(shared), team / "bob.sqlite", member="Bob, Genopole")
    ids = dict((name, i) for i, name in catalogue.all_actor_names())
    with Catalogue.open(team / "bob.sqlite") as bob:
        for name, field, mine, theirs in (
                ("GenSight Biologics", "phone", "01 53 00 10 10", "01 53 00 20 20"),
                ("Cellectis", "website", "https://www.cellectis.com", "https://www.cellectis.com/fr")):
            catalogue.update_actor(ids[name], {field: mine})
            bob.update_actor(ids[name], {field: theirs})
        run.sync(bob, FolderPlace(shared))
    sync.sync_now()  # the conflicts panel opens
    catalogue.update_actor(ids["Genopole"], {"phone": "01 60 87 83 00"})  # one change waiting
    window.show_list()
    window.select_actor(ids["GenSight Biologics"])
    settle(app, 1.0)
    shots = [out / "sync-conflicts.png", out / "sync-dialog.png"]
    window.grab().save(str(shots[0]))
    dialog = sync.open_settings()
    settle(app, 0.5)
    dialog.grab().save(str(shots[1]))
    dialog.reject()
    sync.dock.hide()
    return shots


def main() -> int:
    out = output_folder(__doc__)
    app, catalogue = fresh_catalogue("eco-shots-")
    from eco_desktop.ui.window import MainWindow

    genopole = next(i for i, name in catalogue.all_actor_names() if name == "Genopole")
    call_id = add_sample_calls(catalogue)
    window = MainWindow(catalogue)
    settle(app)
    # the start-up notice names this run's temporary backup folder, not what a user sees
    window.statusBar().clearMessage()
    for width, height in ((1366, 768), (1920, 1080)):
        window.resize(width, height)
        window.show()
        window.select_actor(genopole)
        settle(app)
        window.grab().save(str(out / f"main-{width}x{height}.png"))
        print(out / f"main-{width}x{height}.png")
    window.resize(1366, 768)
    window.search.setText("cellectiss")  # misspelt: the list is empty and proposes names
    settle(app, 1.0)
    window.grab().save(str(out / "search-suggestions.png"))
    print(out / "search-suggestions.png")
    print(search_highlight_shot(app, window, out))
    window.search.clear()
    settle(app, 1.0)
    print(*followup_shots(app, window, catalogue, out), sep="\n")
    for index in range(1, window.tabs.count()):
        name = {"Carte": "map", "Tableau de bord": "dashboard", "Appels à projets": "calls"}.get(
            window.tabs.tabText(index))
        if name is None:
            continue
        window.tabs.setCurrentIndex(index)
        if name == "calls":
            window.features["calls"].reload(select=call_id)
        settle(app, 4.0 if name == "map" else 0.8)
        window.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")
    for path in map_tool_shots(app, window, out):
        print(path)
    print(*custom_fields_shots(app, window, catalogue, out), sep="\n")  # (last: the others without custom fields)
    print(*sync_shots(app, window, catalogue, out), sep="\n")  # (after them: it syncs the catalogue)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
