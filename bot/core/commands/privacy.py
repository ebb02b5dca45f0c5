"""What is kept about a person, in their hands: /mydata, /export, /delete; and /stats, the
operator's counts and a short summary of the dialogue funnels (never content)."""

from __future__ import annotations

from ...domain import COMMAND_BUTTON, Button, Reply
from ...funnels import dialogue_funnels, summary
from ...privacy import data_counts, export_documents, operator_stats
from ..context import TurnContext
from .registry import Command


def mydata(ctx: TurnContext, _args: str) -> list[Reply]:
    text = ctx.say("mydata", counts=data_counts(ctx.repo, ctx.person), retention_days=ctx.settings.retention_days)
    buttons = (Button(ctx.label("button_export"), f"{COMMAND_BUTTON}:export"), Button(ctx.label("button_delete"), f"{COMMAND_BUTTON}:delete"))
    return [Reply(text, buttons)]


def export(ctx: TurnContext, _args: str) -> list[Reply]:
    documents = export_documents(ctx.repo, ctx.person, ctx.library, ctx.now, ctx.features.export_sections)
    return [Reply(document=doc) for doc in documents]


def delete(ctx: TurnContext, args: str) -> list[Reply]:
    if args == "confirm":
        ctx.repo.delete_person(ctx.person)
        ctx.repo.count("people_deleted", ctx.now)
        ctx.deleted = True
        return [Reply(ctx.say("deleted"))]
    if args == "cancel":
        return [Reply(ctx.say("delete_cancelled"))]
    return [Reply(ctx.say("delete_confirm"), (
        Button(ctx.label("button_delete_confirm"), f"{COMMAND_BUTTON}:delete:confirm"),
        Button(ctx.label("button_delete_cancel"), f"{COMMAND_BUTTON}:delete:cancel"),
    ))]


def stats(ctx: TurnContext, _args: str) -> list[Reply]:
    """The counts, and the funnels in short (``funnels.summary``: a few lines, so the text
    stays one Telegram message; ``innerchild stats --dialogues`` has them all)."""
    counts = operator_stats(ctx.repo, ctx.now) | {"funnels": summary(dialogue_funnels(ctx.repo, ctx.library))}
    return [Reply(ctx.say("stats", stats=counts))]


COMMANDS: tuple[Command[TurnContext], ...] = (
    Command("mydata", mydata, description="command_mydata", menu_rank=90),
    Command("export", export, description="command_export", menu_rank=100),
    Command("delete", delete, description="command_delete", menu_rank=110),
    Command("stats", stats, admin_only=True),
)
