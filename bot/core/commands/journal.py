"""/journal: what the person wrote, newest first, a page at a time."""

from __future__ import annotations

from ...domain import COMMAND_BUTTON, Button, Reply
from ...storage import JournalEntry
from ..context import TurnContext
from .registry import Command

JOURNAL_PAGE_CHARS = 3000


def journal(ctx: TurnContext, args: str) -> list[Reply]:
    page = int(args) if args.isdigit() and int(args) > 0 else 1
    entries = ctx.repo.journal(ctx.person)
    if not entries:
        return [Reply(ctx.say("journal_empty"))]
    pages = paginate(entries, JOURNAL_PAGE_CHARS)
    page = min(page, len(pages))
    shown = [
        {"dialogue": title_of(ctx, e.dialogue_id), "date": e.created_at.strftime("%d %b %Y"), "text": e.text}
        for e in pages[page - 1]
    ]
    buttons = []
    if page < len(pages):
        buttons.append(Button(ctx.label("button_older_entries"), f"{COMMAND_BUTTON}:journal:{page + 1}"))
    if page > 1:
        buttons.append(Button(ctx.label("button_newer_entries"), f"{COMMAND_BUTTON}:journal:{page - 1}"))
    return [Reply(ctx.say("journal_page", entries=shown, page=page, pages=len(pages)), tuple(buttons))]


def title_of(ctx: TurnContext, dialogue_id: str) -> str:
    compiled = ctx.library.get(dialogue_id)
    return compiled.script.title if compiled is not None else dialogue_id


def paginate(entries: list[JournalEntry], limit: int) -> list[list[JournalEntry]]:
    pages: list[list[JournalEntry]] = []
    current: list[JournalEntry] = []
    size = 0
    for entry in entries:
        length = len(entry.text) + 60
        if current and size + length > limit:
            pages.append(current)
            current, size = [], 0
        current.append(entry)
        size += length
    if current:
        pages.append(current)
    return pages


COMMANDS: tuple[Command[TurnContext], ...] = (Command("journal", journal, description="command_journal", menu_rank=70),)
