"""Text that goes into the map's page: JSON safe inside a ``<script>`` element, library
code safe to inline, the page kept pure ASCII."""
from __future__ import annotations

import json
import re
from typing import Any

_JSON = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False,
                         check_circular=False).encode


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``… (so no ``</script>`` or ``<!--`` can
    appear), and U+2028/U+2029 are escaped as well; JSON.parse gives back the same text.
    """
    return escape_json_text(_JSON(value))


def escape_json_text(text: str) -> str:
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_SCRIPT_END = re.compile(r"<(/script|!--)", re.IGNORECASE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def ascii_escaped(text: str) -> str:
    """JS or JSON text with its non-ASCII characters as ``\\uXXXX`` escapes (same
    meaning in strings, comments and regular expressions). Keeps the page pure ASCII:
    one character outside Latin-1 anywhere makes Python store the whole 9-million-
    character page at 2 bytes a character, and every copy of it with it."""
    return _NON_ASCII.sub(lambda m: json.dumps(m.group(0))[1:-1], text) if not text.isascii() else text


def inline_js(code: str) -> str:
    """Library code made safe to inline: ``</script`` and ``<!--`` only occur in its
    string literals, where ``<\\/script`` and ``<\\!--`` mean the same."""
    code = re.sub(r"//# sourceMappingURL=\S*\s*$", "", code)
    return _SCRIPT_END.sub(lambda m: "<\\" + m.group(1), ascii_escaped(code))

