"""Whether a database is at the newest migration, answered without alembic.

Importing alembic and the migration scripts is a good part of a start-up's imports, and
almost every start finds nothing to apply. The newest revision(s) are read from the
migration files' ``revision = "..."`` and ``down_revision = ...`` lines, the database's
from its ``alembic_version`` table; when the two agree, ``Database.upgrade`` has nothing to
do and alembic is not loaded. Anything else (a new database, a migration to apply, a file
these lines cannot be read from) goes to alembic as before. A test holds ``heads()`` equal
to alembic's own.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision\s*(?::[^=\n]+)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=\n]+)?=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def heads(folder: Path = VERSIONS) -> frozenset[str] | None:
    """The revisions no other migration builds on; None when a file does not say its
    revision on one line (then only alembic can tell)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision[1])
        parents.update(_QUOTED.findall(down[1]))
    return frozenset(revisions - parents) or None


def applied(connection: Connection) -> frozenset[str] | None:
    """The revisions the database records; None when it has no version table yet."""
    try:
        return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except (OperationalError, ProgrammingError):  # no such table: a new database
        return None
