"""No module outside the catalogue core uses a private name of ``Catalogue``.

The core is the class and its mixins (catalogue/cache.py, calls.py, kind_rules.py). Elsewhere, an
attribute ``_x`` read from something that looks like a catalogue (``catalogue._lock``,
``self.catalogue._batch``, ``cat._row``…), or any private member of ``Catalogue`` read
from anything but ``self``/``cls`` in a module that does not define that name itself,
is an offender: such code breaks as soon as the store's insides move. Read with ast,
nothing imported.
"""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "eco_desktop"
CORE = {"eco_desktop/catalogue/cache.py", "eco_desktop/catalogue/calls.py", "eco_desktop/catalogue/kind_rules.py"}
CORE_CLASSES = {"Catalogue", "CallsMixin", "KindRulesMixin"}
CATALOGUE_NAMES = {"catalogue", "_catalogue", "cat", "catalog", "store"}

# Known offenders, per file and expression: they may only go away; the test fails
# when one grows or a new one appears.
ALLOWED: Counter = Counter()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _names_defined(tree: ast.AST) -> set[str]:
    """Private names a file defines for itself: functions, classes, ``self._x`` attributes."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            found.add(node.attr)
    return {name for name in found if _private(name)}


def catalogue_private_names() -> set[str]:
    names = set()
    for relative in CORE:
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in CORE_CLASSES:
                names |= _names_defined(node)
    return names


def _looks_like_a_catalogue(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name in CATALOGUE_NAMES or name.endswith("catalogue")


def offenders(source: str, private: set[str]) -> list[str]:
    tree = ast.parse(source)
    own = _names_defined(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        receiver = node.value
        if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
            continue
        if _looks_like_a_catalogue(receiver) or (node.attr in private and node.attr not in own):
            found.append(ast.unparse(node))
    return found


def all_offenders() -> Counter:
    private = catalogue_private_names()
    found: Counter = Counter()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in CORE:
            continue
        for expression in offenders(path.read_text(encoding="utf-8"), private):
            found[(relative, expression)] += 1
    return found


def test_the_catalogue_has_private_names_to_protect():
    assert {"_lock", "_batch", "_without_history", "_row"} <= catalogue_private_names()


def test_offenders_are_found():
    private = {"_batch", "_row"}
    source = ("def f(catalogue, window, other):\n"
              "    catalogue._lock\n    window.catalogue._batch\n"
              "    other._row\n    window._offer\n    catalogue.lock\n")
    assert offenders(source, private) == ["catalogue._lock", "window.catalogue._batch", "other._row"]
    assert offenders("def g(self, cls):\n    self._batch\n    cls._row\n", private) == []
    # A module with a private name of its own may use it on its own objects.
    assert offenders("class A:\n    def _row(self, other):\n        return other._row\n", private) == []


def test_no_module_outside_the_core_uses_a_private_name_of_the_catalogue():
    found = all_offenders()
    grown = {key: count for key, count in found.items() if count > ALLOWED[key]}
    assert not grown, "private names of Catalogue used outside the core (add a public method):\n" + "\n".join(
        f"  {path}: {expression} ×{count}" for (path, expression), count in sorted(grown.items()))
