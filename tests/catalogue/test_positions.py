"""The index's positions and communes (catalogue/positions.py): read once, in index order,
patched by writes, an area's evaluation kept until a position changes."""
from __future__ import annotations

import sqlite3

import numpy as np

from eco_desktop.catalogue.positions import Positions
from eco_desktop.geo.area import Area


def _conn(rows) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE actors (id INTEGER PRIMARY KEY, lat REAL, lon REAL, insee_code TEXT)")
    conn.executemany("INSERT INTO actors VALUES (?, ?, ?, ?)", rows)
    return conn


def test_load_in_index_order_leaving_out_unknown_ids():
    conn = _conn([(10, 48.6, 2.4, "91228"), (3, None, None, "75113"), (7, 48.9, 2.3, ""), (99, 1.0, 1.0, "x")])
    positions = Positions.load(conn, np.array([7, 3, 10], dtype=np.int64))  # 99: not in the index
    assert positions.lat[[0, 2]].tolist() == [48.9, 48.6] and np.isnan(positions.lat[1])
    assert positions.located().tolist() == [True, False, True]
    assert positions.commune_counts(np.array([True, True, True])) == {"": 1, "75113": 1, "91228": 1}
    assert positions.commune_counts(np.array([False, True, True])) == {"75113": 1, "91228": 1}


def test_set_grows_and_forgets_the_area_kept():
    positions = Positions.empty(2)
    area = Area.circle(48.6, 2.4, 5)
    assert positions.inside(area).tolist() == [False, False]
    assert positions.inside(area) is positions.inside(area)  # kept
    positions.set(3, 48.61, 2.41, "91228")  # a new actor after two more positions
    assert len(positions.lat) == 4
    assert positions.inside(area).tolist() == [False, False, False, True]
    positions.set(3, None, None, "91228")
    assert positions.inside(area).tolist() == [False] * 4
    assert positions.commune_counts(np.ones(4, dtype=bool)) == {"": 3, "91228": 1}
