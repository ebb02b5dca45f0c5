"""``/progress``: the path walked so far, phase by phase (arrive, safety and noticing, making
contact, reparenting and grief, integration): what the person has finished, and a gentle
next step. Text first, so every word can be read by anyone (a screen reader included); then,
once something is done, a small picture of the path with the next step under it.
"""

from __future__ import annotations

import logging
from typing import Any

from ..core import sessions
from ..core.commands.navigation import MENU_PHASES, phase_title, suggest
from ..core.context import TurnContext
from ..domain import MENU_BUTTON, Button, Picture, Reply

log = logging.getLogger(__name__)

PATH = ("arrive", "safety", "contact", "reparenting", "integration")  # the stations the picture shows
NEXT_LABEL_LIMIT = 60
TEXTS = frozenset({"progress", "progress_picture", "command_progress", "button_next"})


def progress(ctx: TurnContext, _args: str) -> list[Reply]:
    done = ctx.repo.finished_dialogues(ctx.person)
    scripts = [s for s in ctx.library.listed() if s.phase in MENU_PHASES]
    suggestion = suggest(scripts, done, gentle=sessions.recently_at_risk(ctx))
    phases: list[dict[str, Any]] = []
    for key in MENU_PHASES:
        in_phase = [s for s in scripts if s.phase == key]
        if in_phase:
            phases.append({
                "key": key, "title": phase_title(ctx, key), "total": len(in_phase),
                "done": sum(s.id in done for s in in_phase), "done_titles": [s.title for s in in_phase if s.id in done],
                "next": suggestion is not None and suggestion.phase == key,
            })
    done_count = sum(p["done"] for p in phases)
    total = sum(p["total"] for p in phases)
    text = ctx.say(
        "progress", phases=phases, done_count=done_count, total=total,
        suggestion={"title": suggestion.title, "description": suggestion.description, "minutes": suggestion.minutes} if suggestion else None,
    )
    buttons: tuple[Button, ...] = ()
    if suggestion is not None:
        buttons += (Button(ctx.label("button_next", title=suggestion.title)[:NEXT_LABEL_LIMIT], f"{MENU_BUTTON}:{suggestion.id}"),)
    buttons += ctx.menu_button()
    stations = [p for p in phases if p["key"] in PATH]
    on_path = sum(p["done"] for p in stations)
    png = draw_path(stations) if on_path else None
    if png is None:
        return [Reply(text, buttons)]
    caption = ctx.say("progress_picture", done_count=on_path, total=sum(p["total"] for p in stations))
    return [Reply(text), Reply(picture=Picture(png, caption, "path"), buttons=buttons)]


def draw_path(phases: list[dict[str, Any]]) -> bytes | None:
    """The path's PNG, or None when it cannot be drawn (the text has said it all)."""
    try:
        from .path_picture import Station, path_picture  # matplotlib loads here

        return path_picture([Station(p["title"], p["done"], p["total"], current=p["next"]) for p in phases])
    except Exception as exc:  # noqa: BLE001 - the words above already tell the path
        log.error("the path picture could not be drawn: %s", type(exc).__name__)
        return None
