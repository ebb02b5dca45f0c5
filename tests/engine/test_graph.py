"""``innerchild dialogues graph``: what the edges say, and that Mermaid itself reads every
shipped script's diagram the way it was meant.

The Mermaid half runs Mermaid's real parser in Node (tests/engine/mermaid: pinned ``mermaid``
and ``jsdom``, installed with ``npm ci`` on first use). Without node or npm it is skipped on a
laptop but fails on CI (``CI`` set), so it can never silently stop checking.
"""

from __future__ import annotations

import json
import os
import shutil
import string
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import check_dialogues
from bot.cli import app
from bot.engine.graph import TERMINAL, Edge, Graph, escape, graph, mermaid, render
from bot.engine.library import script_files
from bot.engine.script import ButtonSpec, Script, StepSpec, Target, load_script
from tests.conftest import ROOT, TEST_KEY

MERMAID_DIR = Path(__file__).parent / "mermaid"
NPM_CI_TIMEOUT = 600  # a cold npm cache on a slow CI machine: ~150 packages
NODE_TIMEOUT = 120

SHAPES = """
id: shapes
title: Shapes
phase: always
menu: false  # a test's script: the variety rule is for scripts people meet in /menu
description: Every way on from a step.
minutes: 1
start: intro

steps:
  intro:
    say: Hello.
    then: note

  note:
    say: Which way?
    buttons:
      - "Write": state
      - label: "Read it back"
        if: journal.letter
        go: read
      - label: "Ground me first"
        visit: grounding
      - label: "Who can I talk to"
        start: sos
      - label: "Later"
        pause: true
      - label: "Stop"
        end: true
    otherwise:
      - if: vars.mood == "low"
        go: read
      - go: state

  state:
    say: Write it, in one message or several.
    ask: letter
    parts: true
    then: read

  read:
    say: Anything to add?
    ask: reply
    then:
      - if: answers.reply
        go: bye
      - go: bye

  bye:
    say: Bye.
    end: true
"""


@pytest.fixture(scope="module")
def shipped() -> dict[str, Script]:
    """Every script in dialogues/, as ``innerchild dialogues graph`` loads it."""
    library, problems = check_dialogues(ROOT / "dialogues")
    assert not problems, "\n".join(map(str, problems))
    ids = [path.stem for path in script_files(ROOT / "dialogues")]
    missing = [i for i in ids if library.get(i) is None]
    assert ids and not missing, missing
    return {i: library.scripts[i].script for i in ids}


def shapes(tmp_path: Path) -> Script:
    path = tmp_path / "shapes.yaml"
    path.write_text(SHAPES, encoding="utf-8")
    script, problems = load_script(path)
    assert script is not None and not problems, problems
    return script


# -- what the edges say (no Node needed) ------------------------------------------------


def test_every_way_on_is_an_edge_labelled_with_what_takes_it(tmp_path: Path) -> None:
    assert graph(shapes(tmp_path)).edges == [
        Edge(TERMINAL, "s_intro"),
        Edge("s_intro", "s_note"),  # a step that only speaks goes straight on
        Edge("s_note", "s_state", "Write"),
        Edge("s_note", "s_read", "Read it back (shown if journal.letter)"),
        Edge("s_note", "visit_1", "Ground me first"),
        Edge("visit_1", "s_note", "back"),
        Edge("s_note", "start_sos", "Who can I talk to"),
        Edge("start_sos", TERMINAL),
        Edge("s_note", "pause_3", "Later"),
        Edge("pause_3", "s_note", "resume"),
        Edge("s_note", TERMINAL, "Stop"),
        Edge("s_note", "s_read", 'other words, if vars.mood == "low"'),
        Edge("s_note", "s_state", "other words, else"),
        Edge("s_state", "s_state", "each part"),
        Edge("s_state", "s_read", "That's all"),
        Edge("s_read", "s_bye", "answer, if answers.reply"),
        Edge("s_read", "s_bye", "answer, else"),
        Edge("s_bye", TERMINAL),
    ]


def test_a_visit_comes_back_to_the_step_that_waits_for_it(shipped: dict[str, Script]) -> None:
    edges = graph(shipped["first_letter"]).edges
    nodes = {n.id: n.label for n in graph(shipped["first_letter"]).nodes}
    for step in ("checkin", "wobbly"):
        (visit,) = [e.dest for e in edges if e.source == f"s_{step}" and e.dest.startswith("visit_")]
        assert nodes[visit] == "visit: grounding"
        assert [e for e in edges if e.source == visit] == [Edge(visit, f"s_{step}", "back")]


