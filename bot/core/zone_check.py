"""At a time zone question (``ask: profile.timezone``), an answer that can mean several zones
("EST", "IST", "Hyderabad", "USA") is asked about before anything is kept
(``zone_prompt`` shows the question; ``bot.places.zones`` says when an answer is ambiguous).

Typed words reach here after the safety step and the name check, before the step reads them:

- choices waiting: words that are one of the buttons' labels press it; anything else is a new
  answer, read again from the top (and may ask again);
- an answer that means several zones: the choices wait, and the question is asked;
- anything else is left to the step as usual (a zone, or words its parser explains it cannot
  read).

A button keeps its zone, and the step moves on as after any answer.
"""

from __future__ import annotations

from ..domain import Ambiguous, Reply
from ..engine.meanings import Choice
from ..storage import DialogueSession
from ..engine.machine import CompiledScript
from . import name_check, sessions, zone_prompt
from .context import TurnContext


def read(ctx: TurnContext, active: DialogueSession, compiled: CompiledScript, text: str) -> list[Reply] | None:
    """The replies when the typed words call for a choice of zone (or make one); None lets the
    step read them as usual."""
    if not zone_prompt.asks_zone(compiled, active.state):
        return None
    waiting = zone_prompt.pending(active)
    if waiting is not None:
        key = typed_button(ctx, waiting, text)
        if key is not None:
            return press(ctx, active, compiled, key)
        zone_prompt.drop(active)  # new words: a new answer
    parser = ctx.features.parsers.get(zone_prompt.FIELD)
    if parser is None:
        return None
    try:
        parser(text)
    except Ambiguous as asked:
        zone_prompt.hold(ctx, active, asked)
        return sessions.view(ctx, active, last_only=True)
    except ValueError:
        return None
    return None


def press(ctx: TurnContext, active: DialogueSession, compiled: CompiledScript, key: str) -> list[Reply]:
    """One of the choices' buttons; stale when no choice waits (or the step asks no zone)."""
    zone = zone_prompt.chosen(active, key) if zone_prompt.asks_zone(compiled, active.state) else None
    if zone is None:
        return sessions.stale(ctx, active)
    return name_check.moving_on(ctx, active, compiled, zone_prompt.FIELD, zone)


def typed_button(ctx: TurnContext, waiting: zone_prompt.Pending, text: str) -> str | None:
    """The key of the choice whose label the typed words are, if any."""
    choices = [Choice(zone_prompt.KEYS[index], zone_prompt.label(ctx, zone, place), ()) for index, (zone, place) in enumerate(waiting.choices)]
    found = ctx.library.meanings.understand(text, choices)
    return found if found in zone_prompt.KEYS else None
