"""The page's data: the actors as typed columns (``MapActors``) and the one JSON payload
``static/ecomap.js`` reads (its layout below)."""
from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .. import vocab
from ..validate import normalize_url
from .escaping import script_json

# Relation type -> (line colour, SVG/canvas dash pattern or None for a solid line).
RELATION_STYLES: dict[str, tuple[str, str | None]] = {
    "hosted_by": ("#15803d", "6 4"),
    "spin_off_of": ("#c026d3", "2 5"),
    "acquired_by": ("#b91c1c", None),
    "partner_of": ("#2563eb", "10 4 2 4"),
    "founding_lab_of": ("#7c3aed", "8 4"),
    "site_of": ("#92400e", None),
    "member_of": ("#475569", "1 4"),
}

# ---------------------------------------------------------------- payload
#
# The payload's actors are columns (static/ecomap.js reads this layout):
#   - numbers (ids, positions, codes) as {"int32": base64} — little-endian 32-bit
#     integers — or {"float64": base64} for ids out of that range: encoding 100,000
#     integers as JSON text costs tens of milliseconds a column, base64 next to nothing;
#   - texts (names, websites) as one string, the values separated by TEXT_SEPARATOR
#     (one JSON string instead of 100,000), or as a list when a value holds the
#     separator itself;
#   - values that repeat (kind, commune, domains) as {"values": distinct values,
#     "codes": numbers}: row i's value is values[codes[i]].
# The relations ({"source", "type", "target"}) are columns of the same kinds.

# Positions travel as integers in 1e-5 degrees (about a metre); NO_POSITION: not located.
POSITION_SCALE = 100_000
NO_POSITION = -(2 ** 31)
TEXT_SEPARATOR = "\x1f"  # ASCII unit separator


def _coordinate(value: Any, limit: float) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or abs(number) > limit:
        return None
    return round(number * POSITION_SCALE)


def _positions(values: list, limit: float) -> np.ndarray:
    scaled = [round(v * POSITION_SCALE) if v.__class__ is float and -limit <= v <= limit
              else _coordinate(v, limit) for v in values]
    return np.array([NO_POSITION if v is None else v for v in scaled], dtype=np.int32)


def _texts(values: list) -> list[str]:
    return [v if v.__class__ is str else "" if v is None else str(v) for v in values]


def _slug_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _stored_slug_list(text: str | None) -> list[str]:
    value = json.loads(text) if text else []
    return _slug_list(value) if isinstance(value, list) else []


_HTTP_URL = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)


def _website(value: Any) -> str | None:
    """An http(s) URL to link to, or None (javascript:, mailto:, garbage…). The page
    checks again with its URL parser before making a link."""
    if not value:
        return None
    if value.__class__ is not str or not _HTTP_URL.match(value):
        value = normalize_url(value)  # 'www.exemple.fr' -> 'https://www.exemple.fr'
        if not _HTTP_URL.match(value):
            return None
    return value


def _websites(values: Iterable[Any]) -> list[str]:
    """Each value as an http(s) URL to link to, or '' for none."""
    return [w if w.__class__ is str and w.startswith(("https://", "http://"))
            else _website(w) or "" for w in values]


@dataclass(eq=False)
class Coded:
    """A column whose values repeat (kinds, communes, sets of domains): row ``i``'s
    value is ``values[codes[i]]``, each distinct value stored once."""

    values: list
    codes: np.ndarray  # int32

    @classmethod
    def of(cls, column: list) -> "Coded":
        """``column`` coded (values: the distinct ones, hashable, in order of appearance)."""
        values = list(dict.fromkeys(column))
        if len(values) <= 1:
            return cls(values, np.zeros(len(column), dtype=np.int32))
        index = {value: i for i, value in enumerate(values)}
        return cls(values, np.fromiter(map(index.__getitem__, column), dtype=np.int32,
                                       count=len(column)))

    def __len__(self) -> int:
        return len(self.codes)

    def decoded(self) -> list:
        values = self.values
        return [values[c] for c in self.codes.tolist()]