def test_answer_and_condition_labels_in_shipped_scripts(shipped: dict[str, Script]) -> None:
    toolkit = graph(shipped["grounding_toolkit"]).edges
    assert Edge("s_note", "s_close", "answer") in toolkit
    assert Edge("s_note", "s_close", "Skip") in toolkit
    assert Edge("s_choose", "s_summary", "That's enough for now (shown if vars.tried)") in toolkit
    assert Edge("s_still_a_lot", "start_sos", "Who can I talk to") in toolkit
    journaling = graph(shipped["journaling"]).edges
    assert Edge("s_pick", "s_feeling_today", "if visits % 7 == 0") in journaling
    assert Edge("s_pick", "s_life_now", "else") in journaling


def test_a_step_named_like_a_mermaid_keyword_gets_a_safe_id_and_keeps_its_name() -> None:
    steps = {
        "note": StepSpec("note", 1, buttons=(ButtonSpec("On", Target(go="end")),)),
        "end": StepSpec("end", 2, end=True),
    }
    script = Script("k", Path("k.yaml"), "K", "", "always", 1, False, "note", steps)
    text = mermaid(script).splitlines()
    assert text[:3] == ["stateDiagram-v2", '    state "note" as s_note', '    state "end" as s_end']
    assert "    s_note --> s_end: On" in text
    assert not [line for line in text if line.lstrip().startswith(("note ", "end "))]


def test_labels_are_escaped_for_mermaid() -> None:
    assert escape("That's all, (if a == 'b')") == "That's all, (if a == 'b')"
    assert escape('a;b: "c" #1 <i>&') == "a#59;b#58; #34;c#34; #35;1 #60;i#62;#38;"
    assert escape("%%{init}%%") == "#37;#37;#123;init#125;#37;#37;"
    assert escape("Café ’ 🌿") == "Café ’ 🌿"  # beyond ASCII, as written
    assert escape("two\n  lines") == "two lines"


