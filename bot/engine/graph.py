"""A script as a Mermaid ``stateDiagram-v2``, for writers who like to see the shape.

The diagram is built first as plain nodes and edges (``graph``), then written out as Mermaid
text (``render``), so tests can compare what Mermaid understood with what was meant.

Every way a step can go on is an edge, labelled with what takes it: a button's text (and
``shown if ...`` when its ``if:`` hides it at times), ``answer`` for the free text of an
``ask`` step, ``That's all`` for a step that takes its answer in parts, ``other words`` for
an ``otherwise`` route, with ``if ...`` / ``else`` when routes choose by a condition. A
``visit:`` gets a node of its own with an edge ``back`` to the step that waits for it; a
``start:`` gets a node that ends this dialogue. The automatic "Pause for now" button is left
out: nearly every step has it, and it would double the edges without telling anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .script import Script, StepSpec, Target

TERMINAL = "[*]"  # Mermaid's start and end pseudo-state
ANSWER = "answer"
THATS_ALL = "That's all"  # texts.yaml button_thats_all, as the writer knows it
EACH_PART = "each part"
OTHER_WORDS = "other words"
BACK = "back"
RESUME = "resume"

# Label characters Mermaid takes as they are (tests/engine/test_graph.py feeds every
# printable ASCII character through Mermaid's parser to show it). Anything else in ASCII is
# written as an entity code (#59;), which Mermaid shows as the character: a raw ";" ends the
# statement, '"' ends a quoted state name, "#" starts an entity, "<" ">" "&" are HTML, "%%{"
# is a directive, and ":" could let Mermaid's own "style ...:#...;" clean-up eat a character.
# Letters beyond ASCII (é, ’, emoji) are safe as they are.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,'!?()[]-_/=+*")


@dataclass(frozen=True)
class Node:
    """A state: ``id`` is what the Mermaid text uses, ``label`` what the reader sees."""

    id: str
    label: str


@dataclass(frozen=True)
class Edge:
    source: str
    dest: str
    label: str = ""


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def mermaid(script: Script) -> str:
    """The Mermaid text of ``innerchild dialogues graph``."""
    return render(graph(script))


def graph(script: Script) -> Graph:
    """Every step and every way on from it, as nodes and labelled edges."""
    builder = _Builder(script)
    for step in script.steps.values():
        builder.step(step)
    return builder.graph


def render(diagram: Graph) -> str:
    """Mermaid text: each state declared with its label first (``state "note" as s_note``),
    so a step may be called anything, even a Mermaid keyword, then the edges."""
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{escape(node.label)}" as {node.id}' for node in diagram.nodes]
    for edge in diagram.edges:
        label = f": {escape(edge.label)}" if edge.label else ""
        lines.append(f"    {edge.source} --> {edge.dest}{label}")
    return "\n".join(lines)


def escape(text: str) -> str:
    """Text safe inside a Mermaid label, on one line, shown as written."""
    one_line = " ".join(text.split())
    return "".join(c if c in _PLAIN or (not c.isascii() and c.isprintable()) else f"#{ord(c)};" for c in one_line)


def step_id(name: str) -> str:
    """The Mermaid id of a step: a prefix keeps it clear of Mermaid's keywords (``note``,
    ``end``, ``state`` ...), and only letters, digits and _ stay (step names have no others)."""
    return "s_" + _safe(name)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", lambda m: f"_{ord(m.group()):x}_", name)


class _Builder:
    """Collects nodes and edges; the nodes of visits, starts and pauses are made once each."""

    def __init__(self, script: Script):
        self.graph = Graph(nodes=[Node(step_id(name), name) for name in script.steps])
        self._made: dict[tuple[str, ...], str] = {}
        if script.start:
            self.edge(TERMINAL, step_id(script.start))

    def step(self, step: StepSpec) -> None:
        for button in step.buttons:
            shown_if = f" (shown if {button.condition})" if button.condition else ""
            self.lead(step, button.target, button.label + shown_if)
        if step.parts:
            self.edge(step_id(step.name), step_id(step.name), EACH_PART)
        self.routes(step, step.then, _then_word(step))
        self.routes(step, step.otherwise, OTHER_WORDS)
        if step.end:
            self.edge(step_id(step.name), TERMINAL)

    def routes(self, step: StepSpec, routes: tuple[Target, ...], word: str) -> None:
        """``then`` or ``otherwise``: a condition says which route is taken; the route after
        the conditions is the ``else``."""
        chooses = any(route.condition for route in routes)
        for route in routes:
            choice = f"if {route.condition}" if route.condition else ("else" if chooses else "")
            self.lead(step, route, ", ".join(part for part in (word, choice) if part))

    def lead(self, step: StepSpec, target: Target, label: str) -> None:
        """An edge from ``step`` to where ``target`` goes, then, for a node just made for a
        visit, pause or start, its own edge on (back to the step, or to the end)."""
        dest, onward = self.destination(step, target)
        self.edge(step_id(step.name), dest, label)
        if onward:
            self.graph.edges.append(onward)

    def destination(self, step: StepSpec, target: Target) -> tuple[str, Edge | None]:
        """Where ``target`` leads from ``step``, and the edge on from a node made for it just
        now. A visit (or pause) comes back to the step that waits for it, so its node is one
        per step: shared, its edges back would seem to lead to any of the steps. A start ends
        this dialogue whichever step it comes from, so its node is shared."""
        if target.go:
            return step_id(target.go), None
        if target.start:
            node, new = self.made(("start", target.start), f"start_{_safe(target.start)}", f"start: {target.start}")
            return node, (Edge(node, TERMINAL) if new else None)
        if target.visit or target.pause:
            kind, label, back = ("visit", f"visit: {target.visit}", BACK) if target.visit else ("pause", "paused", RESUME)
            node, new = self.made((kind, step.name, label), f"{kind}_{len(self._made) + 1}", label)
            return node, (Edge(node, step_id(step.name), back) if new else None)
        return TERMINAL, None

    def made(self, key: tuple[str, ...], node_id: str, label: str) -> tuple[str, bool]:
        """The node for ``key``, and whether it was made just now."""
        if key in self._made:
            return self._made[key], False
        self._made[key] = self.node(node_id, label)
        return node_id, True

    def node(self, node_id: str, label: str) -> str:
        self.graph.nodes.append(Node(node_id, label))
        return node_id

    def edge(self, source: str, dest: str, label: str = "") -> None:
        """Labels are kept on one line, as the diagram shows them (a long ``if:`` may be
        folded over several lines in the YAML)."""
        self.graph.edges.append(Edge(source, dest, " ".join(label.split())))


def _then_word(step: StepSpec) -> str:
    """What takes a step's ``then``: its answer, "That's all" after an answer in parts, or
    nothing (a step that only speaks goes straight on)."""
    if step.parts:
        return THATS_ALL
    return ANSWER if step.ask else ""
