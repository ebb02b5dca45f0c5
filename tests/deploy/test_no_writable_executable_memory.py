"""The systemd unit sets MemoryDenyWriteExecute=: no memory both writable and executable. A
JIT (or a library that writes code at run time) would crash under it. Here the bot's code runs
under the kernel's own switch for the same rule, PR_SET_MDWE (Linux 6.3+), inherited by the
programs it starts: every library the bot loads, the safety model, the /mood and /progress
pictures, and a whole console conversation on SQLite with encryption."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT, TEST_KEY

PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1

# Sets the switch for itself, then becomes the command (the switch survives exec).
UNDER_MDWE = textwrap.dedent(f"""
    import ctypes, os, sys
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl({PR_SET_MDWE}, {PR_MDWE_REFUSE_EXEC_GAIN}, 0, 0, 0) != 0:
        sys.exit(f"prctl(PR_SET_MDWE) failed: errno {{ctypes.get_errno()}}")
    os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
""")

EVERYTHING = textwrap.dedent("""
    import mmap
    from datetime import UTC, date, datetime
    try:
        mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    except OSError:
        pass
    else:
        raise SystemExit("the switch is off: writable executable memory was allowed")
    import apscheduler.schedulers.asyncio, psycopg, telegram.ext, tornado.web  # noqa: F401 - webhook server, scheduler, PostgreSQL
    from bot import app, cli  # noqa: F401
    from safety import assess, model
    model.load()
    assess("I feel a bit lost today")
    from bot.progress.mood_chart import ChartWords, mood_chart
    from bot.progress.path_picture import Station, path_picture
    from bot.progress.series import daily_moods
    words = ChartWords(levels=("really low", "low", "okay", "good", "really good"), no_answers="none yet")
    answers = [(datetime(2026, 3, day, 19, tzinfo=UTC), day % 5 + 1) for day in range(1, 14)]
    chart = mood_chart(daily_moods(answers, "Europe/Berlin", date(2026, 3, 14), 28), words)
    path = path_picture([Station("Arriving", 3, 3), Station("Safety and noticing", 1, 4, current=True)])
    assert chart.startswith(b"\\x89PNG") and path.startswith(b"\\x89PNG")
    print("drawn")
""")


def mdwe_available() -> str | None:
    """Why the switch cannot be tried here, or None. Tried in a child: it cannot be undone."""
    if not sys.platform.startswith("linux"):
        return "PR_SET_MDWE is Linux's"
    probe = f"import ctypes, sys; libc = ctypes.CDLL(None, use_errno=True); sys.exit(0 if libc.prctl({PR_SET_MDWE}, {PR_MDWE_REFUSE_EXEC_GAIN}, 0, 0, 0) == 0 else ctypes.get_errno())"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=30)
    if done.returncode:
        return f"this kernel ({os.uname().release}) refuses PR_SET_MDWE (errno {done.returncode}); it came in Linux 6.3"
    return None


@pytest.fixture
def env(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INNERCHILD_")}
    return dict(clean, PYTHONPATH=str(ROOT), INNERCHILD_DATA_DIR=str(tmp_path / "data"), MPLCONFIGDIR=str(tmp_path / "data" / "matplotlib"),
                INNERCHILD_ENCRYPTION_KEY=TEST_KEY)


def under_mdwe(args: list[str], env: dict[str, str], cwd, stdin: str = "") -> subprocess.CompletedProcess[str]:
    reason = mdwe_available()
    if reason:
        pytest.skip(reason)
    return subprocess.run([sys.executable, "-c", UNDER_MDWE, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=240)


@pytest.mark.timeout(300)
def test_the_libraries_the_model_and_the_pictures_need_no_writable_executable_memory(env, tmp_path):
    done = under_mdwe(["-c", EVERYTHING], env, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("drawn")


@pytest.mark.timeout(300)
def test_a_conversation_needs_no_writable_executable_memory(env, tmp_path):
    done = under_mdwe(["-m", "bot.cli", "chat", "--user", "sam"], env, tmp_path, stdin="1\n1\n")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Are you 18 or older?" in done.stdout  # two turns answered, each stored and encrypted
    assert (tmp_path / "data" / "innerchild.db").exists()

