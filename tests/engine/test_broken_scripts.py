"""Every deliberately broken script fails ``innerchild dialogues check`` with its exact error.

Each script in ``broken/`` (``.yaml`` or ``.yml``) says on its first line what the check must
print (``# expect: ...``). The test copies the shipped texts and templates, adds the broken
file, and runs the real check. A case that needs company (a ``.j2`` file, a second script)
has it in a folder of its own name: ``.j2`` files go into templates/, the rest beside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

HERE = Path(__file__).parent / "broken"
BROKEN = sorted(p for p in [*HERE.glob("*.yaml"), *HERE.glob("*.yml")] if p.read_text(encoding="utf-8").startswith("# expect: "))


def run_check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "dialogues", "check", str(folder)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )


def test_shipped_scripts_pass_the_check() -> None:
    result = run_check(ROOT / "dialogues")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")


def folder_with(broken: Path, tmp_path: Path) -> Path:
    """The companion's texts and templates, and one broken script."""
    folder = tmp_path / "dialogues"
    folder.mkdir()
    shutil.copy(ROOT / "dialogues" / "texts.yaml", folder)
    shutil.copytree(ROOT / "dialogues" / "templates", folder / "templates")
    shutil.copy(broken, folder / broken.name)
    company = broken.parent / broken.stem
    for extra in sorted(company.glob("*")) if company.is_dir() else []:
        shutil.copy(extra, folder / "templates" / extra.name if extra.suffix == ".j2" else folder / extra.name)
    return folder


def expectation(broken: Path) -> str:
    return broken.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")


@pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_script_is_reported_with_path_and_line(broken: Path, tmp_path: Path) -> None:
    from bot.app import check_dialogues

    folder = folder_with(broken, tmp_path)
    _, problems = check_dialogues(folder)
    printed = [str(p).removeprefix(str(folder) + "/") for p in problems]
    assert any(line.startswith(expectation(broken)) for line in printed), f"expected '{expectation(broken)}' in:\n" + "\n".join(printed)


def test_the_check_command_prints_path_line_and_fails(tmp_path: Path) -> None:
    broken = BROKEN[0]
    folder = folder_with(broken, tmp_path)
    result = run_check(folder)
    assert result.returncode == 1, result.stdout
    assert f"{folder}/{expectation(broken)}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_broken_checkin_opening_is_reported_by_the_check(tmp_path: Path) -> None:
    from bot.app import check_dialogues

    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    (folder / "templates" / "checkin_open_zz.j2").write_text("Hello {{ nickname }}")
    _, problems = check_dialogues(folder)
    assert f"{folder}/templates/checkin_open_zz.j2:1: unknown name 'nickname'" in [str(p) for p in problems]


def test_a_shared_template_is_reported_once_in_its_own_file(tmp_path: Path) -> None:
    """Used by two steps and failing for several sample people: one message, in the .j2."""
    from bot.app import check_dialogues

    folder = folder_with(HERE / "template_file_error.yaml", tmp_path)
    _, problems = check_dialogues(folder)
    about = [p for p in problems if p.path.name == "first_line.j2"]
    assert [(p.line, p.message.split(":")[0]) for p in about] == [(3, "template does not render for a person whose country has one line and no police number")]


def test_a_syntax_error_in_a_block_is_reported_at_its_line(tmp_path: Path) -> None:
    from bot.app import check_dialogues

    broken = tmp_path / "block_syntax.yaml"
    broken.write_text(
        "# expect: nothing\nid: block_syntax\ntitle: Block syntax\nphase: always\ndescription: d\nstart: hello\nsteps:\n"
        "  hello:\n    say: |\n\n      Hello.\n      {{ name | }}\n    end: true\n",
        encoding="utf-8",
    )
    (tmp_path / "copy").mkdir()
    folder = folder_with(broken, tmp_path / "copy")
    _, problems = check_dialogues(folder)
    assert [str(p).removeprefix(str(folder) + "/") for p in problems] == ["block_syntax.yaml:12: template syntax: expected token 'name', got 'end of print statement'"]


def test_texts_saved_as_yml_is_named_not_read_as_a_script(tmp_path: Path) -> None:
    from bot.app import check_dialogues

    folder = folder_with(HERE / "yml_script.yml", tmp_path)
    (folder / "texts.yaml").rename(folder / "texts.yml")
    _, problems = check_dialogues(folder)
    printed = [str(p).removeprefix(str(folder) + "/") for p in problems]
    assert "texts.yml:1: the companion reads texts.yaml only: rename this file to texts.yaml" in printed
    assert not any(line.startswith("texts.yml:") and "rename" not in line for line in printed), printed
