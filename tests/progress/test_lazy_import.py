"""Matplotlib loads when a picture is drawn, not when the bot starts: importing the app and the
picture modules (without drawing) leaves it out of ``sys.modules``. A fresh interpreter, since
other tests in this process may already have drawn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import sys
import bot.app
import bot.progress.series, bot.progress.mood_chart, bot.progress.path_picture, bot.progress.palette
from bot.progress.mood_chart import ChartWords
from bot.progress.path_picture import Station
ChartWords(levels=("1", "2", "3", "4", "5")); Station("a", 0, 1)
print(sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "PIL")))
"""


def test_importing_the_app_and_the_pictures_does_not_import_matplotlib() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_drawing_does() -> None:
    """The probe can fail: after a draw, matplotlib is there."""
    probe = PROBE.replace("print(", "from datetime import date\nfrom bot.progress.series import DayMood\n"
                          "bot.progress.mood_chart.mood_chart([DayMood(date(2026, 1, 1), 3.0)], ChartWords(levels=('1', '2', '3', '4', '5')))\nprint(")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert "matplotlib" in done.stdout
