"""Import actors and contacts from spreadsheets: pure core code, no Qt.

Only ``apply_import`` writes to the catalogue (through its API, in one transaction and
one history batch); the rest reads the file and, for duplicates and vocabularies, the
catalogue.

reading     — a file to a :class:`Table` of strings (xlsx, csv/tsv/txt; encodings,
              delimiters, header row; bad files as UserError)
limits      — what an import accepts (file size, inflated size, rows, columns, cells,
              cell length), checked before and while reading
mapping     — which column feeds which field (automatic, JSON, corrections)
values      — vocabulary matching (labels, slugs, synonyms), consent, yes/no
prepare     — rows to :class:`Candidate` (normalised, validated, located)
duplicates  — rows already in the catalogue or earlier in the file
merge       — fill / overwrite an existing actor with an imported row
apply       — plan an import (what each row would do), apply it in one transaction,
              write the report
"""
from .apply import (ON_DUPLICATE, ImportPlan, ImportSummary, PlannedRow,
                    apply_import, detect_kind, plan_import, write_report)
from .duplicates import Duplicate, find_duplicates, name_key
from .mapping import (ACTOR_FIELDS, CONTACT_FIELDS, FIELD_LABELS, Mapping, auto_map,
                      field_for_header)
from .merge import changed_fields, merge_fill, merge_overwrite
from .prepare import KIND_HINT_CLI, KIND_HINT_WIZARD, Candidate, prepare, proposed_default_kind
from . import limits
from .reading import Fingerprint, Table, ensure_unchanged, file_fingerprint, read_table
from .values import SYNONYMS, default_vocabularies, match_vocab, parse_consent

__all__ = [
    "ON_DUPLICATE", "ImportPlan", "ImportSummary", "PlannedRow", "apply_import", "detect_kind",
    "plan_import", "write_report",
    "ACTOR_FIELDS", "CONTACT_FIELDS", "FIELD_LABELS", "SYNONYMS",
    "KIND_HINT_CLI", "KIND_HINT_WIZARD", "proposed_default_kind",
    "Candidate", "Duplicate", "Fingerprint", "Mapping", "Table", "auto_map", "changed_fields",
    "ensure_unchanged", "file_fingerprint", "limits",
    "default_vocabularies", "field_for_header", "find_duplicates", "match_vocab",
    "merge_fill", "merge_overwrite", "name_key", "parse_consent", "prepare", "read_table",
]
