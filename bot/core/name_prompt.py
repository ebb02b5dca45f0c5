"""A name that does not look like one (``bot/names.py``) waits to be confirmed before it is
kept: the waiting value, and the question about it.

The value waits in the session's context (encrypted, like everything a person wrote), under
``PENDING_NAME``, so a restart, /pause or a support card in between loses nothing: whenever
the step is shown again (``sessions.view``), this question is shown instead of the step's
own. The step does not move on meanwhile. Whatever the step does next (an answer, a button)
saves a new context without it.

The question's buttons carry stable keys of their own (``~name_*``, like the engine's
``~pause``), with the session's step count, so a press from an earlier moment is stale.
An unsure or sceptical answer ("idk", "this is stupid") is never quoted back: the person
hears that a name is optional, and is offered no button to keep it.
"""

from __future__ import annotations

from ..domain import Button, Reply
from ..engine.machine import PAUSE_KEY, CompiledScript, button_data
from ..engine.script import PROFILE_PREFIX
from ..names import Doubt, doubt
from ..storage import DialogueSession
from .context import TurnContext
from .effects import PENDING_NAME

NAME_FIELDS = ("name", "child_name")  # the profile fields whose answers are confirmed
KEEP_KEY = "~name_keep"  # keep the waiting value as the name
ANOTHER_KEY = "~name_other"  # type another one
NONE_KEY = "~name_none"  # no name for now: the step moves on with the name left empty
KEYS = frozenset({KEEP_KEY, ANOTHER_KEY, NONE_KEY})

# Sentences and labels in dialogues/texts.yaml.
ASK = {"name": "name_check", "child_name": "name_check_child"}  # 'Shall I call you "X"?'
OPTIONAL = {"name": "name_optional", "child_name": "name_optional_child"}  # after "idk", "no" ...
WHICH = "name_which"  # after "yes": type the name you'd like
ANOTHER = "name_another"  # after "Type another"
LABELS = {KEEP_KEY: "button_name_keep", ANOTHER_KEY: "button_name_another", NONE_KEY: "button_name_none"}
TYPE_ONE = "button_name_type"  # ANOTHER_KEY's label where nothing was quoted ("Type a name")
TEXTS = frozenset(ASK.values()) | frozenset(OPTIONAL.values()) | {WHICH, ANOTHER, TYPE_ONE} | frozenset(LABELS.values())


def name_field(compiled: CompiledScript, state: str) -> str | None:
    """The name field the step ``state`` asks for (``ask: profile.name``), if it asks one."""
    step = compiled.script.steps.get(state)
    ask = step.ask if step is not None else None
    if not ask or not ask.startswith(PROFILE_PREFIX):
        return None
    field = ask[len(PROFILE_PREFIX):]
    return field if field in NAME_FIELDS else None


def pending(session: DialogueSession) -> str | None:
    """The answer waiting to be confirmed, if any."""
    value = (session.context or {}).get(PENDING_NAME)
    return value if isinstance(value, str) else None


def hold(ctx: TurnContext, session: DialogueSession, value: str) -> None:
    session.context = dict(session.context or {}) | {PENDING_NAME: value}
    session.updated_at = ctx.now


def drop(session: DialogueSession) -> None:
    if pending(session) is not None:
        context = dict(session.context or {})
        context.pop(PENDING_NAME, None)
        session.context = context


def offered(value: str) -> tuple[str, ...]:
    """The question's buttons: an unsure answer is never offered to be kept."""
    if doubt(value) is Doubt.UNSURE:
        return (NONE_KEY, ANOTHER_KEY)
    return (KEEP_KEY, ANOTHER_KEY, NONE_KEY)


def instead(ctx: TurnContext, compiled: CompiledScript, session: DialogueSession, shown: list[Reply]) -> list[Reply]:
    """What the step shows now: ``shown`` (its own words and buttons), or, while a name waits
    to be confirmed, the question about it, with the step's "Pause for now" if it has one."""
    field = name_field(compiled, session.state)
    value = pending(session)
    if field is None or value is None:
        return shown
    keys = offered(value)
    text = ctx.say(ASK[field], value=value) if KEEP_KEY in keys else ctx.say(OPTIONAL[field])
    buttons = [Button(label(ctx, key, keys), button_data(session.step, key)) for key in keys]
    pause = button_data(session.step, PAUSE_KEY)
    buttons += [b for b in (shown[-1].buttons if shown else ()) if b.data == pause]
    return [Reply(text, tuple(buttons), expects_text=True)]


def label(ctx: TurnContext, key: str, keys: tuple[str, ...]) -> str:
    if key == ANOTHER_KEY and KEEP_KEY not in keys:
        return ctx.label(TYPE_ONE)
    return ctx.label(LABELS[key])
