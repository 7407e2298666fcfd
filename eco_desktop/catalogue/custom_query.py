"""The Filter's ``custom`` criteria and the custom facets, as bitsets of the index.

Each criterion is one indexed query over ``custom_values`` (``custom_values_by_value``:
field, value, row): a range of a number or a date, a choice, yes. SQLite gathers the ids
into one string that numpy parses (no Python object per actor), and the bitsets are kept
for the state of the file and the index they were made for, so that the list, then the
facet counts, then the map of the same filter make them once.

Criteria of one field with « = » are one group (OR, like a facet's values, and skipped
together when that facet's own counts are made); every other criterion is a group of
its own (AND). A yes/no field's « non » is the actors without « oui ».
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from ..errors import UserError
from ..filter import Filter
from .backend import Backend
from .custom_fields import FACET_TYPES, Definitions
from .index import ActorIndex, int_array


def facet_name(key: str) -> str:
    """The facet (and criteria group) of a field's « = » values: ``custom.KEY``."""
    return f"custom.{key}"


def groups(flt: Filter) -> dict[str, list[tuple[str, str, str]]]:
    """The filter's custom criteria by group (see the module)."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for criterion in flt.custom:
        key, op, value = criterion
        name = facet_name(key) if op == "=" else f"custom.{key}{op}{value}"
        out.setdefault(name, []).append(criterion)
    return out


def _bound(field: Mapping[str, Any], value: str) -> Any:
    if field["type"] == "number":
        try:
            return float(value)
        except ValueError:
            raise UserError(f"« {field['label']} » attend un nombre : « {value} ».") from None
    return value


class CustomQuery:
    """Bitsets of custom criteria and facets for one catalogue (callers hold the lock)."""

    def __init__(self, backend: Backend, definitions: Definitions) -> None:
        self.backend = backend
        self.definitions = definitions
        self._key: tuple | None = None
        self._memo: dict[Any, Any] = {}

    def _cached(self, index: ActorIndex, what: Any, make: Callable[[], Any]) -> Any:
        key = (id(index), *self.backend.state())
        if key != self._key:
            self._key, self._memo = key, {}
        if what not in self._memo:
            self._memo[what] = make()
        return self._memo[what]

    def _ids_bits(self, index: ActorIndex, sql: str, args: tuple) -> int:
        id_list = self.backend.execute(sql, args).fetchone()[0]
        return index.bits_for_ids(int_array(id_list))

    def _field(self, key: str) -> dict[str, Any]:
        field = self.definitions.by_key("actor").get(key)
        if field is None:
            raise UserError(f"Champ personnalisé inconnu : « {key} ».")
        return field

    def criterion_bits(self, index: ActorIndex, key: str, op: str, value: str) -> int:
        """The actors meeting one criterion; none for a field deleted since the criterion
        was saved (no actor has a value for it: its description says it is gone)."""
        def make() -> int:
            field = self.definitions.by_key("actor").get(key)
            if field is None:
                return 0
            if field["type"] == "bool":
                yes = self.value_bits(index, key).get("1", 0)
                return yes if value in ("1", "oui") else index.present & ~yes
            if op == "=" and field["type"] in ("text", "long_text", "url"):
                return self._ids_bits(index, "SELECT group_concat(row_id) FROM custom_values "
                                             "WHERE field_id = ? AND eco_fold(value) = eco_fold(?)",
                                      (field["id"], value))
            return self._ids_bits(index, "SELECT group_concat(row_id) FROM custom_values "
                                         f"WHERE field_id = ? AND value {op} ?", (field["id"], _bound(field, value)))
        return self._cached(index, ("criterion", key, op, value), make)

    def bits(self, flt: Filter, index: ActorIndex) -> dict[str, int]:
        """{group: actors meeting it} of the filter's custom criteria."""
        out = {}
        for name, criteria in groups(flt).items():
            mask = 0
            for key, op, value in criteria:
                mask |= self.criterion_bits(index, key, op, value)
            out[name] = mask
        return out

    def value_bits(self, index: ActorIndex, key: str) -> dict[str, int]:
        """{stored value as text: actors having it} of a choice or yes/no field."""
        def make() -> dict[str, int]:
            field = self._field(key)
            out: dict[str, int] = {}
            for value, id_list in self.backend.execute(
                    "SELECT value, group_concat(row_id) FROM custom_values WHERE field_id = ? GROUP BY value",
                    (field["id"],)):
                out[str(value)] = index.bits_for_ids(int_array(id_list))
            return out
        return self._cached(index, ("values", key), make)

    def facet_fields(self) -> list[dict[str, Any]]:
        """The actor fields shown as facets, in their order."""
        return [f for f in self.definitions.of("actor") if f["type"] in FACET_TYPES]

    def counts(self, flt: Filter, index: ActorIndex, base_of: Callable[[str], int]) -> dict[str, dict[str, int]]:
        """{facet: {value: count}} of the custom facets; ``base_of(facet)`` is the mask of
        the filter without that facet's own selection."""
        out: dict[str, dict[str, int]] = {}
        for field in self.facet_fields():
            name = facet_name(field["key"])
            base = base_of(name)
            table = self.value_bits(index, field["key"])
            if field["type"] == "bool":
                yes = table.get("1", 0)
                table = {"1": yes, "0": index.present & ~yes}
            out[name] = {v: c for v, bits in table.items() if (c := (base & bits).bit_count())}
        return out