def test_the_command_prints_the_diagram(shipped: dict[str, Script], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith("INNERCHILD_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("INNERCHILD_ENCRYPTION_KEY", TEST_KEY)
    monkeypatch.setenv("INNERCHILD_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["dialogues", "graph", "grounding_toolkit"])
    assert result.exit_code == 0, result.output
    assert result.output == mermaid(shipped["grounding_toolkit"]) + "\n"


# -- Mermaid itself ------------------------------------------------------------------------

# Step names Mermaid's state grammar reads as words of its own (and a few ids it makes up).
KEYWORDS = [
    "note", "end", "state", "direction", "class", "classDef", "click", "style", "as", "fork", "join", "choice",
    "hide", "left", "right", "of", "over", "default", "accTitle", "accDescr", "stateDiagram", "TB", "LR",
    "root_start", "root_end", "1st", "start", "visit_1",
]
# Labels that break Mermaid when written raw (or change what it understands), and every
# printable ASCII character.
HARD_LABELS = [
    string.punctuation, "a;b", "a: b", 'say "hi"', "#59;", "&amp; &", "<b>bold</b>", "{z}", "%%{init: {}}%%",
    "style x:#f00;", "a --> b", "[*]", "\\n", "`md`", "It's", "Café ’ 🌿 ✓", "end", "note left of x",
]


def keyword_script() -> Script:
    """Steps named like Mermaid keywords, each button a hard label, visits and starts of
    dialogues named like keywords too."""
    steps = {}
    for index, name in enumerate(KEYWORDS):
        following = KEYWORDS[(index + 1) % len(KEYWORDS)]
        label = HARD_LABELS[index % len(HARD_LABELS)]
        buttons = [ButtonSpec(label, Target(go=following)), ButtonSpec("if", Target(visit=name), condition=HARD_LABELS[-index % len(HARD_LABELS)])]
        if index % 3 == 0:
            buttons.append(ButtonSpec(name, Target(start=name)))
        steps[name] = StepSpec(name, index, buttons=tuple(buttons), otherwise=(Target(go=following, condition=label), Target(end=True)))
    return Script("keywords", Path("keywords.yaml"), "Keywords", "", "always", 1, False, "note", steps)


# Rejected by Mermaid: proof the check is not vacuous.
REJECTED = {
    "old output for grounding_toolkit": "stateDiagram-v2\n    [*] --> intro\n    summary --> note\n    note --> close",
    "an empty label": "stateDiagram-v2\n  a --> :",
}
# Left to mermaid.parse's preprocessing, which check.mjs does not run (the graph never needs it).
PREPROCESSED = "stateDiagram-v2\n    %% a comment\n    s_a --> s_b"
# Accepted by Mermaid, but not as meant: an edge "a" and a stray state ";b".
MISREAD = ("stateDiagram-v2\n    s_a --> s_b: a;b", Graph(edges=[Edge("s_a", "s_b", "a;b")]))


def node_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed: Mermaid's parser runs in Node"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def install_mermaid() -> None:
    """``npm ci`` into tests/engine/mermaid unless node_modules is there and up to date
    (npm writes node_modules/.package-lock.json last, so a broken install is redone)."""
    npm = node_tool("npm")
    done = MERMAID_DIR / "node_modules" / ".package-lock.json"
    if done.exists() and done.stat().st_mtime >= (MERMAID_DIR / "package-lock.json").stat().st_mtime:
        return
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=MERMAID_DIR, capture_output=True, text=True, timeout=NPM_CI_TIMEOUT,
    )
    assert result.returncode == 0, f"npm ci failed in {MERMAID_DIR}:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def understood(shipped: dict[str, Script]) -> dict[str, dict]:
    """What Mermaid made of every diagram: one Node process for all of them."""
    node = node_tool("node")
    install_mermaid()
    diagrams = {f"script {i}": mermaid(s) for i, s in shipped.items()}
    diagrams["keywords"] = mermaid(keyword_script())
    diagrams.update(REJECTED)
    diagrams["misread"] = MISREAD[0]
    diagrams["preprocessed"] = PREPROCESSED
    result = subprocess.run(
        [node, "check.mjs"], cwd=MERMAID_DIR, input=json.dumps(diagrams), capture_output=True, text=True, timeout=NODE_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    answers: dict[str, dict] = json.loads(result.stdout)
    return answers


def as_mermaid_reads_it(meant: Graph) -> dict:
    """The states and edges Mermaid should report for ``meant``: ``[*]`` is its root_start
    as a source and root_end as a destination; each state has its label as description."""
    edges = [[e.source.replace(TERMINAL, "root_start"), e.dest.replace(TERMINAL, "root_end"), e.label] for e in meant.edges]
    states = {n.id: [n.label] for n in meant.nodes}
    for source, dest, _ in edges:
        states.setdefault(source, [])
        states.setdefault(dest, [])
    return {"ok": True, "states": states, "edges": edges}


@pytest.mark.timeout(NPM_CI_TIMEOUT + NODE_TIMEOUT + 60)
def test_mermaid_reads_every_shipped_script_as_meant(shipped: dict[str, Script], understood: dict[str, dict]) -> None:
    for script_id, script in shipped.items():
        answer = understood[f"script {script_id}"]
        assert answer["ok"], f"{script_id}: {answer.get('error')}"
        assert answer == as_mermaid_reads_it(graph(script)), script_id


@pytest.mark.timeout(NPM_CI_TIMEOUT + NODE_TIMEOUT + 60)
def test_mermaid_reads_keyword_names_and_hard_labels_as_meant(understood: dict[str, dict]) -> None:
    answer = understood["keywords"]
    assert answer["ok"], answer.get("error")
    assert answer == as_mermaid_reads_it(graph(keyword_script()))


@pytest.mark.timeout(NPM_CI_TIMEOUT + NODE_TIMEOUT + 60)
def test_the_mermaid_check_catches_bad_diagrams(understood: dict[str, dict]) -> None:
    for name in REJECTED:
        assert not understood[name]["ok"], name
        assert "Parse error" in understood[name]["error"], name
    misread = understood["misread"]
    assert misread["ok"] and misread != as_mermaid_reads_it(MISREAD[1])
    assert misread["edges"] == [["s_a", "s_b", "a"]]
    assert not understood["preprocessed"]["ok"] and "preprocessing" in understood["preprocessed"]["error"]


def test_render_writes_what_the_graph_holds() -> None:
    assert render(MISREAD[1]) == "stateDiagram-v2\n    s_a --> s_b: a#59;b"
