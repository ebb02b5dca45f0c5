"""``innerchild stats --dialogues``: a table for a terminal, ``--json`` for machines, the
small-cell threshold the operator chooses; ``innerchild stats`` alone prints what it always
printed."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from bot.storage import Database
from tests.funnels.helpers import ABANDONED, ACTIVE, FINISHED, PAUSED, rows, seed
from tests.test_cli import innerchild

SEEDED = (
    rows("grounding", FINISHED, "calmer", range(12)) + rows("grounding", PAUSED, "breathe", range(12, 18))
    + rows("grounding", ABANDONED, "see", range(18, 20))
    + rows("crisis", FINISHED, "safe", [0]) + rows("crisis", ACTIVE, "lines", range(1, 7))
    + rows("old_script", ABANDONED, "somewhere", range(6))
    + rows("safety_plan", PAUSED, "signs", range(3))
)


@pytest.fixture
def stats(monkeypatch, database, library, clock):
    """The ``stats`` command in this process, on the seeded test database."""
    import bot.cli as cli

    seed(database, SEEDED, clock.now)
    monkeypatch.setattr(cli, "settings_or_exit", lambda **_: None)
    monkeypatch.setattr(cli, "runtime_or_exit", lambda _settings: SimpleNamespace(database=database, library=library))

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli.app, ["stats", *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


def test_json_has_every_script_through_the_small_cell_rule(stats) -> None:
    out = json.loads(stats("--dialogues", "--json"))
    assert out["min_count"] == 5
    by_id = {d["id"]: d for d in out["dialogues"]}
    assert by_id["grounding"] == {
        "id": "grounding", "title": "Grounding", "group": "scripts", "started": 20, "finished": 12, "unfinished": 8,
        "completion_rate": 0.6, "stopped_at": [{"step": "breathe", "count": 6, "in_script": True}],  # "see" (2) is not named
    }
    crisis = by_id["crisis"]  # one person finished it: withheld, so started is only a bound
    assert (crisis["group"], crisis["started"], crisis["finished"], crisis["unfinished"], crisis["completion_rate"]) == ("support", "6+", "<5", 6, None)
    assert by_id["old_script"]["group"] == "removed" and by_id["old_script"]["title"] is None
    assert {by_id["safety_plan"][k] for k in ("started", "finished", "unfinished")} == {"<5"}
    assert by_id["affirmations"]["started"] == "<5"  # no one began it: zero is below 5 too
    assert [d["group"] for d in out["dialogues"]][:2] == ["scripts", "scripts"] and out["dialogues"][0]["id"] == "grounding"


def test_the_table_reads_in_a_terminal(stats) -> None:
    out = stats("--dialogues")
    lines = out.splitlines()
    assert lines[0].startswith("Dialogue funnels")
    assert "SCRIPTS" in lines and any(line.startswith("SUPPORT") for line in lines) and any(line.startswith("NO LONGER IN THE LIBRARY") for line in lines)
    row = next(line for line in lines if line.startswith("grounding "))
    assert row.split() == ["grounding", "20", "12", "8", "60%"]
    assert lines[lines.index(row) + 1] == "    stopped at: breathe 6"
    assert next(line for line in lines if line.startswith("crisis ")).split() == ["crisis", "6+", "<5", "6", "-"]
    assert next(line for line in lines if line.startswith("safety_plan ")).split() == ["safety_plan", "<5", "<5", "<5", "-"]
    assert '"<5": fewer than 5 sessions, or fewer than 5 people' in out
    assert max(len(line) for line in lines) <= 100


def test_the_threshold_is_the_operators(stats) -> None:
    by_id = {d["id"]: d for d in json.loads(stats("--dialogues", "--json", "--min-count", "2"))["dialogues"]}
    assert (by_id["safety_plan"]["started"], by_id["safety_plan"]["unfinished"]) == ("3+", 3)  # none finished: "<2"
    assert by_id["grounding"]["stopped_at"][1] == {"step": "see", "count": 2, "in_script": True}
    assert by_id["crisis"]["finished"] == "<2"


def test_stats_alone_keeps_its_json(stats) -> None:
    out = json.loads(stats())
    assert set(out) == {"people", "totals", "week"} and out["people"]["total"] == 20


def test_the_real_command_on_a_database_file(tmp_path: Path, clock) -> None:
    database = Database(f"sqlite:///{tmp_path / 'chat.db'}")  # the file tests.test_cli's commands use
    database.upgrade()
    seed(database, SEEDED, clock.now)
    database.dispose()
    result = innerchild("stats", "--dialogues", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "grounding" in result.stdout and "stopped at: breathe 6" in result.stdout
    result = innerchild("stats", "--dialogues", "--min-count", "0", tmp_path=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
