"""What a dialogue step asks of the world beyond its own state: keep an answer in the
journal, set a profile field, run an action. Applied in order, inside the turn."""

from __future__ import annotations

import logging

from ..engine import RunAction, SaveAnswer, SetProfile, StepResult
from ..storage import DialogueSession
from .context import TurnContext

log = logging.getLogger(__name__)


def apply_effects(ctx: TurnContext, session: DialogueSession, result: StepResult) -> None:
    for effect in result.effects:
        match effect:
            case SaveAnswer(key=key, text=text):
                ctx.repo.add_journal(ctx.person, session.dialogue_id, key, text, ctx.now)
            case SetProfile(field=field, value=value):
                set_profile(ctx, field, value)
            case RunAction(name=name):
                run_action(ctx, name)


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
