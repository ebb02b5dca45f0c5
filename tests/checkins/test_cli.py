"""``innerchild checkins due``: who would be nudged at a moment, and why; ids only."""

from __future__ import annotations


import typer
from typer.testing import CliRunner

from bot.checkins.cli import checkins_app
from tests.conftest import TEST_KEY

from .helpers import add_person

# What bot/cli.py does with it: app.add_typer(checkins_app, name="checkins")
app = typer.Typer()
app.add_typer(checkins_app, name="checkins")


def test_checkins_due_lists_ids_and_reasons(runtime, clock, tmp_path, monkeypatch) -> None:
    if not runtime.database.is_sqlite:
        return  # one backend is enough for the command's output
    add_person(runtime, "tg:1", clock())
    add_person(runtime, "tg:2", clock(), minute=19 * 60, name="Secret Name")
    add_person(runtime, "tg:3", clock())
    runtime.companion.mark_unreachable("tg:3")
    monkeypatch.chdir(tmp_path)
    for key in ("DATABASE_URL", "ENCRYPTION_KEY", "DATA_DIR"):
        monkeypatch.delenv(f"INNERCHILD_{key}", raising=False)
    monkeypatch.setenv("INNERCHILD_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("INNERCHILD_ENCRYPTION_KEY", TEST_KEY)
    monkeypatch.setenv("INNERCHILD_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["checkins", "due", "--at", "2026-01-15T20:40"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "3 due at 2026-01-15 20:40 UTC"
    assert "tg:2\tdue 2026-01-15 19:00\tskip until 2026-01-16 19:00\tfell due 100 min ago, past the grace time" in result.output
    assert "tg:1\tdue 2026-01-15 20:30\tsend normal\tdue 10 min ago, within the grace time" in result.output
    assert "tg:3" in result.output and "blocked the bot" in result.output
    assert "Secret" not in result.output and "Sam" not in result.output
    # nothing changed: the same view again, and a sweep still finds them due
    again = CliRunner().invoke(app, ["checkins", "due", "--at", "2026-01-15T21:40+01:00"])
    assert again.output.splitlines()[0] == "3 due at 2026-01-15 20:40 UTC"
    bad = CliRunner().invoke(app, ["checkins", "due", "--at", "tomorrow"])
    assert bad.exit_code != 0
