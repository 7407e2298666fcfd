"""Record text made safe for a terminal: the CLI's text and table formats print every
value through printable().

A catalogue's text comes from imports and colleagues: a NUL, a carriage return or an
ANSI escape sequence (``ESC[31m``, ``ESC]8;;…`` links, cursor moves) printed raw would
truncate, overwrite or restyle what the user reads, and a bidirectional override would
reorder it. Those characters are shown as visible escapes (``\\x1b[31m``) instead. JSON
and CSV outputs stay exact: their readers are programs.
"""
from __future__ import annotations

import re

# Control characters (C0, DEL, C1), bidirectional embeddings, overrides, isolates and marks,
# line and paragraph separators, and lone surrogates (which no terminal encoding can write).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")
_UNSAFE_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                               "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object, *, multiline: bool = False) -> str:
    """``str(value)`` with every character that could act on the terminal shown as an escape.
    ``multiline`` keeps line feeds and tabs (a description), not carriage returns."""
    text = "" if value is None else str(value)
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE
    if pattern.search(text) is None:  # the common case: no copy
        return text
    return pattern.sub(_escape, text)
