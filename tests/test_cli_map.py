"""eco-desktop map: a separate process writes the standalone map of the filtered actors."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from eco_desktop import maps
from eco_desktop.filter import Filter
from eco_desktop.catalogue import Catalogue
from eco_desktop.geo import gazetteer
from eco_desktop.geo.area import Area

from cli_helpers import run_cli

from test_maps import actor_columns, external_references, payload, relation_rows


def run(db: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    return run_cli(["map", "--db", db, *args], home=db.parent, expect=expect)


def expected(db: Path, flt: Filter) -> tuple[list[int], int]:
    with Catalogue.open(db, read_only=True) as cat:
        actors = cat.actors_by_ids(cat.actor_ids(flt))
    return [a["id"] for a in actors], sum(1 for a in actors if a["lat"] is None or a["lon"] is None)


def test_map_of_all_actors(catalogue_path, tmp_path):
    out = tmp_path / "carte.html"
    proc = run(catalogue_path, "-o", out)
    ids, unlocated = expected(catalogue_path, Filter())
    assert unlocated > 0, "the bundled catalogue has actors without a position: the count is tested"
    assert proc.stdout.strip() == f"Carte de {len(ids)} acteurs écrite dans {out} ({unlocated} non localisés)"
    html = out.read_text("utf-8")
    data = payload(html)
    assert actor_columns(data)["id"] == ids
    assert data["title"] == maps.DEFAULT_TITLE
    assert "Tous les acteurs" in data["subtitle"] and f"{len(ids)} acteurs" in data["subtitle"]
    assert data["app"] is False
    assert external_references(html) == []
    assert maps.QWEBCHANNEL_JS not in html  # no bridge to an application
    # Relations travel along, only between the actors shown.
    relations = relation_rows(data)
    assert relations and all(r[0] in ids and r[2] in ids for r in relations)


def test_map_holds_exactly_the_filtered_actors(catalogue_path, tmp_path):
    out = tmp_path / "essonne.html"
    proc = run(catalogue_path, "--departement", "91", "--kind", "biotech", "--kind", "bioproduction",
               "-o", out)
    flt = Filter(departements=("91",), kinds=("biotech", "bioproduction"))
    ids, _ = expected(catalogue_path, flt)
    assert ids, "the filter must keep someone for the test to mean something"
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        assert len(ids) < cat.total()
    data = payload(out.read_text("utf-8"))
    assert actor_columns(data)["id"] == ids
    assert "91" in data["subtitle"]
    assert f"Carte de {len(ids)} acteur" in proc.stdout


def test_saved_view_names_the_map_and_title_option(catalogue_path, tmp_path):
    with Catalogue.open(catalogue_path) as cat:
        cat.save_view("Essonne", Filter(departements=("91",)))
    run(catalogue_path, "--departement", "91", "-o", tmp_path / "a.html")
    assert payload((tmp_path / "a.html").read_text("utf-8"))["title"] == "Essonne"
    run(catalogue_path, "--departement", "91", "--title", "<b>Réunion</b>", "-o", tmp_path / "b.html")
    html = (tmp_path / "b.html").read_text("utf-8")
    assert payload(html)["title"] == "<b>Réunion</b>"
    assert "<b>Réunion" not in html  # text, escaped in the page


def test_empty_result_still_writes_a_map(catalogue_path, tmp_path):
    out = tmp_path / "vide.html"
    proc = run(catalogue_path, "--search", "zzzqqqxxx", "-o", out)
    assert proc.stdout.strip() == f"Carte de 0 acteur écrite dans {out} (0 non localisé)"
    assert actor_columns(payload(out.read_text("utf-8")))["id"] == []


@pytest.mark.parametrize("name", ["carte.txt", "carte", "carte.html.xlsx"])
def test_wrong_extension_is_a_usage_error(catalogue_path, tmp_path, name):
    proc = run(catalogue_path, "-o", tmp_path / name, expect=2)
    assert ".html" in proc.stderr
    assert not (tmp_path / name).exists()


def test_errors(catalogue_path, tmp_path):
    run(catalogue_path, "--kind", "inconnu", "-o", tmp_path / "x.html", expect=2)
    run(catalogue_path, expect=2)  # -o is required
    proc = run(catalogue_path, "-o", tmp_path / "absent" / "x.html", expect=1)
    assert "Impossible d'écrire" in proc.stderr and "n'existe pas" in proc.stderr
    run(tmp_path / "absent.sqlite", "-o", tmp_path / "x.html", expect=1)
    assert not (tmp_path / "x.html").exists()


def territories(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="eco-territories">(.*?)</script>', html, re.S)
    assert found, "no territories' payload in the page"
    return json.loads(found.group(1))


def test_map_carries_the_counts_by_territory_and_the_area(catalogue_path, tmp_path):
    out = tmp_path / "evry.html"
    proc = run(catalogue_path, "--near", "Évry-Courcouronnes", "--radius-km", "10", "-o", out)
    html = out.read_text("utf-8")
    data = payload(html)
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        evry = gazetteer().by_insee("91228")
        flt = Filter(area=Area.circle(evry.lat, evry.lon, 10, evry.name))
        ids = [a["id"] for a in cat.actors_by_ids(cat.actor_ids(flt))]
        by_ept = cat.territory_counts(flt, "ept")
        by_dep = cat.territory_counts(flt, "departement")
    assert actor_columns(data)["id"] == ids
    assert "À moins de 10 km d'Évry-Courcouronnes" in data["subtitle"]
    layers = territories(html)
    assert layers["total"] == len(ids)
    assert layers["levels"]["departement"]["counts"] == by_dep == {"91": len(ids)}
    assert layers["levels"]["ept"]["counts"] == by_ept
    assert set(layers["levels"]) == {"commune", "ept", "epci", "departement"}
    assert "sans position ne sont pas comptés" in proc.stderr
    assert external_references(html) == []
    assert "leaflet-heatmap-layer" in html  # Leaflet.heat, inlined from the folium package


def _pdf_media_box(data: bytes) -> list[float]:
    found = re.search(rb"/MediaBox\s*\[\s*([\d.\s-]+)\]", data)
    assert found, "no /MediaBox in the PDF"
    return [float(v) for v in found.group(1).split()]


def test_map_as_pdf_and_png(catalogue_path, tmp_path):
    pdf = tmp_path / "carte.pdf"
    proc = run(catalogue_path, "--departement", "91", "-o", pdf)
    ids, unlocated = expected(catalogue_path, Filter(departements=("91",)))
    assert proc.stdout.strip() == (f"Carte de {len(ids)} acteurs écrite dans {pdf} "
                                   f"({unlocated} non localisé{'s' if unlocated > 1 else ''})")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    x0, y0, x1, y1 = _pdf_media_box(data)
    assert (round(x1 - x0), round(y1 - y0)) in ((842, 595), (841, 595))  # A4 landscape, in points
    png = tmp_path / "carte.png"
    run(catalogue_path, "--departement", "91", "-o", png)
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert width > height > 200


def test_title_is_for_the_html_page_only(catalogue_path, tmp_path):
    proc = run(catalogue_path, "--title", "X", "-o", tmp_path / "x.pdf", expect=2)
    assert ".html" in proc.stderr
