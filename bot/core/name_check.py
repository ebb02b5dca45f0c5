"""At a name question (``ask: profile.name``, ``profile.child_name``), an answer that does
not look like a name is confirmed before it is kept (``name_prompt`` shows the question).

Typed words reach here after the safety step and before the step reads them:

- no name waiting: a name is left to the step as usual; "yes" asks for the name itself; any
  other answer waits (``name_prompt.hold``) and the question about it is asked;
- a name waiting: words that press one of the question's buttons do so (its label, or "yes"
  for "Yes, keep it"); another unsure answer ("no", "idk") at the question that offered no
  name means no name; anything else is a new answer, read again from the top;
- a plain "no" ("no thanks", "nope") is a clear answer: no name, and the step moves on.

The buttons: keep it (the step moves on as after any answer), type another (the step asks
again), no name for now (the step moves on with the name left empty).
"""

from __future__ import annotations

from ..domain import Reply
from ..engine.answer_kinds import NEGATIVE, classify
from ..engine.machine import CompiledScript
from ..engine.meanings import Choice
from ..names import Doubt, doubt
from ..storage import DialogueSession
from . import name_prompt, sessions
from .context import TurnContext
from .effects import set_profile
from .name_prompt import ANOTHER_KEY, KEEP_KEY, NONE_KEY

YES = "yes"  # the meaning (dialogues/meanings.yaml) that presses "Yes, keep it"


def read(ctx: TurnContext, active: DialogueSession, compiled: CompiledScript, text: str) -> list[Reply] | None:
    """The replies when the typed words are about a name to confirm; None lets the step
    read them as usual (a name, or words its parser explains it cannot read)."""
    field = name_prompt.name_field(compiled, active.state)
    if field is None:
        return None
    waiting = name_prompt.pending(active)
    if waiting is not None:
        key = typed_button(ctx, waiting, text)
        if key is not None:
            return press(ctx, active, compiled, key)
        name_prompt.drop(active)  # new words: a new answer
    try:
        value = ctx.features.parsers[field](text)
    except ValueError:
        return None
    if not isinstance(value, str):
        return None
    kind = doubt(value)
    if kind is None:
        return None
    if kind is Doubt.YES:
        return asking(ctx, active, name_prompt.WHICH)
    if kind is Doubt.UNSURE and waiting is not None and doubt(waiting) is Doubt.UNSURE:
        return moving_on(ctx, active, compiled, field, None)  # "no" to "no need to choose one"
    if classify(value) == NEGATIVE:
        return moving_on(ctx, active, compiled, field, None)  # "no" to "would you like a name?" is clear
    name_prompt.hold(ctx, active, value)
    return sessions.view(ctx, active, last_only=True)


def press(ctx: TurnContext, active: DialogueSession, compiled: CompiledScript, key: str) -> list[Reply]:
    """One of the question's buttons; stale when no name waits (or the step asks no name)."""
    field = name_prompt.name_field(compiled, active.state)
    waiting = name_prompt.pending(active)
    if field is None or waiting is None or key not in name_prompt.offered(waiting):
        return sessions.stale(ctx, active)
    if key == ANOTHER_KEY:
        name_prompt.drop(active)
        return asking(ctx, active, name_prompt.ANOTHER)
    return moving_on(ctx, active, compiled, field, waiting if key == KEEP_KEY else None)


def moving_on(ctx: TurnContext, active: DialogueSession, compiled: CompiledScript, field: str, value: str | None) -> list[Reply]:
    """The step takes ``value`` as its answer (None: no name) and moves on as usual."""

    def refresh(name: str, kept: object) -> dict[str, object]:
        set_profile(ctx, name, kept)
        return ctx.template_context(compiled)

    parsers = dict(ctx.features.parsers) | {field: lambda _text: value}
    result = compiled.answer(sessions.state_of(active), value or "", ctx.template_context(compiled), parsers, refresh)
    if result is None:
        return sessions.stale(ctx, active)
    return sessions.apply(ctx, active, result)


def asking(ctx: TurnContext, active: DialogueSession, note: str) -> list[Reply]:
    """A short note in place of the step's question, with the step's own buttons."""
    shown = sessions.view(ctx, active, last_only=True)
    buttons = shown[-1].buttons if shown else ()
    return [Reply(ctx.say(note), buttons, expects_text=True)]


def typed_button(ctx: TurnContext, waiting: str, text: str) -> str | None:
    """The key of the question's button the typed words press, if any."""
    keys = name_prompt.offered(waiting)
    meanings = ctx.library.meanings
    choices = [
        Choice(key, name_prompt.label(ctx, key, keys), meanings.phrases([YES]) if key == KEEP_KEY and YES in meanings else ())
        for key in keys
    ]
    found = meanings.understand(text, choices)
    return found if found in (KEEP_KEY, ANOTHER_KEY, NONE_KEY) else None
