"""The dialogue script model, and turning a YAML file into it.

A script is what an operator writes: steps that say something, offer buttons or ask for
free text, and say where to go next. Parsing is forgiving in what it collects (it reports
every problem it can find at once, each with its line) and strict in what it accepts, so a
writer fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .yamlnodes import LineDict, LineList, YamlError, load_with_lines

PHASES = ("arrive", "safety", "contact", "reparenting", "integration", "always", "support")
END = "end"  # a reserved target: the dialogue ends
PROFILE_PREFIX = "profile."
KEY_LIMIT = 32  # a button's key travels in Telegram's 64-byte callback data


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an operator file, reported as ``path:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Bubble:
    """One message bubble: inline Jinja source, or the name of a ``templates/*.j2`` file."""

    source: str | None
    file: str | None
    line: int
    text_line: int = 0  # the line of the text's first line (under ``say: |``, the next one)
    variant: int = 0  # in a ``one_of`` bubble: which of its versions this is
    variants: int = 1  # in a ``one_of`` bubble: how many versions it has (one is shown per visit)

    def shown_on(self, visits: int) -> bool:
        """Whether this version of the bubble is the one said on a person's visit number
        ``visits`` (0 for a first visit): a second visit opens differently from the first."""
        return self.variant == visits % self.variants


@dataclass(frozen=True)
class Target:
    """Where a choice leads: a step of this script, the end, or another dialogue."""

    go: str | None = None
    start: str | None = None
    visit: str | None = None  # another dialogue, then back here (this one waits, paused)
    end: bool = False
    pause: bool = False
    condition: str | None = None  # a Jinja expression; the route applies when it is true
    line: int = 0


@dataclass(frozen=True)
class ButtonSpec:
    label: str
    target: Target
    sets: tuple[tuple[str, object], ...] = ()
    actions: tuple[str, ...] = ()
    condition: str | None = None  # shown only when true
    line: int = 0
    means: tuple[str, ...] = ()  # what typing presses it: meanings (meanings.yaml) or phrases
    explicit_key: str | None = None  # ``key:``: the writer's own stable name for this button

    @property
    def key(self) -> str:
        """What a press of this button carries, so that inserting, removing or reordering
        buttons never sends an old press down another branch: the writer's ``key:``, else
        where it leads (and, when it ``set``s or ``do``es something, a short digest of that,
        since several buttons of a step often lead to one step with different choices).
        Two buttons with the same key do the same thing, so either may answer a press."""
        if self.explicit_key:
            return self.explicit_key
        return target_key(self.target) + effect_digest(self.sets, self.actions)


@dataclass(frozen=True)
class StepSpec:
    name: str
    line: int
    say: tuple[Bubble, ...] = ()
    buttons: tuple[ButtonSpec, ...] = ()
    ask: str | None = None  # a journal key, or "profile.<field>"
    then: tuple[Target, ...] = ()  # after an answer, or straight on when nothing is asked
    end: bool = False
    actions: tuple[str, ...] = ()  # run on arriving at the step
    checkin: bool = False  # (heavy scripts) the opening check on how the person is
    present: bool = False  # (heavy scripts) a closing return to the present
    pause_button: bool = True
    keep: bool = True  # False: the answer is listened to but kept nowhere
    actions_line: int = 0
    otherwise: tuple[Target, ...] = ()  # typed words no button of the step means
    parts: bool = False  # with ask: the answer may come in several messages ("That's all" goes on)
    renamed_from: tuple[str, ...] = ()  # earlier names of this step: people on them continue here

    @property
    def waits(self) -> bool:
        """Whether the step stops and waits for the person."""
        return bool(self.buttons or self.ask)

    @property
    def passes_through(self) -> bool:
        """A step that only speaks and moves on."""
        return not self.waits and not self.end


@dataclass
class Script:
    id: str
    path: Path
    title: str
    description: str
    phase: str
    minutes: int
    heavy: bool
    start: str
    steps: dict[str, StepSpec]
    variables: dict[str, object] = field(default_factory=dict)
    order: int = 100
    menu: bool = True  # listed in /menu
    line: int = 1
    consent_version: int = 0  # onboarding: raise it when the consent text changes
    shared: tuple[str, ...] = ()  # journal keys other scripts may ask too (``journal`` checks)
    shared_line: int = 0
    suggest_when: tuple[str, ...] = ()  # words that, typed outside any conversation, suggest it
    suggest_line: int = 0

    @property
    def journal_keys(self) -> tuple[str, ...]:
        return tuple(
            s.ask for s in self.steps.values() if s.ask and s.keep and not s.ask.startswith(PROFILE_PREFIX)
        )


_SCRIPT_KEYS = {
    "id", "title", "description", "phase", "minutes", "heavy", "start", "steps", "vars",
    "order", "menu", "consent_version", "shared", "suggest_when",
}
_STEP_KEYS = {
    "say", "buttons", "ask", "then", "end", "do", "checkin", "present", "pause_button", "keep", "otherwise", "parts",
    "renamed_from",
}
_BUTTON_KEYS = {"label", "go", "start", "visit", "end", "pause", "set", "do", "if", "means", "key"}
_ROUTE_KEYS = {"go", "start", "visit", "end", "pause", "if"}


class _Reader:
    """Collects problems while reading one file's data into the model."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def text(self, data: LineDict, key: str, *, required: bool = True, default: str = "") -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"'{key}' is missing")
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(data.line_of(key), f"'{key}' must be text")
            return default
        return str(value).strip()

    def flag(self, data: LineDict, key: str, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(data.line_of(key), f"'{key}' must be true or false")
            return default
        return value

    def unknown(self, data: LineDict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(data.line_of(key), f"unknown {what} key '{key}' (known: {known})")

    def names(self, data: LineDict, key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self.problem(data.line_of(key), f"'{key}' must be a name or a list of names")
        return ()


def load_script(path: Path) -> tuple[Script | None, list[Problem]]:
    """Read one script file. Returns the script (None if unusable) and every problem found."""
    reader = _Reader(path)
    try:
        data, yaml_problems = load_with_lines(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        return None, [Problem(path, exc.problem.line, exc.problem.message)]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, 1, f"cannot read the file: {exc}")]
    for p in yaml_problems:
        reader.problem(p.line, p.message)
    if not isinstance(data, LineDict):
        reader.problem(1, "a script must be a mapping with id, title, steps ...")
        return None, reader.problems

    reader.unknown(data, _SCRIPT_KEYS, "script")
    script_id = reader.text(data, "id")
    if script_id and script_id != path.stem:
        reader.problem(data.line_of("id"), f"id '{script_id}' must match the file name '{path.stem}'")
    if script_id and not _is_name(script_id):
        reader.problem(data.line_of("id"), "an id uses lower-case letters, digits and _ only")
    phase = reader.text(data, "phase")
    if phase and phase not in PHASES:
        reader.problem(data.line_of("phase"), f"phase '{phase}' is not one of {', '.join(PHASES)}")
    minutes = data.get("minutes", 0)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
        reader.problem(data.line_of("minutes"), "'minutes' must be a whole number")
        minutes = 0
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        reader.problem(data.line_of("order"), "'order' must be a whole number")
        order = 100
    variables = data.get("vars") or {}
    if not isinstance(variables, dict):
        reader.problem(data.line_of("vars"), "'vars' must map names to starting values")
        variables = {}
    steps_data = data.get("steps")
    steps: dict[str, StepSpec] = {}
    if not isinstance(steps_data, LineDict) or not steps_data:
        reader.problem(data.line_of("steps"), "'steps' must list at least one step")
    else:
        for name, step_data in steps_data.items():
            step = _read_step(reader, str(name), step_data, steps_data.line_of(name))
            if step:
                steps[step.name] = step
    start = reader.text(data, "start")
    if start and steps and start not in steps:
        reader.problem(data.line_of("start"), f"start step '{start}' does not exist")
    script = Script(
        id=script_id,
        path=path,
        title=reader.text(data, "title"),
        description=reader.text(data, "description"),
        phase=phase,
        minutes=minutes,
        heavy=reader.flag(data, "heavy"),
        start=start,
        steps=steps,
        variables=dict(variables),
        order=order,
        menu=reader.flag(data, "menu", True),
        line=data.line,
        consent_version=data.get("consent_version", 0) if isinstance(data.get("consent_version", 0), int) else 0,
        shared=reader.names(data, "shared"),
        shared_line=data.line_of("shared"),
        suggest_when=reader.names(data, "suggest_when"),
        suggest_line=data.line_of("suggest_when"),
    )
    return script, reader.problems


def _is_name(text: str) -> bool:
    return bool(text) and text.replace("_", "a").isalnum() and text.lower() == text


def _read_step(reader: _Reader, name: str, data: object, line: int) -> StepSpec | None:
    if not _is_name(name):
        reader.problem(line, f"step name '{name}' uses lower-case letters, digits and _ only")
    if not isinstance(data, LineDict):
        reader.problem(line, f"step '{name}' must be a mapping (say, buttons, ask, then ...)")
        return None
    reader.unknown(data, _STEP_KEYS, "step")
    say = _read_say(reader, data)
    buttons: list[ButtonSpec] = []
    raw_buttons = data.get("buttons")
    if raw_buttons is not None:
        if not isinstance(raw_buttons, LineList):
            reader.problem(data.line_of("buttons"), "'buttons' must be a list")
        else:
            for index, item in enumerate(raw_buttons):
                button = _read_button(reader, item, raw_buttons.line_of(index))
                if button:
                    buttons.append(button)
    ask = data.get("ask")
    if ask is not None and (not isinstance(ask, str) or not ask.strip()):
        reader.problem(data.line_of("ask"), "'ask' names where the answer is kept, e.g. ask: letter")
        ask = None
    then = _read_then(reader, data, "then")
    otherwise = _read_then(reader, data, "otherwise")
    step = StepSpec(
        name=name,
        line=line,
        say=say,
        buttons=tuple(buttons),
        ask=ask.strip() if ask else None,
        then=then,
        end=reader.flag(data, "end"),
        actions=reader.names(data, "do"),
        checkin=reader.flag(data, "checkin"),
        present=reader.flag(data, "present"),
        pause_button=reader.flag(data, "pause_button", True),
        keep=reader.flag(data, "keep", True),
        actions_line=data.line_of("do"),
        otherwise=otherwise,
        parts=reader.flag(data, "parts"),
        renamed_from=reader.names(data, "renamed_from"),
    )
    _check_parts(reader, step, data)
    for old in step.renamed_from:
        if not _is_name(old):
            reader.problem(data.line_of("renamed_from"), f"'renamed_from: {old}': a step name uses lower-case letters, digits and _ only")
    if step.otherwise and (step.ask or not step.buttons):
        reader.problem(data.line_of("otherwise"), f"step '{name}': 'otherwise' is for typed words at a step of buttons (a step that asks takes any text)")
    if step.ask and not step.then:
        reader.problem(line, f"step '{name}' asks for an answer but has no 'then' to go on to")
    if step.end and (step.then or step.ask):
        reader.problem(line, f"step '{name}' ends the dialogue, so it cannot also ask or go on")
    if step.buttons and step.then and not step.ask:
        reader.problem(line, f"step '{name}' has buttons and 'then': the buttons already say where to go")
    return step


def _check_parts(reader: _Reader, step: StepSpec, data: LineDict) -> None:
    """``parts: true`` gathers several messages into one kept answer, so it needs an ``ask``
    that keeps its answer in the journal (a profile field is one short value)."""
    if not step.parts:
        return
    line = data.line_of("parts")
    if not step.ask:
        reader.problem(line, f"step '{step.name}': 'parts: true' is for a step that asks (ask: letter)")
    elif step.ask.startswith(PROFILE_PREFIX):
        reader.problem(line, f"step '{step.name}': 'parts: true' gathers writing for the journal, not a profile field like '{step.ask}'")
    elif not step.keep:
        reader.problem(line, f"step '{step.name}': 'parts: true' keeps every part, so it cannot go with 'keep: false'")


def _read_say(reader: _Reader, data: LineDict) -> tuple[Bubble, ...]:
    raw = data.get("say")
    if raw is None:
        return ()
    items = raw if isinstance(raw, LineList) else [raw]
    bubbles: list[Bubble] = []
    for index, item in enumerate(items):
        line = raw.line_of(index) if isinstance(raw, LineList) else data.line_of("say")
        if isinstance(item, LineDict) and set(item) == {"one_of"}:
            bubbles.extend(_read_one_of(reader, item, line))
            continue
        text_line = (raw.text_line_of(index) if isinstance(raw, LineList) else data.text_line_of("say")) if isinstance(item, str) else 0
        bubble = _read_bubble(reader, item, line, text_line, "each 'say' item is text, {file: name.j2} or {one_of: [...]}")
        if bubble is not None:
            bubbles.append(bubble)
    return tuple(bubbles)


def _read_bubble(reader: _Reader, item: object, line: int, text_line: int, shape: str) -> Bubble | None:
    """One bubble: text (its first line kept for problems), or ``{file: name.j2}``."""
    if isinstance(item, str):
        blank_lines = item[: len(item) - len(item.lstrip())].count("\n")  # stripped off above the text
        return Bubble(item.strip(), None, line, text_line + blank_lines)
    if isinstance(item, LineDict) and set(item) == {"file"} and isinstance(item["file"], str):
        return Bubble(None, item["file"], line)
    if isinstance(item, LineDict):
        reader.problem(line, "this 'say' text has a colon followed by a space, so YAML reads it as a mapping: start it with | on its own line, or put it in quotes")
    else:
        reader.problem(line, shape)
    return None


def _read_one_of(reader: _Reader, item: LineDict, line: int) -> list[Bubble]:
    """``{one_of: [text, text, ...]}``: one bubble said in turn, a version per visit (the
    person's first visit hears the first, the second the next, and round again)."""
    versions = item["one_of"]
    if not isinstance(versions, LineList) or len(versions) < 2:
        reader.problem(line, "'one_of' is a list of at least two versions of the bubble, one said per visit")
        return []
    found: list[Bubble] = []
    for index, version in enumerate(versions):
        text_line = versions.text_line_of(index) if isinstance(version, str) else 0
        bubble = _read_bubble(reader, version, versions.line_of(index), text_line, "each 'one_of' version is text or {file: name.j2}")
        if bubble is not None:
            found.append(bubble)
    return [
        Bubble(b.source, b.file, b.line, b.text_line, variant=index, variants=len(found))
        for index, b in enumerate(found)
    ]


def _read_target(reader: _Reader, data: LineDict, line: int, what: str) -> Target:
    go = data.get("go")
    start = data.get("start")
    visit = data.get("visit")
    end = data.get("end", False)
    pause = data.get("pause", False)
    condition = data.get("if")
    chosen = [k for k, v in (("go", go), ("start", start), ("visit", visit), ("end", end), ("pause", pause)) if v]
    if len(chosen) != 1:
        reader.problem(line, f"a {what} needs exactly one of go, start, visit, end or pause")
    for key, value in (("go", go), ("start", start), ("visit", visit)):
        if value is not None and not isinstance(value, str):
            reader.problem(data.line_of(key), f"'{key}' must name a step or dialogue")
    if condition is not None and not isinstance(condition, str):
        reader.problem(data.line_of("if"), "'if' must be a condition such as: vars.mood == 'low'")
        condition = None
    if isinstance(go, str) and go == END:
        go, end = None, True
    return Target(
        go=go if isinstance(go, str) else None,
        start=start if isinstance(start, str) else None,
        visit=visit if isinstance(visit, str) else None,
        end=end is True,
        pause=pause is True,
        condition=condition,
        line=line,
    )


def _read_button(reader: _Reader, item: object, line: int) -> ButtonSpec | None:
    # Short form:  - "Let's begin": breathe
    if isinstance(item, LineDict) and len(item) == 1 and "label" not in item:
        (label, target), = item.items()
        if isinstance(label, bool) or label is None:
            word = {True: "true", False: "false", None: "null"}[label]
            reader.problem(line, f"put quotes around the label \"{word}\": YAML reads a bare {word} as a value, not text")
            return None
        if isinstance(target, str):
            return ButtonSpec(str(label), _read_target(reader, _mapping(go=target, line=line), line, "button"), line=line)
    if not isinstance(item, LineDict):
        reader.problem(line, "a button is  - Label: step  or a mapping with label and go/start/end")
        return None
    reader.unknown(item, _BUTTON_KEYS, "button")
    label = reader.text(item, "label")
    sets = item.get("set") or {}
    if not isinstance(sets, dict):
        reader.problem(item.line_of("set"), "'set' maps names to values, e.g. set: {mood: low}")
        sets = {}
    condition = item.get("if")
    target = _read_target(reader, _without(item, "if"), line, "button")
    return ButtonSpec(
        label=label,
        target=target,
        sets=tuple(sets.items()),
        actions=reader.names(item, "do"),
        condition=condition if isinstance(condition, str) else None,
        line=line,
        means=_read_means(reader, item),
        explicit_key=_read_key(reader, item),
    )


def _read_key(reader: _Reader, item: LineDict) -> str | None:
    """``key:``: lower-case letters, digits and _, starting with a letter (a press of a button
    made before keys existed carried a bare number, which must never match a key)."""
    raw = item.get("key")
    if raw is None:
        return None
    if not isinstance(raw, str) or not _is_name(raw) or not raw[0].isalpha() or len(raw) > KEY_LIMIT:
        reader.problem(item.line_of("key"), f"'key' is a short name: lower-case letters, digits and _, starting with a letter, at most {KEY_LIMIT} characters")
        return None
    return raw


def target_key(target: Target) -> str:
    """The part of a derived button key that says where the button leads."""
    if target.go:
        return target.go
    if target.start:
        return f"~start:{target.start}"
    if target.visit:
        return f"~visit:{target.visit}"
    return "~pause" if target.pause else "~end"


def effect_digest(sets: tuple[tuple[str, object], ...], actions: tuple[str, ...]) -> str:
    """``#`` and six hex digits naming what a button sets and does ("" when nothing)."""
    if not sets and not actions:
        return ""
    payload = repr((sorted((k, repr(v)) for k, v in sets), sorted(actions)))
    return "#" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:6]


def _read_means(reader: _Reader, item: LineDict) -> tuple[str, ...]:
    raw = item.get("means")
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        reader.problem(item.line_of("means"), "'means' lists meanings from meanings.yaml or phrases in quotes, e.g. means: [no, \"not safe\"]")
        return ()
    return tuple(v.strip() for v in values)


def _read_then(reader: _Reader, data: LineDict, key: str) -> tuple[Target, ...]:
    """``then`` or ``otherwise``: a step name, or routes (the last without ``if``)."""
    raw = data.get(key)
    if raw is None:
        return ()
    line = data.line_of(key)
    if isinstance(raw, str):
        return (_read_target(reader, _mapping(go=raw, line=line), line, f"'{key}'"),)
    if isinstance(raw, LineList):
        routes = []
        for index, item in enumerate(raw):
            item_line = raw.line_of(index)
            if not isinstance(item, LineDict):
                reader.problem(item_line, f"each '{key}' route is a mapping: {{if: ..., go: step}}")
                continue
            reader.unknown(item, _ROUTE_KEYS, "route")
            routes.append(_read_target(reader, item, item_line, "route"))
        if routes and routes[-1].condition is not None:
            reader.problem(line, f"the last '{key}' route needs no 'if', so there is always a way on")
        return tuple(routes)
    reader.problem(line, f"'{key}' is a step name or a list of routes")
    return ()


def _mapping(line: int, **values: object) -> LineDict:
    result = LineDict(values)
    result.line = line
    result.key_lines = {k: line for k in values}
    return result


def _without(data: LineDict, key: str) -> LineDict:
    result = LineDict({k: v for k, v in data.items() if k != key})
    result.line = data.line
    result.key_lines = data.key_lines
    result["if"] = None
    return result
