"""The ``innerchild`` command as an operator and a console person use it: real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, TEST_KEY

ONBOARD = "1\n1\n1\n1\nUnited Kingdom\nLondon\nSam\nLittle Sam\n2\n"


def env_for(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNERCHILD_")}
    env.update(
        INNERCHILD_DATA_DIR=str(tmp_path / "data"),
        INNERCHILD_ENCRYPTION_KEY=TEST_KEY,
        INNERCHILD_DATABASE_URL=f"sqlite:///{tmp_path / 'chat.db'}",
    )
    env.update(extra)
    return env


def innerchild(*args: str, tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
        timeout=120, cwd=tmp_path, env=env_for(tmp_path, **env),
    )


def test_piped_chat_plays_a_conversation_and_exits_zero(tmp_path: Path) -> None:
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin=ONBOARD + "/start grounding\n1\n")
    assert result.returncode == 0, result.stderr
    assert "> 1\n" in result.stdout and "  [1] Tell me more" in result.stdout
    assert "Place one hand on your chest" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_same_user_continues_exactly_where_they_left_off(tmp_path: Path) -> None:
    innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin=ONBOARD + "/start safety_plan\n1\nNot sleeping\n")
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="Walking\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Welcome back, Sam.")
    assert "What helps you get through" in result.stdout.split("> Walking")[0]
    assert "Who could you reach out to" in result.stdout.split("> Walking")[1]
    other = innerchild("chat", "--user", "alex", tmp_path=tmp_path, stdin="")
    assert "Hello, and welcome" in other.stdout


def answer_the_first_safety_plan_question(process: subprocess.Popen[str]) -> str:
    """A running ``innerchild chat`` onboarded, in the safety plan, with its first answer
    ("Not sleeping") written: what it printed until the next question (60 s at most)."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(ONBOARD + "/start safety_plan\n1\nNot sleeping\n")
    process.stdin.flush()
    deadline = time.monotonic() + 60
    seen = ""
    while "What helps you get through" not in seen and time.monotonic() < deadline:
        seen += process.stdout.readline()
    return seen


def test_a_killed_chat_loses_nothing(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "sam"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env_for(tmp_path),
    )
    seen = answer_the_first_safety_plan_question(process)
    assert "What helps you get through" in seen
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="/journal\n")
    assert "What helps you get through" in result.stdout.split("> /journal")[0]
    assert "Not sleeping" in result.stdout.split("> /journal")[1]


def test_dialogues_check_passes_on_shipped_scripts(tmp_path: Path) -> None:
    result = innerchild("dialogues", "check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("ok: ")


def test_db_upgrade_then_chat(tmp_path: Path) -> None:
    result = innerchild("db", "upgrade", tmp_path=tmp_path)
    assert result.returncode == 0 and "up to date" in result.stdout


def test_settings_errors_are_one_clear_line(tmp_path: Path) -> None:
    result = innerchild("chat", tmp_path=tmp_path, INNERCHILD_DEFAULT_COUNTRY="Narnia")
    assert result.returncode == 2
    assert result.stderr.strip() == "innerchild: INNERCHILD_DEFAULT_COUNTRY: must be a two-letter country code such as GB or US"
    result = innerchild("chat", tmp_path=tmp_path, INNERCHILD_DATABASE_URL="nonsense://")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    result = innerchild("run", tmp_path=tmp_path)
    assert result.returncode == 2 and "INNERCHILD_TELEGRAM_TOKEN" in result.stderr
    result = innerchild("chat", tmp_path=tmp_path, INNERCHILD_ENCRYPTION_KEY="not-a-key")
    assert result.returncode == 2 and "innerchild keys new" in result.stderr


def test_a_broken_script_stops_start_up_with_its_location(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    (folder / "grounding.yaml").write_text((folder / "grounding.yaml").read_text().replace("go: see", "go: sea").replace('"Done": see', '"Done": sea'))
    result = innerchild("chat", tmp_path=tmp_path, INNERCHILD_DIALOGUES_DIR=str(folder))
    assert result.returncode == 2
    assert "grounding.yaml:" in result.stderr and "'sea' does not exist" in result.stderr


def test_safety_scan_reads_and_writes_json_lines(tmp_path: Path) -> None:
    lines = [{"text": "I'm going to kill myself tonight", "id": 1}, {"text": "this homework is killing me", "id": 2}]
    result = innerchild("safety", "scan", tmp_path=tmp_path, stdin="\n".join(json.dumps(l) for l in lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, 2]
    assert out[0]["level"] == "crisis" and out[1]["level"] == "none"


def test_a_dot_env_file_in_the_working_directory_is_honoured(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("INNERCHILD_DEFAULT_COUNTRY=AU\n")
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="1\n1\n1\n1\n1\n1\n1\n1\n2\n/sos\n")
    assert result.returncode == 0, result.stderr
    assert "13 11 14" in result.stdout  # Australia's Lifeline: the default country from .env


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = innerchild("--version", tmp_path=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"innerchild {version('innerchild')}"


def test_dialogues_check_json_for_a_machine(tmp_path: Path) -> None:
    good = innerchild("dialogues", "check", "--json", str(ROOT / "dialogues"), tmp_path=tmp_path)
    report = json.loads(good.stdout)
    assert good.returncode == 0 and report["ok"] and report["dialogues"] >= 30 and report["problems"] == []
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "texts.yaml").write_text((ROOT / "dialogues" / "texts.yaml").read_text())
    (broken / "oops.yaml").write_text("id: oops\ntitle: Oops\nstart: a\nsteps:\n  a:\n    say: Hi\n    then: nowhere\n")
    bad = innerchild("dialogues", "check", "--json", str(broken), tmp_path=tmp_path)
    report = json.loads(bad.stdout)
    assert bad.returncode == 1 and not report["ok"]
    assert any(p["path"].endswith("oops.yaml") and p["line"] > 0 and "nowhere" in p["message"] for p in report["problems"])


def test_checkins_due_json(tmp_path: Path) -> None:
    innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin=ONBOARD)
    result = innerchild("checkins", "due", "--json", "--at", "2030-01-01T00:00", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"at": "2030-01-01T00:00:00+00:00", "due": []}


HEAVY = ("bot.app", "bot.core", "bot.storage", "bot.engine", "bot.telegram", "bot.config", "sqlalchemy", "alembic", "numpy", "telegram", "jinja2", "pydantic_settings", "apscheduler", "safety")


def test_help_loads_none_of_the_companion(tmp_path: Path) -> None:
    """``innerchild --help`` (and each group's) prints its page without importing the
    companion, the database layer or the detector: what keeps it quick, checked without a clock."""
    probe = (
        "import sys\nfrom bot.cli import app\n"
        "for args in (['--help'], ['checkins', '--help'], ['db', '--help']):\n"
        "    try:\n        app(args)\n    except SystemExit:\n        pass\n"
        f"print(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in {HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env_for(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "checkins" in result.stdout and "due" in result.stdout  # the groups' pages were printed
    assert result.stdout.rstrip().endswith("[]"), result.stdout.splitlines()[-1]
