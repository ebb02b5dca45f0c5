"""Finding one's way: /start, /menu (the path through the program), /pause, /resume, /help."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ...domain import COMMAND_BUTTON, MENU_BUTTON, Button, Reply
from ...engine import PHASES, Script
from ...storage import PauseReason
from .. import consent, sessions
from ..context import TurnContext
from ..dialogues import ONBOARDING, OPEN_WITHOUT_CONSENT
from .registry import Command

MENU_PHASES = tuple(p for p in PHASES if p != "support")  # support flows are never listed
PHASE_TEXTS = frozenset(f"phase_{p}" for p in MENU_PHASES)  # their names, in texts.yaml
NEXT_LABEL_LIMIT = 60


def start(ctx: TurnContext, args: str) -> list[Reply]:
    """``/start`` (a deep link may name a dialogue): the way in, through the gate."""
    if ctx.person.adult is False:
        return youth_start(ctx, args)
    if args in OPEN_WITHOUT_CONSENT:
        return sessions.start(ctx, args)
    gate = sessions.through_gate(ctx)
    if gate is not None:
        return gate
    if args and args in ctx.library:
        return sessions.start(ctx, args)
    return welcome_back(ctx)


def youth_start(ctx: TurnContext, args: str) -> list[Reply]:
    """``/start`` from someone who said they are under 18: youth support, and under it one
    way to say the tap was wrong, which asks the age once more (``consent.corrects_age``)."""
    if consent.corrects_age(ctx, args):
        return sessions.begin(ctx, ONBOARDING, at_step=consent.AGE_AGAIN, pause_current=False)
    replies = sessions.through_gate(ctx) or []
    wrong = Button(ctx.label("button_wrong_age"), f"{COMMAND_BUTTON}:start:{consent.AGE_AGAIN}")
    offer = ctx.say("youth_wrong_age")
    if not replies:
        return [Reply(offer, (wrong,))]
    last = replies[-1]  # the youth card's goodbye: the offer joins it (no fifth bubble)
    return replies[:-1] + [replace(last, text=f"{last.text.rstrip()}\n\n{offer}", buttons=last.buttons + (wrong,))]


def welcome_back(ctx: TurnContext) -> list[Reply]:
    active = ctx.active_session()
    if active is not None:
        return [Reply(ctx.say("welcome_back"))] + sessions.view(ctx, active)
    return [Reply(ctx.say("welcome_back"), ctx.menu_button())]


def help_(ctx: TurnContext, _args: str) -> list[Reply]:
    return [Reply(ctx.say("help"))]


def pause(ctx: TurnContext, _args: str) -> list[Reply]:
    active = ctx.active_session()
    if active is None:
        return [Reply(ctx.say("nothing_to_pause"), ctx.menu_button())]
    title = sessions.title_of(ctx, active)
    sessions.pause(ctx, active, PauseReason.USER)
    return [sessions.paused_reply(ctx, title)]


def resume(ctx: TurnContext, _args: str) -> list[Reply]:
    active = ctx.active_session()
    if active is not None:
        return sessions.view(ctx, active)
    for paused in ctx.repo.paused_sessions(ctx.person):
        compiled = ctx.library.get(paused.dialogue_id)
        if compiled is not None:
            sessions.resume(ctx, paused)
            key = "resumed_heavy" if compiled.script.heavy else "resumed"
            return [Reply(ctx.say(key, paused_title=sessions.title_of(ctx, paused)))] + sessions.view(ctx, paused)
    return [Reply(ctx.say("nothing_to_resume"), ctx.menu_button())]


def not_now(ctx: TurnContext, _args: str) -> list[Reply]:
    return [Reply(ctx.say("not_now"))]


# -- the menu ----------------------------------------------------------------------------
def menu(ctx: TurnContext, phase: str = "") -> list[Reply]:
    """``/menu``: the phases of the path and a suggested next step; ``/menu <phase>``: its dialogues."""
    done = ctx.repo.finished_dialogues(ctx.person)
    scripts = [s for s in ctx.library.listed() if s.phase in MENU_PHASES]
    if phase in MENU_PHASES:
        listed = [s for s in scripts if s.phase == phase]
        shown = [{"title": s.title, "description": s.description, "minutes": s.minutes, "done": s.id in done} for s in listed]
        buttons = tuple(Button(ctx.label("button_dialogue", title=s.title, done=s.id in done), f"{MENU_BUTTON}:{s.id}") for s in listed)
        back = Button(ctx.label("button_all_phases"), f"{COMMAND_BUTTON}:menu")
        return [Reply(ctx.say("menu_phase", phase=phase_title(ctx, phase), scripts=shown), buttons + (back,))]
    suggestion = suggest(scripts, done, gentle=sessions.recently_at_risk(ctx))
    phases: list[dict[str, Any]] = []
    for key in MENU_PHASES:
        in_phase = [s for s in scripts if s.phase == key]
        if in_phase:
            phases.append({"key": key, "title": phase_title(ctx, key), "done": sum(s.id in done for s in in_phase), "total": len(in_phase)})
    menu_buttons: list[Button] = []
    if suggestion is not None:
        menu_buttons.append(Button(ctx.label("button_next", title=suggestion.title)[:NEXT_LABEL_LIMIT], f"{MENU_BUTTON}:{suggestion.id}"))
    menu_buttons += [Button(p["title"], f"{COMMAND_BUTTON}:menu:{p['key']}") for p in phases]
    text = ctx.say(
        "menu",
        phases=phases,
        suggestion={"title": suggestion.title, "description": suggestion.description, "minutes": suggestion.minutes, "heavy": suggestion.heavy} if suggestion else None,
        done_count=sum(1 for s in scripts if s.id in done),
        total=len(scripts),
    )
    return [Reply(text, tuple(menu_buttons))]


def phase_title(ctx: TurnContext, phase: str) -> str:
    return ctx.label(f"phase_{phase}")


def suggest(scripts: list[Script], done: Mapping[str, object], *, gentle: bool = False) -> Script | None:
    """The next step along the arc: the first unfinished script in program order; when
    ``gentle`` (soon after a crisis or concern), never a heavy one."""
    for script in scripts:
        if script.phase not in ("always", "arrive") and script.id not in done and not (gentle and script.heavy):
            return script
    return None


COMMANDS: tuple[Command[TurnContext], ...] = (
    Command("start", start, description="command_start", menu_rank=10),
    Command("menu", menu, description="command_menu", needs_consent=True, menu_rank=20),
    Command("pause", pause, description="command_pause", menu_rank=30),
    Command("resume", resume, description="command_resume", menu_rank=40),
    Command("help", help_, description="command_help", menu_rank=1000),
    Command("notnow", not_now),
)
