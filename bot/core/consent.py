"""The consent and age gate: who may go on to the program yet, and where they go instead.

The rule is written once, here, as a decision (``detour``); ``sessions.through_gate`` carries
it out. The dispatcher applies it before every command registered with ``needs_consent``,
and ``sessions.start`` before any dialogue that is not open to everyone (support, grounding
and the consent dialogues themselves are). The actions the onboarding script runs to give
consent or state an age live here too.

Saying "under 18" closes the program, so onboarding asks once more before it does. A tap can
still land wrong: someone who said they are under 18 finds, under the youth card that
``/start`` shows, one way back: onboarding's ``age_again`` step, which asks plainly whether
they are 18 or older (the same question for everyone) and goes on to consent, or back to
youth support. It is offered on ``/start`` only, not under every later message.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..storage import DialogueSession
from .context import Action, TurnContext
from .dialogues import CONSENT_DIALOGUES, ONBOARDING, RECONSENT

AGE_AGAIN = "age_again"  # onboarding's step that asks the age once more (``/start age_again``)


@dataclass(frozen=True)
class Detour:
    """Where someone goes instead of on: exactly one of the fields is set."""

    youth: bool = False  # under 18: the youth response, whatever they asked for
    show: DialogueSession | None = None  # they are in onboarding now: show where
    resume: DialogueSession | None = None  # they paused onboarding: go back to it
    begin: str | None = None  # onboarding (or, after a new version, reconsent) from the start


def detour(ctx: TurnContext) -> Detour | None:
    """None when the person may go on; otherwise where they go instead."""
    if ctx.person.adult is False:
        return Detour(youth=True)
    if ctx.has_consent():
        return None
    active = ctx.active_session()
    if active is not None and active.dialogue_id in CONSENT_DIALOGUES:
        return Detour(show=active)
    for paused in ctx.repo.paused_sessions(ctx.person):
        if paused.dialogue_id in CONSENT_DIALOGUES and paused.dialogue_id in ctx.library:
            return Detour(resume=paused)
    return Detour(begin=RECONSENT if ctx.person.consent_version else ONBOARDING)  # agreed to an older version: reconsent


def corrects_age(ctx: TurnContext, args: str) -> bool:
    """Whether ``/start`` with ``args`` is someone who said they are under 18 asking to
    answer the age question again (the youth card's "I tapped the wrong answer")."""
    return ctx.person.adult is False and args == AGE_AGAIN


# -- what the onboarding script does -----------------------------------------------------
def give_consent(ctx: TurnContext) -> None:
    ctx.person.consent_version = ctx.settings.consent_version
    ctx.person.consented_at = ctx.now


def confirm_adult(ctx: TurnContext) -> None:
    ctx.person.adult = True


def under_18(ctx: TurnContext) -> None:
    ctx.person.adult = False


ACTIONS: dict[str, Action] = {"give_consent": give_consent, "confirm_adult": confirm_adult, "under_18": under_18}
