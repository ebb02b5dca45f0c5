"""A time zone answer that can mean several zones waits for the person's choice: the
choices kept, and the question with a button for each (``zone_check`` reads the answers).

Like a name waiting to be confirmed (``name_prompt``), the choices wait in the session's
context (encrypted, like everything a person wrote), under ``PENDING_ZONE``, so a restart,
/pause or a support card in between loses nothing: whenever the step is shown again
(``sessions.view``), this question is shown instead of the step's own, with the step's own
buttons ("Skip", "Pause for now") under the choices. The step does not move on meanwhile;
whatever it does next saves a new context without them.

The buttons carry stable keys of their own (``~zone_0`` ... , like the engine's ``~pause``),
with the session's step count, so a press from an earlier moment is stale. Every word of a
question and a label comes from texts.yaml; the places and offsets in the labels come from
the data (``bot.places``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import Ambiguous, Button, Reply
from ..engine.machine import CompiledScript, button_data
from ..engine.script import PROFILE_PREFIX
from ..places.zones import MAX_CHOICES, describe
from ..storage import DialogueSession
from .context import TurnContext
from .effects import PENDING_ZONE

FIELD = "timezone"  # the profile field whose answers may need a choice
KEYS = tuple(f"~zone_{index}" for index in range(MAX_CHOICES))
QUESTIONS = frozenset({"zone_which", "zone_which_city", "zone_which_country"})  # 'Which of these do you mean by "EST"?'
PLACE = "button_zone"  # "India (UTC+5:30)"
SUMMER = "button_zone_summer"  # "New York City (UTC-5, with summer time)"
FIXED = "button_zone_fixed"  # "UTC-5 all year"
TEXTS = QUESTIONS | {PLACE, SUMMER, FIXED}


@dataclass(frozen=True)
class Pending:
    question: str  # a key of QUESTIONS
    values: dict[str, str]  # the question's extra names
    choices: tuple[tuple[str, str], ...]  # (zone, place), in the order offered


def asks_zone(compiled: CompiledScript, state: str) -> bool:
    """Whether the step ``state`` asks for a time zone (``ask: profile.timezone``)."""
    step = compiled.script.steps.get(state)
    return step is not None and step.ask == PROFILE_PREFIX + FIELD


def pending(session: DialogueSession) -> Pending | None:
    """The choices waiting, if any (anything malformed counts as none)."""
    kept = (session.context or {}).get(PENDING_ZONE)
    if not isinstance(kept, dict):
        return None
    question, values, choices = kept.get("question"), kept.get("values"), kept.get("choices")
    if question not in QUESTIONS or not isinstance(values, dict) or not isinstance(choices, list):
        return None
    pairs = tuple((str(pair[0]), str(pair[1])) for pair in choices if isinstance(pair, list) and len(pair) == 2)
    if not pairs or len(pairs) != len(choices) or len(pairs) > len(KEYS):
        return None
    return Pending(str(question), {str(k): str(v) for k, v in values.items()}, pairs)


def hold(ctx: TurnContext, session: DialogueSession, asked: Ambiguous) -> None:
    kept = {
        "question": asked.key,
        "values": {name: str(value) for name, value in asked.values.items()},
        "choices": [[zone, place] for zone, place in asked.choices[: len(KEYS)]],
    }
    session.context = dict(session.context or {}) | {PENDING_ZONE: kept}
    session.updated_at = ctx.now


def drop(session: DialogueSession) -> None:
    if PENDING_ZONE in (session.context or {}):
        context = dict(session.context or {})
        context.pop(PENDING_ZONE, None)
        session.context = context


def chosen(session: DialogueSession, key: str) -> str | None:
    """The zone a button key stands for, while choices wait."""
    waiting = pending(session)
    if waiting is None or key not in KEYS:
        return None
    index = KEYS.index(key)
    return waiting.choices[index][0] if index < len(waiting.choices) else None


def instead(ctx: TurnContext, compiled: CompiledScript, session: DialogueSession, shown: list[Reply]) -> list[Reply]:
    """What the step shows now: ``shown``, or, while choices wait, the question with a button
    for each and the step's own buttons under them."""
    waiting = pending(session) if asks_zone(compiled, session.state) else None
    if waiting is None:
        return shown
    buttons = [Button(label(ctx, zone, place), button_data(session.step, KEYS[index])) for index, (zone, place) in enumerate(waiting.choices)]
    buttons += list(shown[-1].buttons if shown else ())
    return [Reply(ctx.say(waiting.question, **waiting.values), tuple(buttons), expects_text=True)]


def label(ctx: TurnContext, zone: str, place: str) -> str:
    """A choice's button: the place and its offset, and whether the clocks change."""
    offset, summer = describe(zone)
    if not place:
        return ctx.label(FIXED, offset=offset)
    return ctx.label(SUMMER if summer else PLACE, place=place, offset=offset)
