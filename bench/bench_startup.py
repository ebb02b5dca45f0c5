"""Start-up: ``innerchild run`` to its first reply, and ``innerchild --help``, each against a
reference measured in the same run (interleaved A/B rounds, medians), since the machine is
shared and absolute timings drift.

- First reply: a person's message waits at a fake Bot API (``tests/fakes``, real HTTP)
  before the process starts; the clock runs from spawning the process to the fake
  receiving the first ``sendMessage`` to that person. The message is free text, so the
  safety detector reads it (lexicon and learned layer) and the consent gate answers it.
  ``innerchild run`` restarts on a database it created before (the usual case: a deploy, a
  crash), and once on an empty data directory (migrations and the script cache built).
  The reference: a bare python-telegram-bot echo bot started the same way (a fresh Python,
  long polling against the same fake).
- ``innerchild --help`` against ``python -c "import telegram"``.

Each is given as wall time and as CPU time (user + system, read from ``/proc`` when the
reply arrives; for ``--help`` the whole process): CPU time hardly moves when other work
shares the machine, wall time does.

Every process runs as an installed bot would: with compiled modules (``.pyc``) to read.
A checkout installed in development mode has none for ``bot/`` and ``safety/``, and with
``PYTHONDONTWRITEBYTECODE`` set never gets them, so each start would compile them all
again (about 0.2 s) where ``pip install`` has compiled them once; here every process
keeps them under one ``PYTHONPYCACHEPREFIX``, filled by an uncounted first run of each.

Run: ``python bench/bench_startup.py [rounds]``.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeBotAPI  # noqa: E402

TOKEN = "123:ABC"
KEY = "bJYvWQG4s1N8xq9mI2e2ZtJYd0m6Nq6pX0oQ2fS3bJ8="  # a throwaway key (tests/conftest.py's)
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
TIMEOUT = 60.0
FIRST_WORDS = "hi, I feel a bit low today"

ECHO_BOT = """
import os
from telegram.ext import Application, MessageHandler, filters

async def echo(update, context):
    await update.effective_message.reply_text(update.effective_message.text)

application = Application.builder().token(os.environ["TOKEN"]).base_url(os.environ["BASE_URL"]).build()
application.add_handler(MessageHandler(filters.TEXT, echo))
application.run_polling(timeout=10)
"""


def innerchild() -> list[str]:
    """The installed console script when there is one (what an operator runs), else the module."""
    script = Path(sys.executable).parent / "innerchild"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def base_env(pycache: Path) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("INNERCHILD_") and k != "PYTHONDONTWRITEBYTECODE"}
    return inherited | {"PYTHONPYCACHEPREFIX": str(pycache)}


def companion_env(tg: FakeBotAPI, data: Path) -> dict[str, str]:
    return base_env(data.parent / "pycache") | {
        "PYTHONPATH": str(ROOT),
        "INNERCHILD_TELEGRAM_TOKEN": TOKEN,
        "INNERCHILD_TELEGRAM_BASE_URL": tg.base_url,
        "INNERCHILD_DATABASE_URL": f"sqlite:///{data / 'db.sqlite'}",
        "INNERCHILD_DATA_DIR": str(data),
        "INNERCHILD_ENCRYPTION_KEY": KEY,
        "INNERCHILD_MESSAGE_PAUSE": "0",
        "INNERCHILD_LOG_LEVEL": "WARNING",
    }


Timing = tuple[float, float]  # wall seconds, CPU seconds


def cpu_seconds(pid: int) -> float:
    """User + system time of a running process so far (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_reply(tg: FakeBotAPI, command: list[str], env: dict[str, str], cwd: Path, user: int, words: str = FIRST_WORDS) -> Timing:
    """From spawning ``command`` to the fake receiving its first message to ``user``.

    One fake per bot for the whole run, as Telegram's update ids only grow (the companion
    remembers the ids it handled, and would take a fake's reused id for a redelivery)."""
    tg.send_text(user, words)
    with (cwd / "bot.log").open("ab") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            tg.wait_for(1, user, TIMEOUT)
            elapsed = time.perf_counter() - started, cpu_seconds(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return elapsed


def run_time(command: list[str], env: dict[str, str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def line(name: str, ours: list[Timing], reference: list[Timing], reference_name: str) -> None:
    for index, kind in enumerate(("wall", "CPU")):
        a, b = statistics.median(t[index] for t in ours), statistics.median(t[index] for t in reference)
        print(f"{name if index == 0 else '':<32} {kind:>4} {a * 1000:6.0f} ms   {reference_name if index == 0 else '':<28} {b * 1000:6.0f} ms   ratio {a / b:5.2f}")


def empty_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI(token=TOKEN) as ours, FakeBotAPI(token=TOKEN) as fresh, FakeBotAPI(token=TOKEN) as echo:
        base = Path(tmp)
        data = empty_dir(base / "data")
        echo_dir = empty_dir(base / "echo")
        plain = base_env(base / "pycache")
        echo_env = plain | {"TOKEN": TOKEN, "BASE_URL": echo.base_url}
        echo_command = [sys.executable, "-c", ECHO_BOT]
        run = innerchild() + ["run"]
        first_reply(echo, echo_command, echo_env, echo_dir, user=99)  # compiles what it imports: not counted
        first_start = first_reply(ours, run, companion_env(ours, data), data, user=1)  # and the database: not counted below
        restarts: list[Timing] = []
        commands: list[Timing] = []
        empties: list[Timing] = []
        echoes: list[Timing] = []
        for round_ in range(ROUNDS):
            echoes.append(first_reply(echo, echo_command, echo_env, echo_dir, user=100 + round_))
            restarts.append(first_reply(ours, run, companion_env(ours, data), data, user=200 + round_))
            commands.append(first_reply(ours, run, companion_env(ours, data), data, user=400 + round_, words="/start"))
            if round_ < 3:
                empty = empty_dir(base / "empty")
                empties.append(first_reply(fresh, run, companion_env(fresh, empty), empty, user=300 + round_))

        helps: list[Timing] = []
        imports: list[Timing] = []
        for _ in range(ROUNDS * 2):
            imports.append(run_time([sys.executable, "-c", "import telegram"], plain))
            helps.append(run_time(innerchild() + ["--help"], plain))

    print(f"start-up, medians of {ROUNDS} interleaved rounds (first reply: free text from a new person, waiting before the start)")
    line("innerchild run -> first reply", restarts, echoes, "echo bot -> first reply")
    line("  the first message /start", commands, echoes, "echo bot -> first reply")
    line("  on an empty data directory", empties, echoes, "echo bot -> first reply")
    print(f"  (the very first start in this run, database and caches created: {first_start[0] * 1000:.0f} ms wall, {first_start[1] * 1000:.0f} ms CPU)")
    line("innerchild --help", helps, imports, 'python -c "import telegram"')


if __name__ == "__main__":
    main()
