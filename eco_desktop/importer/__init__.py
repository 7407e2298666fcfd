"""Import actors and contacts from spreadsheets: pure core code, no Qt.

Everything but ``apply_import`` only reads (the file and, for duplicates and
vocabularies, the catalogue); ``apply_import`` writes the plan to the catalogue, through
its API, in one transaction and one history batch.

reading     — a file to a :class:`Table` of strings: what the file is, csv/tsv/txt
              (encodings, delimiters); bad files as UserError
xlsx        — an xlsx sheet, read as checked, streamed XML
table       — the Table: header row found, merged headers, limits checked row by row
limits      — what an import accepts (file size, inflated size, rows, columns, cells,
              cell length), checked before and while reading
mapping     — which column feeds which field (automatic, JSON, corrections), derived
              from the table of fields (eco_desktop/fields.py)
headers     — what the column names of SIRENE and the RNSR mean; a headerless file's fields
values      — vocabulary matching (labels, slugs, synonyms), consent, yes/no
cleaning    — one cell to a field's value (dates, sizes, statuses, names, streets…)
rows        — the :class:`Candidate` and what row builders share
actor_rows  — an actors row: name, kind, identifiers, place, position, validation
contact_rows — a contacts row: the person, their consent, their organisation
places      — postcode, commune and INSEE code reconciled through the gazetteer
prepare     — rows to candidates, in two processes for a big file (parallel, worker)
duplicates  — rows already in the catalogue or earlier in the file (a package)
merge       — fill / overwrite an existing actor with an imported row
plan        — the :class:`ImportPlan`: what each row would do
planning    — ``plan_import``: read, map, prepare, find duplicates, decide; writes nothing
contacts    — a contacts file: each person's actor, people already there
sites       — establishments linked to their head office (``site_of``)
apply       — ``apply_import``: the plan written in one transaction
summary     — what an import did (counts, French lines) and its xlsx report
"""
from .apply import apply_import
from .duplicates import Duplicate, find_duplicates, name_key
from .mapping import (ACTOR_FIELDS, CONTACT_FIELDS, FIELD_LABELS, Mapping, auto_map,
                      detect_kind, field_for_header)
from .merge import changed_fields, merge_fill, merge_overwrite
from .plan import ON_DUPLICATE, ON_DUPLICATE_LABELS, STATUS_LABELS, STATUSES, ImportPlan, PlannedRow
from .planning import plan_import
from .prepare import KIND_HINT_CLI, KIND_HINT_WIZARD, Candidate, prepare, proposed_default_kind
from . import limits
from .reading import Fingerprint, Table, ensure_unchanged, file_fingerprint, read_table
from .summary import ImportSummary, Problem, write_report
from .values import SYNONYMS, default_vocabularies, match_vocab, parse_consent

__all__ = [
    "ON_DUPLICATE", "ON_DUPLICATE_LABELS", "STATUS_LABELS", "STATUSES", "ImportPlan",
    "ImportSummary", "PlannedRow", "Problem", "apply_import", "detect_kind",
    "plan_import", "write_report",
    "ACTOR_FIELDS", "CONTACT_FIELDS", "FIELD_LABELS", "SYNONYMS",
    "KIND_HINT_CLI", "KIND_HINT_WIZARD", "proposed_default_kind",
    "Candidate", "Duplicate", "Fingerprint", "Mapping", "Table", "auto_map", "changed_fields",
    "ensure_unchanged", "file_fingerprint", "limits",
    "default_vocabularies", "field_for_header", "find_duplicates", "match_vocab",
    "merge_fill", "merge_overwrite", "name_key", "parse_consent", "prepare", "read_table",
]
