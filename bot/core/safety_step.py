"""Safety first: every text a person sends is assessed before the dialogue sees it, and the
matching support flow steps in when the assessment calls for it.

Two steps, used apart:

- ``assess(event, history, now)``: the detector on the words of an event (a message, a
  caption, an edit) and the person's recent levels. Pure (it only counts the level for
  ``/metrics``): no database, no context, so
  ``Companion.handle`` runs it before the turn's transaction opens (with the person's
  ``recent_safety`` when the database can tell them), and a failed turn still knows the level.
- ``respond(ctx, screened, text)``: inside the turn, remember the assessment (levels and
  categories, never text) and step in or not. Stepping in pauses what was going on (the
  flagged words are never kept as its answer) and begins the card for the situation
  (``cards.card_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import safety

from ..domain import Event, EventKind, Reply
from ..ops import metrics
from ..storage import DialogueSession, PauseReason
from . import sessions
from .context import TurnContext
from .cards import Card, card_for
from .dialogues import CONCERN, CRISIS, FLOW_LEVEL, SUPPORT_DIALOGUES

SUICIDE_CARDS = (CRISIS, CONCERN)  # the cards that ask about thoughts of ending one's life

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
    source = words_in(event)
    if source is None:
        return None
    assessment = safety.assess(
        event.text, recent=recent_assessments(history, now), previous=previous, answering=answering
    )
    metrics.safety_assessed(assessment.level)  # the level only, for /metrics
    return Screened(assessment, source)


def words_in(event: Event) -> str | None:
    """Where the event carries words to assess ("message", "caption" or "edited"); None
    for a button, a command, a sticker (then there is nothing to read, nor history to fetch)."""
    if event.kind is EventKind.TEXT:
        return "message"
    if event.kind is EventKind.UNSUPPORTED and event.text:
        return "edited" if event.what == "edited" else "caption"
    return None


def respond(ctx: TurnContext, screened: Screened, text: str) -> list[Reply] | None:
    """Remember the assessment; the support card's replies when it steps in, else None.
    ``text``: the words as typed ("" for a caption), which a support card's current step
    may read as its answer ("I'm not safe" at "Are you safe right now?")."""
    assessment = screened.assessment
    remember(ctx, assessment, screened.source)
    card = card_for(assessment)
    if card is None:
        return None
    active = ctx.active_session()
    answer, label = step_reading(ctx, active, text)
    if learned_only(assessment) and answer and (assessment.level < safety.Level.CRISIS or label):
        # "go on" at "Stop here or go on?" is that answer, whatever the model heard in it; a
        # button's own words typed ("Ready enough") are the answer even at a model-only crisis
        return None
    suicidal_words = None if learned_only(assessment) else card  # a rule's words, not the model's guess
    if should_step_in(assessment.level, active, reads_as_answer=answer, card=suicidal_words):
        return step_in(ctx, card, active)
    return None


def learned_only(assessment: safety.Assessment) -> bool:
    """Whether only the learned layer raised the level (no rule of the lexicon fired)."""
    return bool(assessment.matches) and all(m.rule_id.startswith("model.") for m in assessment.matches)


def step_reading(ctx: TurnContext, active: DialogueSession | None, text: str) -> tuple[bool, bool]:
    """How the step waiting now reads ``text``: as one of its buttons? word for word a label?"""
    compiled = ctx.library.get(active.dialogue_id) if active is not None else None
    if active is None or compiled is None or not text:
        return False, False
    state, context = sessions.state_of(active), ctx.template_context(compiled)
    return compiled.understands(state, text, context), compiled.is_label(state, text, context)


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


def should_step_in(level: safety.Level, active: DialogueSession | None, *, reads_as_answer: bool, card: Card | None = None) -> bool:
    """Always, unless a support card of this level or higher is under way. A crisis begins
    again even then, unless the card's current step reads the words as its answer: "no,
    I'm not safe" at "Are you safe right now?" is the answer to that question, and the step
    for it brings the emergency number, where starting over would only repeat the card.

    Suicidal words always win (``cards``): inside the danger or self-harm card (crisis
    level, but about someone else's violence or about self-injury), "better off without me"
    is only concern by level, yet it calls for the direct question those cards never ask.
    ``card`` is given only when a rule found the words (the learned layer alone does not
    break into a card under way: "its stupid, i shouldnt have" after self-harm is shame)."""
    if active is None or active.dialogue_id not in FLOW_LEVEL:
        return True
    current = FLOW_LEVEL[active.dialogue_id]
    if level > current:
        return True
    if card is not None and card.dialogue in SUICIDE_CARDS and active.dialogue_id not in SUICIDE_CARDS:
        return not reads_as_answer
    if level < safety.Level.CRISIS:
        return False
    return not reads_as_answer


def step_in(ctx: TurnContext, card: Card, active: DialogueSession | None) -> list[Reply]:
    """Pause what was going on and begin the card. The flagged words are never kept as the
    paused step's answer (nor read back later): when the person returns, that step asks
    its question again."""
    if active is not None:
        if active.dialogue_id in SUPPORT_DIALOGUES:
            sessions.finish(ctx, active, completed=False)
        else:
            sessions.pause(ctx, active, PauseReason.SAFETY)
    return sessions.begin(ctx, card.dialogue, at_step=card.at_step, pause_current=False)
