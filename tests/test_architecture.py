"""The dependency rule of ARCHITECTURE.md, checked on every import in the code.

Adapters -> service -> engine / safety / storage -> domain. ``safety`` imports nothing from
``bot``; only ``bot/telegram`` imports ``telegram``, only ``bot/storage`` imports
``sqlalchemy`` (and alembic), only ``bot/checkins`` imports ``apscheduler``; the engine and
storage never import an adapter or the service.
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
    ("bot/engine", ("bot.companion", "bot.telegram", "bot.console", "bot.checkins", "bot.storage", "bot.app", "bot.cli", "telegram", "sqlalchemy", "apscheduler", "safety")),
    ("bot/storage", ("bot.companion", "bot.engine", "bot.telegram", "bot.console", "bot.checkins", "bot.app", "bot.cli", "telegram", "apscheduler", "safety")),
    ("bot/companion.py", ("bot.telegram", "bot.console", "bot.checkins", "bot.cli", "telegram", "sqlalchemy", "apscheduler")),
    ("bot/console", ("bot.telegram", "bot.checkins", "telegram", "sqlalchemy", "apscheduler")),
    ("bot/telegram", ("bot.console", "bot.storage", "bot.engine", "sqlalchemy")),
]
ONLY_HERE = {"telegram": "bot/telegram", "sqlalchemy": "bot/storage", "alembic": "bot/storage", "apscheduler": "bot/checkins"}


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


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    """The checker itself can fail: a file importing sqlalchemy from the engine is caught."""
    probe = ROOT / "bot" / "engine" / "_probe_violation.py"
    probe.write_text("import sqlalchemy\n")
    try:
        assert any(_matches(n, "sqlalchemy") for n in imports_of(probe))
    finally:
        probe.unlink()
