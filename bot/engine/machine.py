"""Playing a script: one ``transitions`` machine per script, shared by every person.

Each turn the companion hands us a small ``Conversation`` restored from the database; we
fire one event of the script's machine (``Machine(model=None)``) on it and let pass-through
steps run on. Nothing per person stays in memory. The model is never attached
(``add_model``): attaching binds a method per event and per state to it, a third of a
millisecond a turn for a large script, and a list of models shared by the worker threads;
an event fired by name (``Event.trigger(model)``) reads and sets only the model's ``state``.

Events are named by what the person did: ``b<index>`` for a button (tapped, or typed in
words that mean it: ``meanings``), ``answered`` for free text, ``otherwise`` for typed words
no button of the step means, ``advance`` for a step that only speaks and moves on, ``part``
for one more message at a step that takes several (``parts: true``: it stays, and its
"That's all" button, ``b{DONE_INDEX}``, goes where ``then`` says). Callbacks are declared here,
from the script, never as ``on_enter_<step>`` methods on the model.

A button on the screen carries its stable key (``ButtonSpec.key``), never its position: the
event's index is looked up from the key when it is pressed, in the script as it is *now*, so
a press made before the writer reordered, added or removed buttons still takes its own way
(or, if its button is gone, none).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import cast

from jinja2 import Template
from transitions import EventData, Machine, MachineError

from ..domain import DIALOGUE_BUTTON, Button, Reply
from .script import PROFILE_PREFIX, ButtonSpec, Script, StepSpec, Target, effect_digest
from .context import Blanks
from .meanings import Choice, Meanings, same_words
from .questions import question_of
from .templates import tidy

FINISHED = "__end__"
MAX_PASS_THROUGH = 40
PAUSE_TEXT = "button_pause"  # the label of the automatic pause button, in texts.yaml
PAUSE_INDEX = "p"
PAUSE_KEY = "~pause"  # what the automatic pause button carries
DONE_TEXT = "button_thats_all"  # the label of the automatic "That's all" button of a ``parts`` step
MORE_TEXT = "parts_more"  # the note after each part: add more, or tap That's all
DONE_INDEX = "a"
DONE_KEY = "~done"  # what "That's all" carries
TRAIL = 8  # waiting steps remembered per session: where to go back to if a step is removed
PART = "part"
PART_JOIN = "\n\n"  # the parts of one answer, as it is kept and read back


@dataclass
class SessionState:
    """Where one person is in one dialogue: what the database keeps between turns."""

    dialogue: str
    state: str
    step: int = 0
    vars: dict[str, object] = field(default_factory=dict)  # values buttons set
    answers: dict[str, str] = field(default_factory=dict)  # free-text answers by key
    parts: int = 0  # messages kept so far as the answer of the current ``parts`` step
    trail: list[str] = field(default_factory=list)  # the waiting steps reached, oldest first


@dataclass(frozen=True)
class SaveAnswer:
    """Keep ``text`` in the journal under ``key``. ``part``: 0 for a whole answer; 1 for the
    first message of an answer that may come in several (a ``parts`` step); 2, 3 ... when
    ``text`` is that answer grown by one more message, to replace the entry part 1 made.
    ``question``: the step's words as the person saw them, in plain text (``question_of``)."""

    key: str
    text: str
    part: int = 0
    question: str = ""


@dataclass(frozen=True)
class SetProfile:
    field: str
    value: object


@dataclass(frozen=True)
class RunAction:
    name: str


Effect = SaveAnswer | SetProfile | RunAction  # what a step asks of the world beyond its state


@dataclass
class StepResult:
    session: SessionState
    replies: list[Reply]
    effects: list[Effect]
    finished: bool = False
    start: str | None = None  # another dialogue to start next
    visit: str | None = None  # another dialogue to visit, this one waiting paused
    pause: bool = False


class Conversation:
    """The model transitions drives for one turn."""

    def __init__(self, session: SessionState, context: Mapping[str, object]):
        self.session = session
        self.state = session.state
        self.context = context
        self.outbox: list[str] = []
        self.effects: list[Effect] = []
        self.start: str | None = None
        self.visit: str | None = None
        self.pause = False


Parser = Callable[[str], object]
Callback = Callable[[EventData], None]  # what transitions calls before a transition or on arrival
Check = Callable[[EventData], bool]  # a transition's condition


def conversation(event: EventData) -> Conversation:
    """The model a transitions callback is about (``send_event=True`` hands us the EventData)."""
    return cast(Conversation, event.model)


