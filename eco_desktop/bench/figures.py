"""The benchmark's figures: what each measures, its target at 100,000 actors, and how
samples become a result."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

from ..filter import Filter


DEFAULT_ACTORS = 100_000
DEFAULT_REPEAT = 5
REFERENCE_N = 100_000

# name -> (target at 100k, unit, scales with N, what it measures)
FIGURES: dict[str, tuple[float | None, str, bool, str]] = {
    "open_catalogue": (0.5, "s", False, "Catalogue.open + first page (actor_ids, actors_by_ids of 100)"),
    "search_keystroke": (0.05, "s", False, "one more letter (g, ge, gen, geno) -> ids and first 100 rows"),
    "facet_counts": (0.1, "s", False, "counts of every facet under a filter (2 kinds, 2 départements)"),
    "window_ready": (2.0, "s", False, "open + MainWindow shown offscreen until the list holds every actor"),
    "map_build": (1.0, "s", True, "maps.build_map_html of every actor and relation, with the territories' "
                  "counts (as the map tab reads them)"),
    "geo_filter": (0.05, "s", False, "Catalogue.count of a new geographic area: a 10 km circle, a drawn polygon "
                   "of 50 vertices"),
    "territory_counts": (0.1, "s", False, "Catalogue.territory_counts of the facets' filter at each level "
                         "(commune, EPT, EPCI, département)"),
    "map_ready": (3.0, "s", False, "page loaded in QWebEngineView (first load) until the JS reports its markers"),
    "export_xlsx_ratio": (1.3, "ratio", False, "export.export_xlsx / raw openpyxl write_only, same cells"),
    "export_command_ratio": (1.3, "ratio", False, "`eco-desktop export -o FILE.xlsx` of every actor as a process "
                             "(start, reading, writing) / raw openpyxl write_only of the same cells"),
    "import_csv": (15.0, "s", True, "CSV of N rows through the importer's public apply function"),
    "import_national_ratio": (1.3, "ratio", False, "CSV of N rows with SIRENE headers, communes all over France "
                              "(2/3 outside IDF, 5 % abroad or overseas) / the import_csv file, pairs in one run"),
    "sync_pull_10k": (10.0, "s", False, "team sync: 10,000 actors another member changed, pulled from a shared folder "
                      "and applied (sync.run.sync of a joined copy, index loaded)"),
    "sync_noop": (0.5, "s", False, "team sync: a whole sync (pull, push, snapshot check) with nothing new"),
    "peak_rss_gui": (600.0, "MB", False, "peak resident size (VmHWM) of the window process, every actor listed and mapped"),
    "peak_rss_webengine": (None, "MB", False, "sum of VmHWM of the QtWebEngineProcess children"),
}
KEYSTROKES = ("g", "ge", "gen", "geno")
FACET_FILTER = Filter(kinds=("biotech", "techprovider"), departements=("91", "75"))


@dataclass
class Result:
    name: str
    samples: list[float] = field(default_factory=list)
    target: float | None = None
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ok(self) -> bool:
        return self.target is None or self.median <= self.target

    def to_dict(self) -> dict:
        return {"name": self.name, "median": round(self.median, 4), "min": round(min(self.samples), 4),
                "max": round(max(self.samples), 4), "target": self.target, "unit": self.unit, "ok": self.ok}


def target_for(name: str, n: int) -> float | None:
    target, _unit, scales, _what = FIGURES[name]
    if target is None:
        return None
    return round(target * n / REFERENCE_N, 4) if scales else target


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action()`` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
