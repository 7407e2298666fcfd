"""Rows of a :class:`Table` to import candidates: typed, normalised, validated, located.

Nothing is written here. Each row becomes a :class:`~eco_desktop.importer.rows.Candidate`
(rows.py), built by actor_rows.py or contact_rows.py from the cells of its mapped
columns; a big actors file is prepared in two processes (parallel.py), which give the
same candidates as one.
"""
from __future__ import annotations

from collections.abc import Mapping as MappingABC

from .. import validate
from ..gcpause import gc_paused
from ..catalogue.kind_rules import KindRules
from .actor_rows import ActorBuilder, KindChoice
from .cleaning import valued_text
from .contact_rows import ContactBuilder
from .mapping import Mapping, ranked_columns
from .parallel import SecondProcess
from .places import lambert_positions
from .reading import Table
from .rows import Candidate
from .values import SYNONYMS, default_vocabularies, matcher

# From this many actor rows a second process prepares the last part of them, about this
# share (it has its task to read and its candidates to send back).
PARALLEL_ROWS = 20_000
_SECOND_PROCESS_SHARE = 0.38

# Where the person sets the kind of rows whose file gives none, as the caller says it: a
# message names what exists where the person is.
KIND_HINT_CLI = "un type par défaut avec l'option --kind (par exemple --kind biotech)"
KIND_HINT_WIZARD = "le type par défaut de l'étape Colonnes"


def prepare(table: Table, mapping: Mapping | MappingABC[int, str],
            vocabularies: MappingABC[str, MappingABC[str, str]] | None = None,
            gazetteer=None, *, kind: str | None = None, strict: bool = False,
            default_kind: str | None = None, source: str | None = None,
            kind_rules: KindRules | None = None, kind_hint: str = "",
            helper: SecondProcess | None = None) -> list[Candidate]:
    """One :class:`Candidate` per row of ``table``.

    ``mapping``: a :class:`Mapping` or a dict column index -> field. ``vocabularies``:
    ``{"kind": {slug: label}, "domain": …, "activity": …}`` (the catalogue's, by default
    the code's). ``gazetteer``: a :class:`eco_desktop.geo.Gazetteer` (the shared one by
    default). ``default_kind``: the kind given to rows whose kind is missing or not
    recognised (the value not recognised is kept as a tag); without it, ``kind_rules``
    propose one from the row's type of structure or NAF code (``Candidate.proposed`` says
    which), and a row still without a kind is an error, as an actor needs one: its
    message names ``kind_hint``, where the person can set a default (KIND_HINT_CLI,
    KIND_HINT_WIZARD).
    ``source``: the ``source`` of rows that have none.
    ``helper``: the second process of a big file, already started
    (:meth:`SecondProcess.start`); it is used or closed here.
    """
    if isinstance(mapping, Mapping):
        kind = kind or mapping.kind
        columns = dict(mapping.columns)
        mapping.require_name()
    else:
        kind = kind or "actors"
        columns = dict(mapping)
        Mapping(list(table.headers), kind, columns).require_name()
    shared_gazetteer = gazetteer is None
    vocabularies = vocabularies or default_vocabularies()
    by_field: dict[str, list[int]] = {}
    for index, name in sorted(columns.items()):
        by_field.setdefault(name, []).append(index)
    headers = list(table.headers)
    by_field = {name: ranked_columns(name, headers, indexes) for name, indexes in by_field.items()}
    kinds = KindChoice(default_kind, kind_rules, kind_hint)
    numbered = list(zip(table.row_numbers, table.rows))
    if kind == "actors" and shared_gazetteer and len(numbered) >= PARALLEL_ROWS:
        helper = helper or SecondProcess.start()
        if helper is not None:
            return _prepare_in_two_processes(helper, headers, by_field, dict(vocabularies),
                                             strict, kinds, source, numbered)
    if helper is not None:
        helper.close()
    return prepare_rows(kind, headers, by_field, vocabularies, gazetteer, strict, kinds,
                        source, numbered)


def proposed_default_kind(table: Table, mapping: Mapping,
                          vocabularies: MappingABC[str, MappingABC[str, str]] | None = None,
                          kind_rules: KindRules | None = None, sample: int = 2000) -> str | None:
    """The default kind to preset for a file (the wizard's « type par défaut »): the kind
    most of its first ``sample`` rows have — from their type column, else proposed by
    ``kind_rules`` from their type of structure or NAF code; None when nothing says."""
    if mapping.kind != "actors":
        return None
    vocabularies = vocabularies or default_vocabularies()
    kinds = matcher(vocabularies.get("kind", {}), SYNONYMS.get("kind"))
    kind_columns = mapping.ranked("kind")
    naf_columns = mapping.ranked("naf")
    counts: dict[str, int] = {}
    for row in table.rows[:sample]:
        text = next((t for t in (valued_text(row[i]) for i in kind_columns if i < len(row))
                     if t), "")
        found = kinds.match(text)[0][:1] if text else []
        kind = found[0] if found else None
        if kind is None and kind_rules:
            kind = kind_rules.for_structure(text) if text else None
            if kind is None:
                naf = next((t for t in (valued_text(row[i]) for i in naf_columns
                                        if i < len(row)) if t), "")
                kind = kind_rules.for_naf(validate.normalize_naf(naf) or "") if naf else None
        if kind in kinds.vocab:
            counts[kind] = counts.get(kind, 0) + 1
    return max(counts, key=counts.get) if counts else None


def prepare_rows(kind, headers, by_field, vocabularies, gazetteer, strict, kinds: KindChoice,
                 source, numbered: list[tuple[int, list[str]]]) -> list[Candidate]:
    """The candidates of ``numbered`` rows in this process (the second process runs this too)."""
    if gazetteer is None:
        from ..geo import gazetteer as shared
        gazetteer = shared()
    if kind == "actors":
        builder = ActorBuilder(headers, by_field, vocabularies, gazetteer, strict, kinds, source)
        if "x_lambert" in by_field and "y_lambert" in by_field:
            builder.positions = lambert_positions(
                numbered, by_field["x_lambert"][0], by_field["y_lambert"][0],
                by_field.get("insee_code", []) + by_field.get("postcode", []))
    else:
        builder = ContactBuilder(headers, by_field, strict)
    with gc_paused():
        return [builder.build(number, row) for number, row in numbered]


def _prepare_in_two_processes(helper: SecondProcess, headers, by_field, vocabularies, strict,
                              kinds: KindChoice, source,
                              numbered: list[tuple[int, list[str]]]) -> list[Candidate]:
    """The last rows prepared by ``helper`` while this process prepares the first: the
    same candidates as one process gives. Should it fail, its rows are prepared here."""
    split = len(numbered) - int(len(numbered) * _SECOND_PROCESS_SHARE)
    args = ("actors", headers, by_field, vocabularies, None, strict, kinds, source)
    try:
        sent = helper.send((*args, numbered[split:]))
        first = prepare_rows(*args, numbered[:split])
        second = helper.result() if sent else None
    finally:
        helper.close()
    if second is None:
        second = prepare_rows(*args, numbered[split:])
    return first + second
