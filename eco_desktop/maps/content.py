"""A catalogue's map: what the map tab and ``eco-desktop map`` show for a filter."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Sequence

from .. import vocab
from .layers import territories_payload
from .page import default_subtitle
from .payload import MapActors

DEFAULT_TITLE = vocab.MAP_DEFAULT_TITLE


@dataclass
class MapContent:
    """What the map of a filter shows: the arguments of ``build_map_html``."""

    actors: MapActors
    relations: list[dict[str, Any]]
    kinds: dict[str, Sequence[str]]
    domains: dict[str, str]
    title: str
    subtitle: str
    view_name: str | None = None  # the saved view the filter is, if any
    territories: dict[str, Any] | None = None  # layers.territories_payload

    def page_args(self) -> dict[str, Any]:
        return {"relations": self.relations, "kinds": self.kinds, "domains": self.domains,
                "title": self.title, "subtitle": self.subtitle, "territories": self.territories}

    def unlocated_count(self) -> int:
        return self.actors.unlocated_count()


def map_content(catalogue, flt, *, today: _dt.date | None = None) -> MapContent:
    """The actors of ``flt`` in ``catalogue`` with their relations, vocabularies, title
    (the saved view's name when the filter is one, else DEFAULT_TITLE) and subtitle."""
    ids = catalogue.actor_ids(flt)
    actors = MapActors.from_catalogue(catalogue, ids)
    view_name = saved_view_name(catalogue, flt)
    return MapContent(
        actors=actors,
        relations=catalogue.relations(ids),
        kinds=catalogue.kinds(),
        domains=catalogue.vocabulary("domain"),
        title=view_name or DEFAULT_TITLE,
        subtitle=default_subtitle(" · ".join(catalogue.describe(flt)), len(actors), today),
        view_name=view_name,
        territories=territories_payload(catalogue, flt, len(actors)),
    )


def saved_view_name(catalogue, flt) -> str | None:
    """The name of the saved view whose filter is ``flt`` (order of values ignored)."""
    def normalised(f) -> dict:
        return {k: sorted(v, key=str) if isinstance(v, list) else v for k, v in f.to_dict().items()}
    wanted = normalised(flt)
    return next((v["name"] for v in catalogue.saved_views() if normalised(v["filter"]) == wanted), None)


def export_filename(view_name: str | None = None, today: _dt.date | None = None) -> str:
    """'carte-<vue>-AAAA-MM-JJ.html' ('acteurs' when the filter is no saved view)."""
    from ..text import fold
    slug = "-".join(fold(view_name).split())[:60].strip("-") if view_name else ""
    return f"carte-{slug or 'acteurs'}-{(today or _dt.date.today()).isoformat()}.html"
