"""Import actors and contacts from spreadsheets: pure core code, no Qt, no database writes.

reading   — files to a :class:`Table` of strings (xlsx, csv/tsv/txt; encodings, delimiters,
            header row, bad files as UserError)
mapping   — which column feeds which field (automatic, JSON, corrections)
"""
from .mapping import (ACTOR_FIELDS, CONTACT_FIELDS, FIELD_LABELS, Mapping, auto_map,
                      field_for_header)
from .reading import MAX_BYTES, MAX_ROWS, Table, read_table

__all__ = [
    "ACTOR_FIELDS", "CONTACT_FIELDS", "FIELD_LABELS", "MAX_BYTES", "MAX_ROWS", "Mapping",
    "Table", "auto_map", "field_for_header", "read_table",
]
