"""The catalogue's figures, measured in the benchmark's process: opening, a keystroke of
the search, the facets' counts, the map's page."""
from __future__ import annotations

from pathlib import Path

from .. import maps
from ..catalogue import Catalogue
from ..filter import Filter
from .figures import FACET_FILTER, KEYSTROKES, timed


def bench_open(path: Path, repeat: int) -> list[float]:

    def run() -> None:
        catalogue = Catalogue.open(path)
        ids = catalogue.actor_ids(Filter())
        catalogue.actors_by_ids(ids[:100])
        catalogue.close()
    return [timed(run) for _ in range(repeat)]


def bench_search(catalogue, repeat: int) -> list[float]:
    samples = []
    catalogue.actor_ids(Filter())  # index loaded: the window is open
    for _ in range(repeat):
        for text in KEYSTROKES:
            def run(text=text) -> None:
                ids = catalogue.actor_ids(Filter(text=text))
                catalogue.actors_by_ids(ids[:100])
            samples.append(timed(run))
    return samples


def bench_facets(catalogue, repeat: int) -> list[float]:
    catalogue.facet_counts(Filter())
    return [timed(lambda: catalogue.facet_counts(FACET_FILTER)) for _ in range(repeat)]


def bench_map_build(catalogue, repeat: int) -> list[float]:
    """The page of every actor from what the map tab reads (maps.map_content, not timed)."""
    content = maps.map_content(catalogue, Filter())
    args = content.page_args()
    return [timed(lambda: maps.build_map_html(content.actors, **args)) for _ in range(repeat)]
