"""What the companion says to words typed outside any conversation.

It cannot chat freely, but it can show that it read the message: a doubt is met as a doubt
(with the script that explains the work), something heavy gently (grounding and /sos), a
quiet "idk" without pressure, and words that touch a script's theme with that script
(``suggest_when:`` in the script: "so tired" suggests rest_without_guilt). It never quotes
the words back: a program that repeats "and i want my mum" is not listening either.

The safety check has read the message first; anything that needs a support card never
reaches here.
"""

from __future__ import annotations

from ..domain import COMMAND_BUTTON, MENU_BUTTON, Button, Reply
from ..engine.answer_kinds import HEAVY, NEGATIVE, SCEPTICAL, SHORT, UNSURE, classify
from ..engine.script import Script
from . import sessions
from .context import TurnContext

WHY = "why_inner_child"  # the script that answers "this is stupid"
GROUNDING = "grounding"
QUIET_KINDS = (UNSURE, SHORT, NEGATIVE)
TEXTS = frozenset({"idle", "idle_sceptical", "idle_heavy", "idle_quiet", "idle_suggest", "button_try", "button_why", "button_talk"})


def idle(ctx: TurnContext, text: str) -> list[Reply]:
    kind = classify(text)
    library = ctx.library
    if kind == SCEPTICAL and WHY in library:
        return [Reply(ctx.say("idle_sceptical"), (Button(ctx.label("button_why"), f"{MENU_BUTTON}:{WHY}"),) + ctx.menu_button())]
    if kind == HEAVY:
        buttons = ((Button(ctx.label("button_grounding"), f"{MENU_BUTTON}:{GROUNDING}"),) if GROUNDING in library else ())
        return [Reply(ctx.say("idle_heavy"), buttons + (Button(ctx.label("button_talk"), f"{COMMAND_BUTTON}:sos"),))]
    script = suggestion(ctx, text)
    if script is not None:
        words = ctx.say("idle_suggest", title=script.title, description=script.description, minutes=script.minutes)
        return [Reply(words, (Button(ctx.label("button_try", title=script.title), f"{MENU_BUTTON}:{script.id}"),) + ctx.menu_button())]
    if kind in QUIET_KINDS:
        return [Reply(ctx.say("idle_quiet"), ctx.menu_button())]
    return [Reply(ctx.say("idle"), ctx.menu_button())]


def suggestion(ctx: TurnContext, text: str) -> Script | None:
    """The listed script whose ``suggest_when`` the words mention most (program order breaks
    a tie); never a heavy one soon after a hard moment."""
    gentle = sessions.recently_at_risk(ctx)
    best: tuple[int, Script] | None = None
    for script in ctx.library.listed():
        if not script.suggest_when or (gentle and script.heavy):
            continue
        count = ctx.library.meanings.mentions(text, script.suggest_when)
        if count and (best is None or count > best[0]):
            best = (count, script)
    return best[1] if best else None
