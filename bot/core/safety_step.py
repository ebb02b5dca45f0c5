"""Safety first: every text a person sends is assessed before the dialogue sees it, and the
matching support flow steps in when the assessment calls for it.

Two steps, used apart:

- ``assess(event, history, now)``: the detector on the words of an event (a message, a
  caption, an edit) and the person's recent levels. Pure: no database, no context, so
  ``Companion.handle`` runs it before the turn's transaction opens (with the person's
  ``recent_safety`` when the database can tell them), and a failed turn still knows the level.
- ``respond(ctx, screened, answer)``: inside the turn, remember the assessment (levels and
  categories, never text) and step in or not. Stepping in pauses what was going on, keeping
  any answer the person wrote in it, and begins the support script for the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import safety

from ..domain import Event, EventKind, Reply
from ..storage import DialogueSession, PauseReason
from . import sessions
from .context import TurnContext
from .dialogues import FLOW_LEVEL, SAFETY_FLOWS, SOS
from .effects import apply_effects

RECENT_WINDOW = timedelta(minutes=30)
RECENT_KEEP = 6


@dataclass(frozen=True)
class Screened:
    """What the detector made of one event's words."""

    assessment: safety.Assessment
    source: str  # "message", "caption" or "edited": where the words were (kept with the event)


def assess(
    event: Event,
    history: list[dict[str, Any]] | None,
    now: datetime,
    *,
    previous: tuple[str, ...] = (),
    answering: bool = False,
) -> Screened | None:
    """The detector's view of the event's words, escalated by the person's recent levels;
    None when the event carries no words (a button, a command, a sticker).

    ``previous``: the person's messages of the last few minutes (memory only), so a thought
    split over two messages is read whole. ``answering``: the person is inside an exercise,
    where describing a feeling is the task, so the learned layer raises only to concern or
    crisis there (the rules' distress still counts)."""
    if event.kind is EventKind.TEXT:
        source = "message"
    elif event.kind is EventKind.UNSUPPORTED and event.text:
        source = "edited" if event.what == "edited" else "caption"
    else:
        return None
    assessment = safety.assess(
        event.text, recent=recent_assessments(history, now), previous=previous, answering=answering
    )
    return Screened(assessment, source)


def respond(ctx: TurnContext, screened: Screened, answer: str) -> list[Reply] | None:
    """Remember the assessment; the support flow's replies when it steps in, else None.
    ``answer`` is what to keep as the person's answer in the dialogue it pauses."""
    assessment = screened.assessment
    remember(ctx, assessment, screened.source)
    active = ctx.repo.active_session(ctx.person)
    if assessment.level > safety.Level.NONE and should_step_in(assessment.level, active):
        return step_in(ctx, assessment.level, active, answer)
    return None


def recent_assessments(history: list[dict[str, Any]] | None, now: datetime) -> list[safety.Assessment]:
    cutoff = now - RECENT_WINDOW
    recent = []
    for item in history or []:
        if datetime.fromisoformat(item["at"]) >= cutoff:
            recent.append(safety.Assessment(safety.Level(item["level"]), tuple(item["categories"]), ()))
    return recent


def remember(ctx: TurnContext, assessment: safety.Assessment, source: str) -> None:
    """Levels and categories only, never text: the person's recent history and the event log."""
    person = ctx.person
    entry = {"level": int(assessment.level), "categories": list(assessment.categories), "at": ctx.now.isoformat()}
    person.recent_safety = (list(person.recent_safety or []) + [entry])[-RECENT_KEEP:]
    if assessment.level > safety.Level.NONE:
        label = assessment.level.label
        ctx.repo.record_safety(label, assessment.categories, source, ctx.now)
        ctx.repo.count(f"safety_{label}", ctx.now)
        person.last_safety_level = label
        person.last_safety_at = ctx.now


def should_step_in(level: safety.Level, active: DialogueSession | None) -> bool:
    """Always, unless a support flow of this level or higher is already under way (a crisis
    always begins again)."""
    if active is None or active.dialogue_id not in FLOW_LEVEL:
        return True
    current = FLOW_LEVEL[active.dialogue_id]
    return level > current or level == safety.Level.CRISIS


def step_in(ctx: TurnContext, level: safety.Level, active: DialogueSession | None, answer: str) -> list[Reply]:
    """Pause what was going on (keeping any answer) and begin the support script."""
    if active is not None:
        if active.dialogue_id in FLOW_LEVEL or active.dialogue_id == SOS:
            sessions.finish(ctx, active, completed=False)
        else:
            keep_answer(ctx, active, answer)
            sessions.pause(ctx, active, PauseReason.SAFETY)
    return sessions.begin(ctx, SAFETY_FLOWS[level], pause_current=False)


def keep_answer(ctx: TurnContext, active: DialogueSession, text: str) -> None:
    """A free-text answer that raised a safety flag is still the person's answer: keep it."""
    compiled = ctx.library.get(active.dialogue_id)
    if compiled is None or not text:
        return
    try:
        result = compiled.answer(sessions.state_of(active), text, ctx.template_context(compiled), ctx.features.parsers)
    except ValueError:
        return
    if result is None or result.finished or result.start:
        return
    sessions.save_state(ctx, active, result.session)
    apply_effects(ctx, active, result)
