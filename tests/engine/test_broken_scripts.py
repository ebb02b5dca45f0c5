"""Every deliberately broken script fails ``innerchild dialogues check`` with its exact error.

Each file in ``broken/`` says on its first line what the check must print (``# expect: ...``).
The test copies the shipped dialogues, adds one broken file, and runs the real command.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def run_check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "dialogues", "check", str(folder)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )


def test_shipped_scripts_pass_the_check() -> None:
    result = run_check(ROOT / "dialogues")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")


@pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_script_is_reported_with_path_and_line(broken: Path, tmp_path: Path) -> None:
    expected = broken.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    shutil.copy(broken, folder / broken.name)
    result = run_check(folder)
    assert result.returncode == 1, result.stdout
    printed = [line.removeprefix(str(folder) + "/") for line in result.stdout.splitlines()]
    assert any(line.startswith(expected) for line in printed), f"expected '{expected}' in:\n" + "\n".join(printed)
    assert "Traceback" not in result.stdout + result.stderr
