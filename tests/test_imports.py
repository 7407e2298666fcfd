"""The package's import graph has no cycle.

Every module of eco_desktop is read with ast (nothing imported, so Qt is not needed).
Imports inside functions count too: an import made lazily to dodge a cycle still
ties the two modules together, so it is a cycle all the same; so do the modules
``importlib.import_module`` loads by a computed name (the CLI's commands, the window's
features), read from the name's f-string. Imports under ``if TYPE_CHECKING:`` are
left out: they never run.
"""
from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "eco_desktop"
ROOT = PACKAGE.name

# Known cycles, each as the patterns its modules match; one may only lose modules.
# cli.py loads every command (import_module), so the commands take their helpers from
# cli_args.py, never from cli.py.
KNOWN_CYCLES: list[tuple[str, ...]] = []


def _modules() -> dict[str, Path]:
    """Dotted module name → file, for every .py file of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST):
    """Every Import/ImportFrom of a tree, at any depth, except those under TYPE_CHECKING."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _literals(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names bound to a tuple or list of strings (the window's FEATURES)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
                found[node.targets[0].id] = list(value)
    return found


def _dynamic_imports(tree: ast.Module, module: str, package: str, bound: dict[str, str],
                     modules: dict[str, Path]) -> set[str]:
    """What ``import_module(f"…")`` calls of a module load: an f-string part naming a
    module (``{commands.__name__}``, ``{__package__}``) is that module; a part taken
    from a loop over a module-level literal is each of its values; any other part
    stands for every module of the package named so far."""
    literals = _literals(tree)
    loops = {node.target.id: literals[node.iter.id] for node in ast.walk(tree)
             if isinstance(node, ast.For) and isinstance(node.target, ast.Name)
             and isinstance(node.iter, ast.Name) and node.iter.id in literals}
    # `qualified = f"…"` then `import_module(qualified)`
    assigned = {node.targets[0].id: node.value for node in ast.walk(tree)
                if isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.JoinedStr)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id == "import_module"))):
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Name) and arg.id in assigned:
            arg = assigned[arg.id]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(arg.value)
            continue
        if not isinstance(arg, ast.JoinedStr):
            continue
        names = [""]
        for part in arg.values:
            if isinstance(part, ast.Constant):
                names = [n + str(part.value) for n in names]
                continue
            value = part.value
            if isinstance(value, ast.Name) and value.id == "__package__":
                names = [n + package for n in names]
            elif isinstance(value, ast.Name) and value.id == "__name__":
                names = [n + module for n in names]
            elif (isinstance(value, ast.Attribute) and value.attr == "__name__"
                  and isinstance(value.value, ast.Name) and value.value.id in bound):
                names = [n + bound[value.value.id] for n in names]
            elif isinstance(value, ast.Name) and value.id in loops:
                names = [n + v for n in names for v in loops[value.id]]
            else:
                names = [m for n in names for m in modules
                         if m.startswith(n) and "." not in m[len(n):]]
        found.update(names)
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The package module `name` is, or lies in (an attribute of a module), or None."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports (itself excluded)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        # The package a relative import starts from.
        base = module.split(".") if is_package else module.split(".")[:-1]
        edges: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        bound: dict[str, str] = {}  # local name → the package module it names
        all_targets: list[str] = []
        for node in _import_nodes(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
                bound.update({alias.asname or alias.name: alias.name for alias in node.names})
            else:
                if node.level:
                    anchor = base[:len(base) - (node.level - 1)]
                    prefix = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                # `from . import x` imports the submodule x when there is one.
                targets = [f"{prefix}.{alias.name}" for alias in node.names] or [prefix]
                targets = [t if _resolve(t, modules) == t else prefix for t in targets]
                bound.update({alias.asname or alias.name: t for alias, t in zip(node.names, targets)
                              if t in modules})
            all_targets += targets
        all_targets += _dynamic_imports(tree, module, ".".join(base), bound, modules)
        for target in all_targets:
            if not (target == ROOT or target.startswith(ROOT + ".")):
                continue
            resolved = _resolve(target, modules)
            if resolved and resolved != module:
                edges.add(resolved)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted,
    with one cycle through it spelled out as its last element's path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        # Iterative, so a deep package cannot exhaust Python's recursion limit.
        nonlocal counter
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return components


def _one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first module, for the failure message."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return component


def test_the_graph_sees_relative_lazy_and_computed_imports():
    graph = import_graph()
    assert "eco_desktop.db" in graph["eco_desktop.catalogue.cache"]  # relative, at module level
    assert "eco_desktop.ui.window" in graph["eco_desktop.ui.app"]  # inside a function
    # import_module(f"{commands.__name__}.{info.name}") over pkgutil: every command
    assert {"eco_desktop.commands.list", "eco_desktop.commands.map"} <= graph["eco_desktop.cli"]
    # import_module(f"{__package__}.{name}") for name in FEATURES: those modules only
    assert "eco_desktop.ui.map" in graph["eco_desktop.ui.features"]
    assert "eco_desktop.ui.app" not in graph["eco_desktop.ui.features"]


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert _one_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def _known(component: list[str]) -> bool:
    return any(all(any(fnmatch.fnmatchcase(m, pattern) for pattern in known) for m in component)
               for known in KNOWN_CYCLES)


def test_no_import_cycle_in_the_package():
    graph = import_graph()
    found = [component for component in cycles(graph) if not _known(component)]
    assert not found, "import cycles:\n" + "\n".join(
        " → ".join(_one_cycle(graph, component)) + f"   (with {', '.join(component)})"
        for component in found)
