"""Golden transcripts: each file is a console conversation exactly as a person sees it.

A file starts with ``#`` header lines (``# setup: fresh | onboarded | nameless``), then the
transcript: ``> `` lines are what the person typed, everything else is what the companion
said. The test replays the inputs through the real console chat on a fresh database and
compares. ``INNERCHILD_UPDATE_GOLDEN=1`` rewrites the files from what the companion says now
(then read the diff as a person would before committing it).
"""

from __future__ import annotations

import io
import re
import os
from pathlib import Path

import pytest

from bot.console import ConsoleChat
from tests.conftest import FakeClock, build_runtime

HERE = Path(__file__).resolve().parent
FILES = sorted(HERE.glob("*.txt"))
UPDATE = os.environ.get("INNERCHILD_UPDATE_GOLDEN") == "1"
USER = "golden"

# What a person types in onboarding to reach each starting point.
SETUPS = {
    "fresh": None,
    "onboarded": ["1", "1", "1", "1", "United Kingdom", "London", "Sam", "Little Sam", "2"],
    "nameless": ["1", "1", "1", "1", "1", "1", "1", "1", "2"],
    # onboarded, and then an operator raised consent_version in onboarding.yaml
    "consent_changed": ["1", "1", "1", "1", "United Kingdom", "London", "Sam", "Little Sam", "2"],
}


def parse(path: Path) -> tuple[list[str], dict[str, str], list[str]]:
    headers, meta, inputs = [], {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and not inputs:
            headers.append(line)
            key, _, value = line.lstrip("# ").partition(":")
            meta[key.strip()] = value.strip()
        elif line.startswith("> "):
            inputs.append(line[2:])
        elif line == ">":
            inputs.append("")
    return headers, meta, inputs


def play(inputs: list[str], setup: str, tmp_path: Path) -> str:
    clock = FakeClock()
    runtime = build_runtime(f"sqlite:///{tmp_path / 'golden.db'}", clock, tmp_path)
    try:
        steps = SETUPS[setup]
        if steps is not None:
            ConsoleChat(runtime.companion, USER, io.StringIO(), interactive=False, export_dir=tmp_path).run(steps)
            clock.advance(minutes=5)
        if setup == "consent_changed":
            runtime.companion.consent_version += 1
        out = io.StringIO()
        ConsoleChat(runtime.companion, USER, out, interactive=False, export_dir=tmp_path / "export").run(inputs)
        return out.getvalue()
    finally:
        runtime.database.dispose()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_transcript(path: Path, tmp_path: Path) -> None:
    headers, meta, inputs = parse(path)
    setup = meta.get("setup", "onboarded")
    assert setup in SETUPS, f"{path.name}: unknown setup '{setup}'"
    actual = play(inputs, setup, tmp_path)
    expected_body = "\n".join(l for l in path.read_text(encoding="utf-8").splitlines()[len(headers):]) + "\n"
    if UPDATE:
        path.write_text("\n".join(headers) + "\n" + actual, encoding="utf-8")
        return
    assert actual.strip() == expected_body.strip(), f"{path.name} differs; rerun with INNERCHILD_UPDATE_GOLDEN=1 and read the diff"


# Every script is read aloud as these three people at least: one who goes along, one who
# answers "idk", "k", "no", and one who thinks "this is stupid". A file says which with a
# ``# persona:`` header line; more kinds (sad, in danger) are welcome.
PERSONAS = ("cooperative", "terse", "sceptical")


def test_every_script_has_golden_transcripts() -> None:
    from bot.app import check_dialogues

    library, problems = check_dialogues(HERE.parent.parent / "dialogues")
    assert not problems
    played: dict[str, set[str]] = {}
    for path in FILES:
        _, meta, _ = parse(path)
        played.setdefault(path.stem.split(".")[0], set()).add(meta.get("persona", ""))
    missing = []
    for script_id in library.scripts:
        lacking = [p for p in PERSONAS if p not in played.get(script_id, set())]
        if lacking:
            missing.append(f"{script_id} (no {', '.join(lacking)})")
    assert not missing, "scripts not yet played by each kind of person (# persona: ...): " + "; ".join(missing)


BUTTON_LINE = re.compile(r"^\s+\[\d+\] ")  # a button's label is not a reply ("I'm not sure")


def _blocks(path: Path) -> list[tuple[str, str]]:
    """Each input of a transcript with what the companion said right after it (buttons aside)."""
    pairs: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("> "):
            pairs.append((line[2:], ""))
        elif pairs and not line.startswith("#") and not BUTTON_LINE.match(line):
            typed, said = pairs[-1]
            pairs[-1] = (typed, said + "\n" + line)
    return pairs


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_no_transcript_reads_back_what_is_no_answer(path: Path) -> None:
    """Read aloud, a companion that answers "idk" with '"idk" Thank you' is not listening:
    an unsure or sceptical message never comes back in the reply, and nothing that is not
    an ordinary answer comes back in quotes."""
    from bot.engine.answer_kinds import ORDINARY, SCEPTICAL, UNSURE, classify

    for typed, said in _blocks(path):
        if typed.startswith("/") or typed.strip().isdigit():
            continue
        kind = classify(typed)
        if kind in ("", ORDINARY) or len(typed.strip()) < 2:
            continue
        lowered = said.lower()
        words = typed.strip().lower()
        quoted = any(f"{q}{words}{e}" in lowered for q, e in (('"', '"'), ("“", "”"), ("<b>", "</b>")))
        echoed = kind in (UNSURE, SCEPTICAL) and len(words) > 2 and re.search(rf"(?<![\w'-]){re.escape(words)}(?![\w'-])", lowered)
        assert not (quoted or echoed), f"{path.name}: '{typed}' ({kind}) is read back in: {said.strip()[:200]}"