class CompiledScript:
    """A script with its templates compiled and its machine built."""

    def __init__(
        self,
        script: Script,
        bubbles: Mapping[int, Template],
        conditions: Mapping[str, Callable[..., object]],
        *,
        pause_label: str = "",
        meanings: Meanings | None = None,
        done_label: str = "",
        more_note: Template | None = None,
    ):
        self.script = script
        self.pause_label = pause_label
        self.done_label = done_label  # "That's all", after a part
        self.more_note = more_note  # "Got it. Add more, or tap That's all ...", after a part
        self.meanings = meanings or Meanings()
        self._bubbles = bubbles  # id(Bubble) -> compiled template
        self._conditions = conditions  # expression source -> compiled expression
        self.journal_reads: frozenset[str] = frozenset()
        self.version = ""  # a digest of the script's file and templates (``library.script_version``)
        self.machine = self._build()

    # -- building ---------------------------------------------------------------------
    def _build(self) -> Machine:
        script = self.script
        states: list[dict[str, object]] = [{"name": name, "on_enter": [self._arrive]} for name in script.steps]
        states.append({"name": FINISHED, "final": True})
        machine = Machine(
            model=None,
            states=states,
            initial=script.start,
            send_event=True,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        for step in script.steps.values():
            for index, button in enumerate(step.buttons):
                self._add(machine, f"b{index}", step.name, button.target, before=self._pressed(button))
            if step.waits and self._auto_pause(step):
                machine.add_transition(f"b{PAUSE_INDEX}", step.name, None, before=self._pause)
            trigger = "answered" if step.ask else "advance"
            for route in step.then:
                self._add(machine, trigger, step.name, route)
                if step.parts:
                    self._add(machine, f"b{DONE_INDEX}", step.name, route)
            if step.parts:
                machine.add_transition(PART, step.name, None)  # one more message: the step stays
            for route in step.otherwise:
                self._add(machine, "otherwise", step.name, route)
        return machine

    def _add(self, machine: Machine, trigger: str, source: str, target: Target, before: Callback | None = None) -> None:
        befores: list[str | Callable[..., bool | None]] = [before] if before else []
        if target.start:
            befores.append(self._jump(target.start))
        if target.visit:
            befores.append(self._visit(target.visit))
        if target.pause:
            befores.append(self._pause)
        dest = target.go if target.go else (None if (target.pause or target.visit) else FINISHED)
        conditions: list[str | Callable[..., bool | None]] = [self._condition(target.condition)] if target.condition else []
        machine.add_transition(trigger, source, dest, before=befores, conditions=conditions)

    def _condition(self, source: str) -> Check:
        expression = self._conditions[source]

        def check(event: EventData) -> bool:
            return bool(expression(**self.context_for(conversation(event))))

        return check

    def _pressed(self, button: ButtonSpec) -> Callback:
        def pressed(event: EventData) -> None:
            model = conversation(event)
            for key, value in button.sets:
                model.session.vars[key] = value
            model.effects.extend(RunAction(name) for name in button.actions)

        return pressed

    @staticmethod
    def _jump(dialogue: str) -> Callback:
        def jump(event: EventData) -> None:
            conversation(event).start = dialogue

        return jump

    @staticmethod
    def _visit(dialogue: str) -> Callback:
        def visit(event: EventData) -> None:
            conversation(event).visit = dialogue

        return visit

    @staticmethod
    def _pause(event: EventData) -> None:
        conversation(event).pause = True

    def _arrive(self, event: EventData) -> None:
        model = conversation(event)
        model.session.parts = 0  # arriving (again) at a step starts its answer afresh
        self.arrive(model, self.script.steps[model.state])

    def arrive(self, model: Conversation, step: StepSpec) -> None:
        model.outbox.extend(self.render_say(step, model))
        model.effects.extend(RunAction(name) for name in step.actions)

    def _auto_pause(self, step: StepSpec) -> bool:
        """Support scripts (crisis lines, grounding offers) never offer "Pause for now"."""
        if self.script.phase == "support":
            return False
        return step.pause_button and not any(leads_out(self.script, b.target) for b in step.buttons)

    # -- rendering --------------------------------------------------------------------
    def context_for(self, model: Conversation) -> dict[str, object]:
        values = dict(model.context)
        values["answers"] = Blanks({k: "" for k in self.script.journal_keys} | model.session.answers)
        values["vars"] = dict(self.script.variables) | model.session.vars
        values["title"] = self.script.title
        return values

    def render_say(self, step: StepSpec, model: Conversation) -> list[str]:
        context = self.context_for(model)
        visits = int(str(context.get("visits") or 0))
        texts = (tidy(self._bubbles[id(b)].render(context)) for b in step.say if b.shown_on(visits))
        return [t for t in texts if t]

    def shown_buttons(self, step: StepSpec, model: Conversation) -> list[tuple[int, ButtonSpec]]:
        """The step's buttons whose ``if`` holds now, with their index."""
        context = self.context_for(model)
        return [
            (index, button)
            for index, button in enumerate(step.buttons)
            if not button.condition or self._conditions[button.condition](**context)
        ]

    def buttons_for(self, step: StepSpec, model: Conversation) -> tuple[Button, ...]:
        """The step's buttons; once a ``parts`` step holds a part, "That's all" instead."""
        if step.parts and model.session.parts:
            shown = [Button(self.done_label, button_data(model.session.step, DONE_KEY))]
        else:
            shown = [Button(b.label, button_data(model.session.step, b.key)) for _, b in self.shown_buttons(step, model)]
        if step.waits and self._auto_pause(step):
            shown.append(Button(self.pause_label, button_data(model.session.step, PAUSE_KEY)))
        return tuple(shown)

    # -- playing ----------------------------------------------------------------------
    def begin(self, context: Mapping[str, object], at: SessionState | None = None) -> StepResult:
        """Arrive at the start, or at ``at`` (a writer's preview: any step, with the vars and
        answers given), and let pass-through steps run on as they do after any turn."""
        session = at or SessionState(dialogue=self.script.id, state=self.script.start)
        model = Conversation(session, context)
        self.arrive(model, self.script.steps[session.state])
        result = self._run(model, None)
        assert result is not None  # only a trigger that does not apply gives None
        return result

    def press(self, session: SessionState, key: str, context: Mapping[str, object]) -> StepResult | None:
        """The button of the current step that carries ``key``; None when no button of the
        step (as the script is now) carries it."""
        index = self.index_of(session, key, context)
        if index is None:
            return None
        return self._run(Conversation(session, context), f"b{index}")

    def index_of(self, session: SessionState, key: str, context: Mapping[str, object]) -> str | None:
        """The event index of the button carrying ``key`` at the current step: a shown button
        first; a key naming a step by a name it has since been ``renamed_from`` still counts."""
        step = self.script.steps.get(session.state)
        if step is None:
            return None
        if key == PAUSE_KEY:
            return PAUSE_INDEX
        if key == DONE_KEY:
            return DONE_INDEX if step.parts and session.parts else None
        shown = {index for index, _ in self.shown_buttons(step, Conversation(session, context))}
        matches = [i for i, b in enumerate(step.buttons) if key in self._keys_of(b)]
        matches.sort(key=lambda i: i not in shown)
        return str(matches[0]) if matches else None

    def _keys_of(self, button: ButtonSpec) -> set[str]:
        """The button's key, and the keys it had before its target step was renamed."""
        keys = {button.key}
        target = self.script.steps.get(button.target.go or "")
        if target is not None and not button.explicit_key:
            digest = effect_digest(button.sets, button.actions)
            keys.update(old + digest for old in target.renamed_from)
        return keys

    def answer(
        self,
        session: SessionState,
        text: str,
        context: Mapping[str, object],
        parsers: Mapping[str, Parser],
        refresh: Callable[[str, object], Mapping[str, object]] | None = None,
    ) -> StepResult | None:
        """Free text for the current step. At a step of buttons, words that mean one of them
        press it, and other words go where ``otherwise`` says; None when the step has neither.

        ``refresh`` applies a profile answer at once and returns the context as it now is,
        so the next step already speaks with it (the crisis lines of a newly set country).
        """
        step = self.script.steps[session.state]
        model = Conversation(session, context)
        if not step.ask:
            index = self.understand(step, model, text)
            if index is not None:
                return self._run(model, f"b{index}")
            return self._run(model, "otherwise") if step.otherwise else None
        if step.ask.startswith(PROFILE_PREFIX):
            name = step.ask[len(PROFILE_PREFIX):]
            value = parsers[name](text)  # ValueError carries a kind message for the person
            model.effects.append(SetProfile(name, value))
            if refresh is not None:
                model.context = refresh(name, value)
            else:
                model.context = dict(context) | {_PROFILE_CONTEXT.get(name, name): value}
        elif step.parts:
            return self._part(model, step, text)
        elif step.keep:
            question = question_of(self.render_say(step, model))  # as shown: before the answer joins the context
            session.answers[step.ask] = text
            model.effects.append(SaveAnswer(step.ask, text, question=question))
        return self._run(model, "answered")

    def _part(self, model: Conversation, step: StepSpec, text: str) -> StepResult | None:
        """One message at a step that takes several: added to the answer, and the step stays.
        Typing the whole "That's all" label, once a part is kept, presses it."""
        session = model.session
        assert step.ask is not None
        if session.parts and self.meanings.understand(text, [Choice(DONE_INDEX, self.done_label, ())]) == DONE_INDEX:
            return self._run(model, f"b{DONE_INDEX}")
        before = session.answers.get(step.ask, "") if session.parts else ""
        whole = f"{before}{PART_JOIN}{text}" if before else text
        question = question_of(self.render_say(step, model))  # kept with the entry the first part makes
        session.answers[step.ask] = whole
        session.parts += 1
        model.effects.append(SaveAnswer(step.ask, whole, part=session.parts, question=question))
        if self.more_note is not None:
            note = tidy(self.more_note.render(self.context_for(model)))
            if note:
                model.outbox.append(note)
        return self._run(model, PART)

    def understands(self, session: SessionState, text: str, context: Mapping[str, object]) -> bool:
        """Whether the current step, a step of buttons, reads ``text`` as one of them."""
        step = self.script.steps.get(session.state)
        if step is None or step.ask or not step.buttons or not text:
            return False
        return self.understand(step, Conversation(session, context), text) is not None

    def is_label(self, session: SessionState, text: str, context: Mapping[str, object]) -> bool:
        """Whether ``text`` is, word for word, the label of a button shown at the current step."""
        step = self.script.steps.get(session.state)
        if step is None or not text:
            return False
        model = Conversation(session, context)
        return any(same_words(text, b.label) for _, b in self.shown_buttons(step, model))

    def understand(self, step: StepSpec, model: Conversation, text: str) -> str | None:
        """The index of the shown button the typed words mean, if exactly one."""
        choices = [Choice(str(i), b.label, self.meanings.phrases(b.means)) for i, b in self.shown_buttons(step, model)]
        return self.meanings.understand(text, choices)

    def view(self, session: SessionState, context: Mapping[str, object]) -> list[Reply]:
        """The current step again, as it was shown (for a stale button or a return)."""
        model = Conversation(session, context)
        step = self.script.steps[session.state]
        return self._replies(self.render_say(step, model), step, model)

    def _fire(self, model: Conversation, trigger: str) -> bool:
        """The event named ``trigger`` on ``model``: whether it moved (False for an event
        the script does not have; ``MachineError`` for one its current step does not take)."""
        event = self.machine.events.get(trigger)
        return bool(event.trigger(model)) if event is not None else False

    def _run(self, model: Conversation, trigger: str | None) -> StepResult | None:
        self.machine.get_state(model.state)  # ValueError for a step the script no longer has, as before
        if trigger is not None:
            try:
                if not self._fire(model, trigger):
                    return None
            except MachineError:
                return None
        for _ in range(MAX_PASS_THROUGH):
            if model.state == FINISHED or not self.script.steps[model.state].passes_through:
                break
            if not self._fire(model, "advance"):
                break
        session = model.session
        session.state = model.state
        finished = model.state == FINISHED or self.script.steps[model.state].end
        if not finished:
            remember_step(session, self.script.steps[model.state])
        if trigger is not None and not model.pause:
            session.step += 1
        replies: list[Reply]
        if finished or model.start or model.visit or model.pause:
            replies = [Reply(text) for text in model.outbox]
        else:
            step = self.script.steps[model.state]
            replies = self._replies(model.outbox, step, model)
        return StepResult(session, replies, model.effects, finished, model.start, model.visit, model.pause)

    def _replies(self, texts: list[str], step: StepSpec, model: Conversation) -> list[Reply]:
        replies = [Reply(text) for text in texts]
        buttons = self.buttons_for(step, model)
        if buttons or step.ask:
            if replies:
                last = replies[-1]
                replies[-1] = Reply(last.text, buttons, expects_text=bool(step.ask))
            else:
                replies.append(Reply("", buttons, expects_text=bool(step.ask)))
        return replies


def button_data(step_count: int, key: str) -> str:
    """A button's callback data: the session's step count (a press from an earlier moment is
    recognised as such) and the button's key."""
    return f"{DIALOGUE_BUTTON}:{step_count}:{key}"


def remember_step(session: SessionState, step: StepSpec) -> None:
    """Add a waiting step to the session's trail (``TRAIL`` long): the safe points to go back
    to when a writer removes the step a person is on."""
    if step.waits and (not session.trail or session.trail[-1] != step.name):
        session.trail = (session.trail + [step.name])[-TRAIL:]


def leads_out(script: Script, target: Target) -> bool:
    """A way to stop: end, pause, another dialogue, or (heavy scripts) a closing present step."""
    if target.end or target.pause or target.start or target.visit:
        return True
    step = script.steps.get(target.go or "")
    return bool(script.heavy and step is not None and step.present)


# Profile fields as templates know them.
_PROFILE_CONTEXT = {"name": "name", "child_name": "child_name", "country": "country", "timezone": "timezone"}
