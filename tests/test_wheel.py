"""The built wheel carries the bundled files and works without the source tree."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _build_wheel(out: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:  # offline: build with the venv's hatchling instead of an isolated env
        proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
                               str(REPO)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [wheel] = out.glob("eco_desktop-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("dist"))


def test_wheel_file_list(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("eco_desktop/__init__.py", "eco_desktop/catalogue/cache.py", "eco_desktop/resources/gazetteer.json",
                     "eco_desktop/db/migrations/0001_initial.sql", "eco_desktop/db/dataset/actors.csv",
                     "eco_desktop/db/dataset/relations.csv", "eco_desktop/db/dataset/VERSION",
                     "eco_desktop/static/ecomap.js", "eco_desktop/static/ecomap.css"):
        assert required in names, required
    assert any(n.startswith("eco_desktop/resources/basemap/") and n.endswith(".geojson") for n in names)
    migrations = sorted(n for n in names if n.startswith("eco_desktop/db/migrations/") and n.endswith(".sql"))
    assert len(migrations) == len(list((REPO / "db" / "migrations").glob("*.sql")))
    assert not any(n.startswith(("tests/", "eco_desktop/tests/")) for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "eco-desktop = eco_desktop.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


SCRIPT = """
import sys
from pathlib import Path
import eco_desktop
from eco_desktop.catalogue import Catalogue
from eco_desktop.filter import Filter
assert eco_desktop.__file__.startswith(sys.argv[2]), eco_desktop.__file__
with Catalogue.create(Path(sys.argv[1])) as cat:
    print(cat.total(), cat.actor_ids(Filter(text="genopole"))[0], cat.meta("dataset_version"))
    from eco_desktop import maps  # the map page's script, style and outlines come from the wheel
    html = maps.build_map_html(cat.actors(), standalone=True)
    assert "window.EcoMap" in html and ".eco-legend" in html and '"FeatureCollection"' in html
"""


def test_installed_wheel_works_without_the_source_tree(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # install with this venv's pip into the fresh venv, without dependencies
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", target, str(wheel)], check=True, timeout=120)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {"PYTHONPATH": sysconfig.get_paths()["purelib"], "HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state")}
    # PYTHONPATH (the dependencies) does not provide eco_desktop: the editable install
    # of this venv is a .pth file, which is only read in site directories.
    proc = subprocess.run([str(python), "-c", SCRIPT, str(outside / "c.sqlite"), target], capture_output=True,
                          text=True, cwd=outside, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    total, first, version = proc.stdout.split()
    assert int(total) >= 40 and first == "20" and version == "2021.2"
