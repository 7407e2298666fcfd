"""importer/parallel.py: a big file prepared in two processes."""
from __future__ import annotations

from pathlib import Path

import pytest

from eco_desktop.importer import Mapping, prepare, read_table

from import_helpers import fixture


def _mixed_table():
    """Rows of every fixture with a name, repeated: places, identifiers, warnings, errors."""
    from eco_desktop.importer.reading import Table
    sirene = read_table(fixture("sirene_extract.csv"))
    nameless = list(sirene.rows[0])
    for index, name in Mapping.auto(sirene.headers, "actors").columns.items():
        if name in ("name", "aliases"):   # the enseigne would stand in for the name
            nameless[index] = ""
    bad_siret = list(sirene.rows[0])
    bad_siret[sirene.headers.index("siret")] = "123"
    rows = [list(r) for r in sirene.rows] * 6 + [nameless, bad_siret]
    return Table(list(sirene.headers), rows, list(range(2, len(rows) + 2)))


def _one_process_then_two(monkeypatch):
    """(module, table, mapping, candidates from one process), with two processes next."""
    from importlib import import_module

    from eco_desktop.importer import parallel as prep
    preparing = import_module("eco_desktop.importer.prepare")   # the package's prepare() hides it
    table = _mixed_table()
    mapping = Mapping.auto(table.headers, "actors")
    monkeypatch.setenv("ECO_DESKTOP_ONE_PROCESS", "1")
    one = prepare(table, mapping, default_kind="biotech")
    monkeypatch.delenv("ECO_DESKTOP_ONE_PROCESS")
    monkeypatch.setattr(preparing, "PARALLEL_ROWS", 5)
    monkeypatch.setattr(prep, "_idle_core", lambda: True)
    return prep, table, mapping, one


def test_two_processes_prepare_what_one_does(monkeypatch):
    prep, table, mapping, one = _one_process_then_two(monkeypatch)
    started = []
    real = prep.subprocess.Popen
    monkeypatch.setattr(prep.subprocess, "Popen", lambda *a, **k: started.append(a) or real(*a, **k))
    two = prepare(table, mapping, default_kind="biotech")
    assert started and two == one
    assert any(c.warnings for c in one) and any(not c.ok for c in one)


def test_a_failing_second_process_leaves_its_rows_to_the_first(monkeypatch, caplog):
    prep, table, mapping, one = _one_process_then_two(monkeypatch)
    monkeypatch.setattr(prep.sys, "executable", "/bin/false")
    assert prepare(table, mapping, default_kind="biotech") == one
    assert "second import process failed" in caplog.text


def test_a_second_process_is_used_when_two_cores_are_idle_now(monkeypatch):
    from eco_desktop.importer import parallel as prep
    monkeypatch.setattr(prep.os, "cpu_count", lambda: 2)
    ticks = iter([(1000, 4000), (1010, 4010)])          # (idle, total): all 10 ticks idle
    monkeypatch.setattr(prep, "_cpu_times", lambda: next(ticks))
    monkeypatch.setattr(prep.time, "sleep", lambda s: None)
    monkeypatch.setattr(prep.os, "getloadavg", lambda: (1.9, 1.9, 1.9))  # ourselves, just before
    assert prep._idle_cores(0.05) == 2.0
    ticks = iter([(1000, 4000), (1010, 4010)])
    assert prep._idle_core()                              # the load average is not asked
    ticks = iter([(1000, 4000), (1005, 4010)])          # another program uses one core
    monkeypatch.setattr(prep, "_cpu_times", lambda: next(ticks))
    assert not prep._idle_core()
    monkeypatch.setattr(prep, "_cpu_times", lambda: None)  # no /proc/stat: the load average
    assert not prep._idle_core()
    monkeypatch.setattr(prep.os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    assert prep._idle_core()
    monkeypatch.setattr(prep.os, "cpu_count", lambda: 1)
    assert not prep._idle_core()


def test_cpu_times_are_read_where_linux_gives_them():
    from eco_desktop.importer import parallel as prep
    if not Path("/proc/stat").exists():
        pytest.skip("no /proc/stat here")
    idle, total = prep._cpu_times()
    assert 0 <= idle <= total
    assert 0.0 <= prep._idle_cores(0.02) <= (prep.os.cpu_count() or 1) + 1e-9


def test_a_second_process_given_no_task_ends_by_itself(monkeypatch):
    prep, *_ = _one_process_then_two(monkeypatch)
    helper = prep.SecondProcess.start()
    assert helper is not None
    child = helper._child
    helper.close()                      # the file was small after all
    assert child.wait(timeout=60) == 0


def test_a_big_file_is_read_while_the_second_process_starts(monkeypatch, tmp_path, catalogue,
                                                            caplog):
    from eco_desktop.importer import plan_import
    prep, table, mapping, one = _one_process_then_two(monkeypatch)
    path = tmp_path / "gros.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        import csv
        csv.writer(handle, delimiter=";").writerows([table.headers, *table.rows])
    monkeypatch.setenv("ECO_DESKTOP_ONE_PROCESS", "1")
    alone = plan_import(catalogue, path, on_duplicate="merge")
    monkeypatch.delenv("ECO_DESKTOP_ONE_PROCESS")
    monkeypatch.setattr(prep, "PARALLEL_BYTES", 1)
    started, closed = [], []
    real_start, real_close = prep.SecondProcess.start, prep.SecondProcess.close
    monkeypatch.setattr(prep.SecondProcess, "start",
                        classmethod(lambda cls: started.append(real_start()) or started[-1]))
    monkeypatch.setattr(prep.SecondProcess, "close",
                        lambda self: closed.append(self) or real_close(self))
    both = plan_import(catalogue, path, on_duplicate="merge")
    assert len(started) == 1 and started[0] is not None and started[0] in closed
    assert started[0]._child.poll() == 0 and started[0]._task is not None \
        and not started[0]._task.exists()   # its task file is gone
    assert both.candidates == alone.candidates and both.creates == alone.creates
    assert "second import process" not in caplog.text   # its rows came from it
    assert [(r.status, r.action, r.first_row) for r in both.rows] == \
        [(r.status, r.action, r.first_row) for r in alone.rows]


def test_a_big_contacts_file_closes_the_second_process(monkeypatch, tmp_path, catalogue):
    from eco_desktop.importer import plan_import
    prep, *_ = _one_process_then_two(monkeypatch)
    monkeypatch.setattr(prep, "PARALLEL_BYTES", 1)
    started = []
    real_start = prep.SecondProcess.start
    monkeypatch.setattr(prep.SecondProcess, "start",
                        classmethod(lambda cls: started.append(real_start()) or started[-1]))
    plan_import(catalogue, fixture("contacts.csv"))
    assert len(started) == 1 and started[0]._child.wait(timeout=60) == 0
    assert started[0]._child.stdin.closed
