"""The newest migration read without alembic (``storage.revisions``): the same heads as
alembic's, and a database at them is left alone without loading alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from bot.storage import Database, revisions
from bot.storage.database import _alembic_config


def test_heads_are_alembics_heads() -> None:
    alembic_heads = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_heads()
    assert revisions.heads() == frozenset(alembic_heads)


def test_a_branch_and_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "b.py").write_text("revision: str = 'b'\ndown_revision: str | None = 'a'\n")
    (tmp_path / "c.py").write_text('revision = "c"\ndown_revision = "a"\n')
    assert revisions.heads(tmp_path) == frozenset({"b", "c"})
    (tmp_path / "m.py").write_text('revision = "m"\ndown_revision = ("b", "c")\n')
    assert revisions.heads(tmp_path) == frozenset({"m"})
    (tmp_path / "odd.py").write_text("REVISION = compute()\n")
    assert revisions.heads(tmp_path) is None  # then alembic decides


def test_at_head_only_after_every_migration(db_url: str) -> None:
    database = Database(db_url)
    try:
        assert not database.at_head() and not database.is_current()  # a new database: no version table
        database.upgrade()
        assert database.at_head() and database.is_current()
        config = _alembic_config(database.url)
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "-1")
        assert not database.at_head() and not database.is_current()
        database.upgrade()
        assert database.at_head()
    finally:
        database.dispose()


def test_a_current_database_opens_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    probe = (
        "import sys\nfrom bot.storage import Database\n"
        f"database = Database({url!r})\ndatabase.upgrade()\nassert database.is_current()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