# The columns of MapActors, in its order, as read from the actors table (the schema
# keeps positions in range: SQLite scales and rounds them).
_MAP_COLUMNS = (f"a.id, a.name, a.kind, ifnull(CAST(round(a.lat * {POSITION_SCALE}) AS INTEGER), {NO_POSITION}), "
                f"ifnull(CAST(round(a.lon * {POSITION_SCALE}) AS INTEGER), {NO_POSITION}), "
                "a.commune, a.domains, a.website")
_SCAN_FROM = 5000  # actors from which reading the whole table beats looking each one up


@dataclass(eq=False)
class MapActors:
    """The actors of a page as typed columns, every one in display order: what
    ``build_map_html`` puts in the payload, already checked.

    ``lat``/``lon``: integers in 1/POSITION_SCALE degrees, NO_POSITION when not located;
    ``website``: an http(s) URL or ''; ``kind`` (slugs), ``commune`` and ``domains``
    (lists of slugs) are ``Coded``. Made by ``from_catalogue`` (straight from SQLite:
    the map tab's and the CLI's path) or ``from_dicts``.
    """

    id: np.ndarray  # int64
    name: list[str]
    kind: Coded
    lat: np.ndarray  # int32
    lon: np.ndarray  # int32
    commune: Coded
    domains: Coded
    website: list[str]

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_dicts(cls, actors: Iterable[Mapping[str, Any]]) -> "MapActors":
        """From actor dicts (``id``, ``name``, ``kind``, ``lat``, ``lon``, ``commune``,
        ``domains``, ``website``; other keys ignored, missing ones empty)."""
        actors = actors if isinstance(actors, list) else list(actors)

        def column(key: str) -> list:
            try:
                return list(map(itemgetter(key), actors))  # C speed when every dict has the key
            except KeyError:
                if key == "id":
                    raise
                return [a.get(key) for a in actors]

        domains = Coded.of([tuple(_slug_list(v)) for v in column("domains")])
        domains.values = [list(v) for v in domains.values]
        return cls(
            id=np.array(column("id"), dtype=np.int64),
            name=_texts(column("name")),
            kind=Coded.of(_texts(column("kind"))),
            lat=_positions(column("lat"), 90.0),
            lon=_positions(column("lon"), 180.0),
            commune=Coded.of(_texts(column("commune"))),
            domains=domains,
            website=_websites(column("website")),
        )

    @classmethod
    def from_catalogue(cls, catalogue, ids: Sequence[int]) -> "MapActors":
        """The actors ``ids`` of ``catalogue`` (missing ids skipped), read in one query
        into columns: no per-actor dict, each distinct domains text decoded once."""
        wanted = list(ids)
        ordered = [row for rows in catalogue.actor_rows(_MAP_COLUMNS, wanted, scan_from=_SCAN_FROM) for row in rows]
        columns = [list(c) for c in zip(*ordered)] if ordered else [[] for _ in range(8)]
        del ordered
        ids_, names, kinds, lats, lons, communes, domains, websites = columns
        domains = Coded.of(domains)  # the stored JSON texts
        domains.values = [_stored_slug_list(text) for text in domains.values]
        return cls(id=np.array(ids_, dtype=np.int64), name=_texts(names), kind=Coded.of(kinds),
                   lat=np.array(lats, dtype=np.int32), lon=np.array(lons, dtype=np.int32),
                   commune=Coded.of(communes), domains=domains, website=_websites(websites))

    def located(self) -> np.ndarray:
        return (self.lat != NO_POSITION) & (self.lon != NO_POSITION)

    def unlocated_count(self) -> int:
        return len(self) - int(np.count_nonzero(self.located()))

    def positions(self) -> dict[int, tuple[float, float]]:
        """Actor id -> (lat, lon) in degrees, for the located actors."""
        mask = self.located()
        return dict(zip(self.id[mask].tolist(),
                        zip((self.lat[mask] / POSITION_SCALE).tolist(),
                            (self.lon[mask] / POSITION_SCALE).tolist())))


