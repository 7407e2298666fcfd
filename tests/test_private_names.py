"""No module outside the catalogue package uses its insides.

The core is the package eco_desktop/catalogue/. Elsewhere, an offender is:

* an attribute ``_x`` read from something that looks like a catalogue (``catalogue._lock``,
  ``self.catalogue._batch``, ``cat._row``…), or any private name of a class or module of
  the package read from anything but ``self``/``cls`` in a module that does not define
  that name itself;
* the catalogue's connection or internal parts read from anything but ``self``/``cls``
  (``catalogue.conn``, ``copy.backend``…): the package's modules go through them, other
  modules through the façade's public methods;
* a private name imported from a module of the package (``from ..catalogue.cache import _x``).

Such code breaks as soon as the core's insides move. Read with ast, nothing imported.
"""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "eco_desktop"
CORE_DIR = PACKAGE / "catalogue"
CATALOGUE_NAMES = {"catalogue", "_catalogue", "cat", "catalog", "store"}
# The façade's parts, for the package's own modules only (see catalogue/cache.py).
INTERNAL = {"conn", "backend", "history_log", "derived", "query", "vocabularies"}

# Known offenders, per file and expression: they may only go away; the test fails
# when one grows or a new one appears.
ALLOWED: Counter = Counter()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _core_files() -> list[Path]:
    return sorted(CORE_DIR.rglob("*.py"))


def _names_defined(tree: ast.AST) -> set[str]:
    """Private names a file defines for itself: functions, classes, ``self._x`` attributes,
    names assigned."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            found.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
    return {name for name in found if _private(name)}


def catalogue_private_names() -> set[str]:
    names = set()
    for path in _core_files():
        names |= _names_defined(ast.parse(path.read_text(encoding="utf-8")))
    return names


def _looks_like_a_catalogue(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name in CATALOGUE_NAMES or name.endswith("catalogue")


def _from_the_core(node: ast.ImportFrom) -> bool:
    module = node.module or ""
    return module == "catalogue" or module.startswith("catalogue.") or ".catalogue" in f".{module}"


def offenders(source: str, private: set[str]) -> list[str]:
    tree = ast.parse(source)
    own = _names_defined(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _from_the_core(node):
            found += [f"import {alias.name}" for alias in node.names if _private(alias.name)]
            continue
        if not isinstance(node, ast.Attribute):
            continue
        receiver = node.value
        if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
            continue
        if node.attr in INTERNAL and (node.attr == "conn" or _looks_like_a_catalogue(receiver)):
            found.append(ast.unparse(node))
        elif _private(node.attr) and (_looks_like_a_catalogue(receiver)
                                      or (node.attr in private and node.attr not in own)):
            found.append(ast.unparse(node))
    return found


def all_offenders() -> Counter:
    private = catalogue_private_names()
    core = set(_core_files())
    found: Counter = Counter()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in core:
            continue
        relative = path.relative_to(ROOT).as_posix()
        for expression in offenders(path.read_text(encoding="utf-8"), private):
            found[(relative, expression)] += 1
    return found


def test_the_catalogue_has_private_names_to_protect():
    assert {"_clean_actor", "_replay_change", "_STAMPS", "_ROW_LAYOUTS"} <= catalogue_private_names()


def test_offenders_are_found():
    private = {"_batch", "_row"}
    source = ("def f(catalogue, window, other, copy):\n"
              "    catalogue._lock\n    window.catalogue._batch\n"
              "    other._row\n    window._offer\n    catalogue.lock\n"
              "    catalogue.conn\n    copy.conn\n    window.catalogue.backend\n    other.query\n")
    assert offenders(source, private) == ["catalogue._lock", "window.catalogue._batch", "other._row",
                                          "catalogue.conn", "copy.conn", "window.catalogue.backend"]
    assert offenders("def g(self, cls):\n    self._batch\n    cls._row\n    self.conn\n", private) == []
    # A module with a private name of its own may use it on its own objects.
    assert offenders("class A:\n    def _row(self, other):\n        return other._row\n", private) == []
    assert offenders("from ..catalogue.cache import _chunks, Catalogue\n", private) == ["import _chunks"]
    assert offenders("from .catalogue import Catalogue\n", private) == []


def test_no_module_outside_the_core_uses_its_insides():
    found = all_offenders()
    grown = {key: count for key, count in found.items() if count > ALLOWED[key]}
    assert not grown, "insides of the catalogue used outside eco_desktop/catalogue/ (add a public method):\n" + \
        "\n".join(f"  {path}: {expression} ×{count}" for (path, expression), count in sorted(grown.items()))


def test_the_allowances_are_still_needed():
    found = all_offenders()
    stale = {key: count for key, count in ALLOWED.items() if found[key] < count}
    assert not stale, f"offenders gone: lower ALLOWED {stale}"
