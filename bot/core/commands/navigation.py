"""Finding one's way: /start, /menu (the path through the program), /pause, /resume, /help."""

from __future__ import annotations

from ...domain import COMMAND_BUTTON, MENU_BUTTON, Button, Reply
from ...engine import PHASES, Script
from ...storage import PauseReason
from .. import sessions
from ..context import TurnContext
from ..dialogues import OPEN_WITHOUT_CONSENT
from .registry import Command

PHASE_TITLES = {
    "arrive": "Arrive",
    "safety": "Safety and noticing",
    "contact": "Making contact",
    "reparenting": "Reparenting and grief",
    "integration": "Integration",
    "always": "Always there",
}


def start(ctx: TurnContext, args: str) -> list[Reply]:
    """``/start`` (a deep link may name a dialogue): the way in, through the gate."""
    if args in OPEN_WITHOUT_CONSENT and ctx.person.adult is not False:
        return sessions.start(ctx, args)
    gate = sessions.through_gate(ctx)
    if gate is not None:
        return gate
    if args and args in ctx.library:
        return sessions.start(ctx, args)
    return welcome_back(ctx)


def welcome_back(ctx: TurnContext) -> list[Reply]:
    active = ctx.repo.active_session(ctx.person)
    if active is not None:
        return [Reply(ctx.say("welcome_back"))] + sessions.view(ctx, active)
    return [Reply(ctx.say("welcome_back"), ctx.menu_button())]


def help_(ctx: TurnContext, _args: str) -> list[Reply]:
    return [Reply(ctx.say("help"))]


def pause(ctx: TurnContext, _args: str) -> list[Reply]:
    active = ctx.repo.active_session(ctx.person)
    if active is None:
        return [Reply(ctx.say("nothing_to_pause"), ctx.menu_button())]
    title = sessions.title_of(ctx, active)
    sessions.pause(ctx, active, PauseReason.USER)
    return [sessions.paused_reply(ctx, title)]


def resume(ctx: TurnContext, _args: str) -> list[Reply]:
    active = ctx.repo.active_session(ctx.person)
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
    scripts = [s for s in ctx.library.listed() if s.phase in PHASE_TITLES]
    if phase in PHASE_TITLES:
        listed = [s for s in scripts if s.phase == phase]
        shown = [{"title": s.title, "description": s.description, "minutes": s.minutes, "done": s.id in done} for s in listed]
        buttons = tuple(Button(("✓ " if s.id in done else "") + s.title, f"{MENU_BUTTON}:{s.id}") for s in listed)
        back = Button("All phases", f"{COMMAND_BUTTON}:menu")
        return [Reply(ctx.say("menu_phase", phase=PHASE_TITLES[phase], scripts=shown), buttons + (back,))]
    suggestion = suggest(scripts, done)
    phases = []
    for key in PHASES:
        if key not in PHASE_TITLES:
            continue
        in_phase = [s for s in scripts if s.phase == key]
        if in_phase:
            phases.append({"key": key, "title": PHASE_TITLES[key], "done": sum(s.id in done for s in in_phase), "total": len(in_phase)})
    menu_buttons: list[Button] = []
    if suggestion is not None:
        menu_buttons.append(Button(f"Next: {suggestion.title}"[:60], f"{MENU_BUTTON}:{suggestion.id}"))
    menu_buttons += [Button(p["title"], f"{COMMAND_BUTTON}:menu:{p['key']}") for p in phases]
    text = ctx.say(
        "menu",
        phases=phases,
        suggestion={"title": suggestion.title, "description": suggestion.description, "minutes": suggestion.minutes, "heavy": suggestion.heavy} if suggestion else None,
        done_count=sum(1 for s in scripts if s.id in done),
        total=len(scripts),
    )
    return [Reply(text, tuple(menu_buttons))]


def suggest(scripts: list[Script], done: dict[str, object]) -> Script | None:
    """The next step along the arc: the first unfinished script in program order."""
    for script in scripts:
        if script.phase not in ("always", "arrive") and script.id not in done:
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
