"""Dashboard figures on the bundled dataset, checked against direct SQL."""
from __future__ import annotations

import pytest

from eco_desktop import dashboard
from eco_desktop.filter import Filter

LIVE = "deleted_at IS NULL"


def sql_count(catalogue, where: str = "1", params=()) -> int:
    return catalogue.conn.execute(f"SELECT count(*) FROM actors WHERE {LIVE} AND ({where})", params).fetchone()[0]


def sql_multi(catalogue, column: str, where: str = "1") -> dict[str, int]:
    return {r[0]: r[1] for r in catalogue.conn.execute(
        f"SELECT j.value, count(*) FROM actors a, json_each(a.{column}) j WHERE a.{LIVE} AND ({where}) "
        "GROUP BY j.value")}


def bars(board, key) -> dict[str, int]:
    return {b.value: b.count for b in board.charts[key]}


def test_key_figures_match_sql(catalogue):
    board = dashboard.compute(catalogue)
    total = sql_count(catalogue)
    assert board.total == total == 52
    assert board.figure("total").count == total
    assert board.figure("biotech").count == sql_count(catalogue, "kind = 'biotech'")
    assert board.figure("techprovider").count == sql_count(catalogue, "kind = 'techprovider'")
    assert board.figure("other_kinds").count == sql_count(catalogue, "kind NOT IN ('biotech', 'techprovider')")
    assert board.figure("paris").count == sql_count(catalogue, "departement = '75'")
    assert board.figure("mgp").count == sql_count(catalogue, "mgp = 1")
    assert board.figure("genopole").count == sql_count(catalogue, "epci = '200059228'") > 0
    assert board.figure("saclay").count == sql_count(catalogue, "epci = '200056232'") > 0
    assert board.figure("with_contact").count == sql_count(
        catalogue, "EXISTS (SELECT 1 FROM contacts c WHERE c.actor_id = actors.id "
                   "AND c.legal_basis <> '' AND c.opt_out = 0)")
    paris = board.figure("paris")
    assert paris.share == pytest.approx(paris.count / total)
    assert board.figure("biotech").share + board.figure("techprovider").share + \
        board.figure("other_kinds").share == pytest.approx(1.0)


def test_saclay_holds_courtaboeuf(catalogue):
    # Courtabœuf spreads over Les Ulis and Villebon-sur-Yvette, both in CA Paris-Saclay.
    from eco_desktop.geo import gazetteer
    gaz = gazetteer()
    assert gaz.by_insee("91692").epci == dashboard.SACLAY_EPCI
    assert gaz.by_insee("91228").epci == dashboard.GENOPOLE_EPCI  # Évry-Courcouronnes


def test_charts_match_sql_and_are_sorted(catalogue):
    board = dashboard.compute(catalogue)
    kinds = {r[0]: r[1] for r in catalogue.conn.execute(
        f"SELECT kind, count(*) FROM actors WHERE {LIVE} GROUP BY kind")}
    assert bars(board, "kind") == kinds
    deps = {r[0]: r[1] for r in catalogue.conn.execute(
        f"SELECT departement, count(*) FROM actors WHERE {LIVE} AND departement <> '' GROUP BY departement")}
    assert bars(board, "departement") == deps
    assert bars(board, "domain") == sql_multi(catalogue, "domains")
    assert bars(board, "activity") == sql_multi(catalogue, "activities")
    relations = {r[0]: r[1] for r in catalogue.conn.execute(
        "SELECT r.type, count(*) FROM relations r JOIN actors s ON s.id = r.source_id "
        "JOIN actors t ON t.id = r.target_id WHERE s.deleted_at IS NULL AND t.deleted_at IS NULL GROUP BY r.type")}
    assert bars(board, "relation") == relations
    for key, items in board.charts.items():
        counts = [b.count for b in items]
        assert counts == sorted(counts, reverse=True), key
        assert all(b.label for b in items)
    labels = {b.value: b.label for b in board.charts["kind"]}
    assert labels["biotech"] == "Entreprise de biothérapie"
    assert {b.value: b.label for b in board.charts["relation"]}["hosted_by"] == "Hébergement"


def test_a_selected_facet_counts_within_the_filtered_actors(catalogue):
    flt = Filter(kinds=("biotech",))
    board = dashboard.compute(catalogue, flt)
    where = "kind = 'biotech'"
    assert board.total == sql_count(catalogue, where)
    assert bars(board, "kind") == {"biotech": board.total}
    assert bars(board, "domain") == sql_multi(catalogue, "domains", where)
    assert bars(board, "activity") == sql_multi(catalogue, "activities", where)
    assert board.figure("techprovider").count == 0
    assert board.figure("biotech").share == 1.0
    # relations: both ends among the listed actors
    ids = {r[0] for r in catalogue.conn.execute(f"SELECT id FROM actors WHERE {LIVE} AND {where}")}
    expected: dict[str, int] = {}
    for r in catalogue.conn.execute("SELECT type, source_id, target_id FROM relations"):
        if r[1] in ids and r[2] in ids:
            expected[r[0]] = expected.get(r[0], 0) + 1
    assert bars(board, "relation") == expected


def test_text_and_geography_filters(catalogue):
    flt = Filter(departements=("91",), text="genopole")
    board = dashboard.compute(catalogue, flt)
    ids = catalogue.actor_ids(flt)
    assert board.total == len(ids) > 0
    assert bars(board, "departement") == {"91": len(ids)}
    assert board.figure("paris").count == 0
    assert board.figure("genopole").count == sql_count(
        catalogue, f"epci = '200059228' AND id IN ({','.join(map(str, ids))})")


def test_usable_contact_and_trash(catalogue):
    actor_id = catalogue.actor_ids(Filter(kinds=("biotech",)))[0]
    catalogue.add_contact(actor_id, {"first_name": "Alice", "last_name": "Test", "email": "a@example.fr",
                                     "legal_basis": "legitimate_interest"})
    other = catalogue.actor_ids(Filter(kinds=("pharma",)))[0]
    catalogue.add_contact(other, {"last_name": "Opposé", "legal_basis": "consent", "opt_out": True})
    assert dashboard.compute(catalogue).figure("with_contact").count == 1
    catalogue.delete_actors([actor_id])
    board = dashboard.compute(catalogue)
    assert board.total == 51 and board.figure("with_contact").count == 0
    trash = dashboard.compute(catalogue, Filter(only_deleted=True, kinds=("biotech",)))
    assert trash.total == 1 and trash.figure("with_contact").count == 1


def test_empty_result_has_zero_shares(catalogue):
    board = dashboard.compute(catalogue, Filter(text="zzzzqqq"))
    assert board.total == 0
    assert all(f.count == 0 for f in board.figures)
    assert all(not items for items in board.charts.values())
    assert board.figure("paris").share_text() == "0,0\u202f%"


def test_french_percent_format():
    # Thousands: tests/test_french.py (french.number).
    assert dashboard.percent(0.4567) == "45,7\u202f%"
