"""A person's place in their dialogues: begin one, apply what a step produced, pause,
finish, resume, and show the current step again.

At most one session is active per person; others wait paused, each with a ``PauseReason``.
A session's status changes here and nowhere else, and each change is told to the turn
(``TurnContext.activated``/``deactivated``), which reads the active session once.
``apply`` follows where a step leads (pause, visit another dialogue, start the next one,
finish), and ``start`` opens a dialogue through the consent gate, so everything that moves
a person between dialogues lives in this one module.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from ..domain import COMMAND_BUTTON, MENU_BUTTON, Button, Reply
from ..engine import SessionState, StepResult
from ..engine.machine import CompiledScript
from ..storage import RETURN_AFTER, DialogueSession, PauseReason, SessionStatus
from . import consent, name_prompt, versions, zone_prompt
from .context import VISITS, TurnContext
from .dialogues import GROUNDING, OPEN_WITHOUT_CONSENT, SAFETY_PLAN, SUPPORT_DIALOGUES, YOUTH
from .effects import JOURNAL_ENTRY, apply_effects

log = logging.getLogger(__name__)

# After a crisis or concern card, this long the companion offers steadying things first
# (the safety plan, grounding, rest), never a heavy script as the next suggestion.
GENTLE_AFTER = timedelta(hours=24)
HIGH_LEVELS = ("concern", "crisis")
GENTLE_CATEGORIES = frozenset({"abuse_disclosure", "harm_from_others", "self_harm"})


# -- entering ----------------------------------------------------------------------------
def start(ctx: TurnContext, dialogue_id: str) -> list[Reply]:
    """Open a dialogue as the person asked (the menu, a script's ``start:``/``visit:``)."""
    if dialogue_id not in OPEN_WITHOUT_CONSENT:
        gate = through_gate(ctx)
        if gate is not None:
            return gate
    if dialogue_id not in ctx.library:
        return stale(ctx, ctx.active_session())
    active = ctx.active_session()
    if active is not None and active.dialogue_id == dialogue_id:
        return view(ctx, active)
    compiled = ctx.library.get(dialogue_id)
    if compiled is not None and compiled.script.heavy and not safety_phase_done(ctx):
        return [Reply(ctx.say("heavy_note"))] + begin(ctx, dialogue_id)
    return begin(ctx, dialogue_id)


def begin(
    ctx: TurnContext,
    dialogue_id: str,
    *,
    at_step: str | None = None,
    pause_current: bool = True,
    pause_reason: PauseReason = PauseReason.SWITCHED,
) -> list[Reply]:
    """A new session of ``dialogue_id``: at its start, or shown at the waiting step ``at_step``
    (the soft and the rhythm check-ins). Whatever was open is paused, or finished if it was
    a support flow (or ``pause_current`` is false)."""
    compiled = ctx.library.get(dialogue_id)
    if compiled is None:
        log.error("dialogue %s is not loaded", dialogue_id)
        return [Reply(ctx.say("unknown_command"))]
    if at_step is not None and at_step not in compiled.script.steps:
        at_step = None
    active = ctx.active_session()
    if active is not None:
        if pause_current and active.dialogue_id not in SUPPORT_DIALOGUES:
            pause(ctx, active, pause_reason)
        else:
            finish(ctx, active, completed=False)
    result: StepResult | None = None
    if at_step is None:
        result = compiled.begin(ctx.template_context(compiled))
        state = result.session
    else:
        state = SessionState(dialogue=dialogue_id, state=at_step)
        shown = compiled.view(state, ctx.template_context(compiled))
    session = add_session(ctx, compiled, state)
    return apply(ctx, session, result) if result is not None else shown


def add_session(ctx: TurnContext, compiled: CompiledScript, state: SessionState) -> DialogueSession:
    """The person's new active session of ``compiled`` at ``state``, on its current version,
    remembering how often they began it before (read already for its first step)."""
    visits = ctx.repo.visits_before(ctx.person, compiled.script.id, None)
    session = ctx.repo.add_session(
        DialogueSession(
            person_id=ctx.person.id,
            dialogue_id=compiled.script.id,
            state=state.state,
            step=state.step,
            status=SessionStatus.ACTIVE,
            context={"vars": state.vars, "answers": state.answers, "trail": state.trail, VISITS: visits},
            started_at=ctx.now,
            updated_at=ctx.now,
            script_version=compiled.version,
        )
    )
    ctx.activated(session)
    ctx.repo.count("dialogue_started", ctx.now)
    return session


def through_gate(ctx: TurnContext) -> list[Reply] | None:
    """None when the person may go on; else what they see instead (``consent.detour``)."""
    way = consent.detour(ctx)
    if way is None:
        return None
    if way.youth:
        return [Reply(ctx.say("youth_stop"))] + begin(ctx, YOUTH, pause_current=False)
    if way.show is not None:
        return view(ctx, way.show)
    if way.resume is not None:
        active = ctx.active_session()
        if active is not None:
            pause(ctx, active, PauseReason.SWITCHED)
        resume(ctx, way.resume)
        return view(ctx, way.resume)
    return begin(ctx, way.begin or "")


def safety_phase_done(ctx: TurnContext) -> bool:
    """Whether the person has done any of the safety-and-noticing conversations."""
    return ctx.repo.finished_any(ctx.person, {s.id for s in ctx.library.listed() if s.phase == "safety"})


# -- a step's result ---------------------------------------------------------------------
def apply(ctx: TurnContext, session: DialogueSession, result: StepResult) -> list[Reply]:
    """Keep what a step produced, then follow where it leads."""
    save_state(ctx, session, result.session)
    apply_effects(ctx, session, result)
    replies = list(result.replies)
    if result.pause:
        title = title_of(ctx, session)
        pause(ctx, session, PauseReason.USER)
        return replies + [paused_reply(ctx, title)]
    if result.visit:
        pause(ctx, session, PauseReason.DETOUR)
        return replies + start(ctx, result.visit)
    if result.start:
        finish(ctx, session, completed=True)
        return replies + start(ctx, result.start)
    if result.finished:
        finish(ctx, session, completed=True)
        return after_finish(ctx, replies, session.dialogue_id)
    return replies


def after_finish(ctx: TurnContext, replies: list[Reply], finished: str = "") -> list[Reply]:
    """A dialogue ended: offer to return to one that safety paused, or somewhere to go.
    Soon after a crisis or concern, what was paused waits for the person to choose it
    (/resume): a support card's own goodbye stands alone (it has just offered the plan,
    grounding and rest), and any other dialogue ending offers those first. Otherwise the last
    bubble gets the menu button, under what a feature offers at that dialogue's end."""
    if ctx.person.adult is False or ctx.deleted:
        return replies
    waiting = [p for p in ctx.repo.paused_sessions(ctx.person) if p.reason in RETURN_AFTER and p.dialogue_id in ctx.library]
    if recently_at_risk(ctx) and ctx.has_consent():
        if finished in SUPPORT_DIALOGUES:
            return replies
        named = waiting[0] if waiting and waiting[0].dialogue_id != SAFETY_PLAN else None  # the plan is offered anyway
        return replies + [gentle_offer(ctx, title_of(ctx, named) if named else "")]
    if waiting:
        title = title_of(ctx, waiting[0])
        offer = Reply(ctx.say("resume_offer", paused_title=title), (
            Button(ctx.label("button_go_back"), f"{COMMAND_BUTTON}:resume"),
            Button(ctx.label("button_not_now"), f"{COMMAND_BUTTON}:notnow"),
        ))
        return replies + [offer]
    if replies and not replies[-1].buttons and ctx.has_consent():
        end_offer = ctx.features.end_offers.get(finished)
        offered = end_offer(ctx) if end_offer is not None else ()
        replies[-1] = replace(replies[-1], buttons=offered + ctx.menu_button(), expects_text=False)
    return replies


def recently_at_risk(ctx: TurnContext) -> bool:
    """Whether a message of the last day was read as concern or crisis, or told of abuse,
    danger from someone or self-harm (whatever its level)."""
    person = ctx.person
    if (
        person.last_safety_level in HIGH_LEVELS
        and person.last_safety_at is not None
        and ctx.now - person.last_safety_at < GENTLE_AFTER
    ):
        return True
    for entry in person.recent_safety or []:
        recent = ctx.now - datetime.fromisoformat(entry["at"]) < GENTLE_AFTER
        if recent and GENTLE_CATEGORIES & set(entry.get("categories", ())):
            return True
    return False


def gentle_offer(ctx: TurnContext, paused_title: str) -> Reply:
    """The safety plan, grounding or rest; a paused script is named as waiting, not offered."""
    return Reply(ctx.say("gentle_offer", paused_title=paused_title), (
        Button(ctx.label("button_safety_plan"), f"{MENU_BUTTON}:{SAFETY_PLAN}"),
        Button(ctx.label("button_grounding"), f"{MENU_BUTTON}:{GROUNDING}"),
        Button(ctx.label("button_rest"), f"{COMMAND_BUTTON}:notnow"),
    ))


def paused_reply(ctx: TurnContext, title: str) -> Reply:
    return Reply(ctx.say("paused", paused_title=title), (Button(ctx.label("button_resume"), f"{COMMAND_BUTTON}:resume"),))


# -- status --------------------------------------------------------------------------------
def pause(ctx: TurnContext, session: DialogueSession, reason: PauseReason) -> None:
    for older in ctx.repo.paused_sessions(ctx.person):
        if older.dialogue_id == session.dialogue_id:
            older.status = SessionStatus.ABANDONED
            older.context = None
    session.status = SessionStatus.PAUSED
    session.reason = reason
    session.updated_at = ctx.now
    ctx.deactivated(session)


def resume(ctx: TurnContext, session: DialogueSession) -> None:
    session.status = SessionStatus.ACTIVE
    session.updated_at = ctx.now
    ctx.activated(session)


def finish(ctx: TurnContext, session: DialogueSession, *, completed: bool) -> None:
    session.status = SessionStatus.FINISHED if completed else SessionStatus.ABANDONED
    ctx.deactivated(session)
    session.finished_at = ctx.now
    session.updated_at = ctx.now
    session.context = None  # answers live on in the journal; nothing else is needed
    if completed:
        ctx.repo.count("dialogue_finished", ctx.now)


def save_state(ctx: TurnContext, session: DialogueSession, state: SessionState) -> None:
    """The new place and what was written; while a step gathers an answer in several
    messages, also the count of parts and the journal entry they grow (``effects``)."""
    context: dict[str, object] = {"vars": state.vars, "answers": state.answers, "trail": state.trail}
    if VISITS in (session.context or {}):
        context[VISITS] = (session.context or {})[VISITS]
    if state.parts:
        context["parts"] = state.parts
        entry = (session.context or {}).get(JOURNAL_ENTRY)
        if entry is not None:
            context[JOURNAL_ENTRY] = entry
    session.state = state.state
    session.step = state.step
    session.context = context
    session.updated_at = ctx.now
    compiled = ctx.library.get(session.dialogue_id)
    if compiled is not None:
        session.script_version = compiled.version


def state_of(session: DialogueSession) -> SessionState:
    context = session.context or {}
    return SessionState(
        dialogue=session.dialogue_id,
        state=session.state,
        step=session.step,
        vars=dict(context.get("vars", {})),
        answers=dict(context.get("answers", {})),
        parts=int(context.get("parts", 0)),
        trail=[str(name) for name in context.get("trail", [])],
    )


# -- showing -------------------------------------------------------------------------------
def view(ctx: TurnContext, session: DialogueSession, *, last_only: bool = False) -> list[Reply]:
    """The session's current step again, as it was shown (a name waiting to be confirmed:
    the question about it, ``name_prompt``; time zones waiting for a choice: ``zone_prompt``)."""
    compiled = ctx.library.get(session.dialogue_id)
    if compiled is None:
        return lost(ctx, session)
    if versions.settle(session, compiled):
        return [Reply(ctx.say("script_changed"))] + compiled.view(state_of(session), ctx.template_context(compiled))
    replies = name_prompt.instead(ctx, compiled, session, compiled.view(state_of(session), ctx.template_context(compiled)))
    replies = zone_prompt.instead(ctx, compiled, session, replies)
    return replies[-1:] if last_only else replies


def moved_on(ctx: TurnContext, session: DialogueSession) -> list[Reply] | None:
    """Before a press or an answer: when the writer removed the person's step since, the
    note and the step they continue at (``versions.settle``); None when the step is there."""
    compiled = ctx.library.get(session.dialogue_id)
    if compiled is None or not versions.settle(session, compiled):
        return None
    return [Reply(ctx.say("script_changed"))] + compiled.view(state_of(session), ctx.template_context(compiled))


def lost(ctx: TurnContext, session: DialogueSession) -> list[Reply]:
    """The operator removed the dialogue this person was in: end it gently."""
    finish(ctx, session, completed=False)
    return [Reply(ctx.say("stale_button"), ctx.menu_button())]


def stale(ctx: TurnContext, active: DialogueSession | None) -> list[Reply]:
    """A button from an earlier moment: a gentle note and where we are now."""
    if active is None:
        return [Reply(ctx.say("stale_button"), ctx.menu_button())]
    return [Reply(ctx.say("stale_button"))] + view(ctx, active, last_only=True)


def title_of(ctx: TurnContext, session: DialogueSession) -> str:
    compiled = ctx.library.get(session.dialogue_id)
    return compiled.script.title if compiled else session.dialogue_id