def _numbers_json(values: np.ndarray) -> str:
    """Integers as {"int32": base64} (little-endian), or {"float64": base64} beyond."""
    if not len(values) or (values.min() >= -2 ** 31 and values.max() < 2 ** 31):
        kind, data = "int32", values.astype("<i4", copy=False)
    else:
        kind, data = "float64", values.astype("<f8")
    return f'{{"{kind}":"{base64.b64encode(data.tobytes()).decode("ascii")}"}}'


def _texts_json(values: list[str]) -> str:
    """Texts as one string joined by TEXT_SEPARATOR, or a list if one holds it."""
    if values:
        joined = TEXT_SEPARATOR.join(values)
        if joined.count(TEXT_SEPARATOR) == len(values) - 1:
            return script_json(joined)
    return script_json(values)


def _coded_json(coded: Coded) -> str:
    return f'{{"values":{script_json(coded.values)},"codes":{_numbers_json(coded.codes)}}}'


def _actors_json(actors: MapActors) -> str:
    """The payload's ``actors`` (layout above)."""
    return ("{" + f'"count":{len(actors)},'
            f'"id":{_numbers_json(actors.id)},'
            f'"name":{_texts_json(actors.name)},'
            f'"lat":{_numbers_json(actors.lat)},'
            f'"lon":{_numbers_json(actors.lon)},'
            f'"website":{_texts_json(actors.website)},'
            f'"kind":{_coded_json(actors.kind)},'
            f'"commune":{_coded_json(actors.commune)},'
            f'"domains":{_coded_json(actors.domains)}' + "}")


def _relations_json(relations: Iterable[Mapping[str, Any]]) -> str:
    """The payload's ``relations``: {"count", "source", "type", "target"}, columns like
    the actors' (``type`` coded)."""
    relations = relations if isinstance(relations, list) else list(relations)

    def ids(key: str) -> np.ndarray:
        return np.array(list(map(itemgetter(key), relations)), dtype=np.int64)

    types = Coded.of(_texts(list(map(itemgetter("type"), relations))))
    return (f'{{"count":{len(relations)},"source":{_numbers_json(ids("source_id"))},'
            f'"type":{_coded_json(types)},"target":{_numbers_json(ids("target_id"))}}}')


def payload_json(actors: MapActors, relations: Iterable[Mapping[str, Any]],
                  kinds: Mapping[str, Sequence[str]] | None, domains: Mapping[str, str] | None,
                  title: str, subtitle: str, app: bool,
                  view: Sequence[float] | None) -> str:
    """The page's one data payload, as JSON safe inside a script element: the columns
    are encoded one by one and spliced in (no intermediate dict of 100k-long lists)."""
    relation_types = {
        slug: [labels[0], labels[1], *RELATION_STYLES.get(slug, ("#475569", None))]
        for slug, labels in vocab.RELATION_TYPES.items()
    }
    rest = script_json({
        "title": str(title or ""),
        "subtitle": str(subtitle or ""),
        "app": app,
        "kinds": {slug: [str(v[0]), str(v[1])] for slug, v in (kinds or vocab.KINDS).items()},
        "domains": {slug: str(label) for slug, label in (domains or vocab.DOMAINS).items()},
        "relationTypes": relation_types,
        "positionScale": POSITION_SCALE,
        "noPosition": NO_POSITION,
        "textSeparator": TEXT_SEPARATOR,
        "view": [float(view[0]), float(view[1]), int(view[2])] if view else None,
    })
    return (rest[:-1] + ',"actors":' + _actors_json(actors)
            + ',"relations":' + _relations_json(relations) + "}")


