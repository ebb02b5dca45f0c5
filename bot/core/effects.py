"""What a dialogue step asks of the world beyond its own state: keep an answer in the
journal, set a profile field, run an action. Applied in order, inside the turn."""

from __future__ import annotations

import logging

from ..engine import RunAction, SaveAnswer, SetProfile, StepResult
from ..storage import DialogueSession
from .context import TurnContext

log = logging.getLogger(__name__)

JOURNAL_ENTRY = "journal_entry"  # in a session's context: the entry an answer in parts grows
PENDING_NAME = "pending_name"  # in a session's context: a name waiting to be confirmed (``name_prompt``)
PENDING_ZONE = "pending_zone"  # in a session's context: time zones waiting for the person's choice (``zone_prompt``)


def apply_effects(ctx: TurnContext, session: DialogueSession, result: StepResult) -> None:
    for effect in result.effects:
        match effect:
            case SaveAnswer(key=key, text=text, part=part, question=question):
                save_answer(ctx, session, key, text, part, question)
            case SetProfile(field=field, value=value):
                set_profile(ctx, field, value)
            case RunAction(name=name):
                run_action(ctx, name)


def save_answer(ctx: TurnContext, session: DialogueSession, key: str, text: str, part: int, question: str = "") -> None:
    """A whole answer is a new journal entry, with the question it answers. An answer in
    several messages is one entry: its first part makes it (the session remembers which),
    with the question, and each later part rewrites its words with the answer so far, so
    /journal shows it whole and once, under its question once."""
    context = dict(session.context or {})
    entry = context.get(JOURNAL_ENTRY) if part > 1 else None
    if isinstance(entry, int) and ctx.repo.rewrite_journal(ctx.person, entry, text):
        return
    made = ctx.repo.add_journal(ctx.person, session.dialogue_id, key, text, ctx.now, question=question)
    if part > 0:
        session.context = context | {JOURNAL_ENTRY: made}


def set_profile(ctx: TurnContext, field: str, value: object) -> None:
    """A profile answer: kept by the feature that registered a setter, else on the person."""
    setter = ctx.features.setters.get(field)
    if setter is not None:
        setter(ctx, value)
    else:
        setattr(ctx.person, field, value)


def run_action(ctx: TurnContext, name: str) -> None:
    action = ctx.features.actions.get(name)
    if action is None:
        log.error("unknown action %s", name)
        return
    action(ctx)
