"""/journal: what the person wrote, newest first, a page at a time, each answer under the
question it answered (entries kept before questions were kept show their words alone)."""

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
    values = ctx.template_context()
    shown = [
        {"dialogue": title_of(ctx, e.dialogue_id), "date": e.created_at.strftime("%d %b %Y"), "text": with_question(ctx, values, e)}
        for e in pages[page - 1]
    ]
    buttons = []
    if page < len(pages):
        buttons.append(Button(ctx.label("button_older_entries"), f"{COMMAND_BUTTON}:journal:{page + 1}"))
    if page > 1:
        buttons.append(Button(ctx.label("button_newer_entries"), f"{COMMAND_BUTTON}:journal:{page - 1}"))
    return [Reply(ctx.say("journal_page", entries=shown, page=page, pages=len(pages)), tuple(buttons))]


def with_question(ctx: TurnContext, values: dict[str, object], entry: JournalEntry) -> str:
    """The entry's words, under its question as ``journal_question`` shows it (HTML the page
    shows as it is; the words, and the question inside that text, escaped)."""
    if not entry.question:
        return entry.text
    question = ctx.texts.markup("journal_question", values | {"question": entry.question})
    return question + "\n" + entry.text if question else entry.text


def title_of(ctx: TurnContext, dialogue_id: str) -> str:
    compiled = ctx.library.get(dialogue_id)
    return compiled.script.title if compiled is not None else dialogue_id


def paginate(entries: list[JournalEntry], limit: int) -> list[list[JournalEntry]]:
    pages: list[list[JournalEntry]] = []
    current: list[JournalEntry] = []
    size = 0
    for entry in entries:
        length = len(entry.text) + len(entry.question or "") + 60
        if current and size + length > limit:
            pages.append(current)
            current, size = [], 0
        current.append(entry)
        size += length
    if current:
        pages.append(current)
    return pages


COMMANDS: tuple[Command[TurnContext], ...] = (Command("journal", journal, description="command_journal", menu_rank=70),)
