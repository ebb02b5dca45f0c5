"""What is kept about a person, in their hands: /mydata, /export, /delete; and /stats, the
operator's counts (never content)."""

from __future__ import annotations

from ...domain import COMMAND_BUTTON, Button, Reply
from ...privacy import data_counts, export_documents, operator_stats
from ..context import TurnContext
from .registry import Command


def mydata(ctx: TurnContext, _args: str) -> list[Reply]:
    text = ctx.say("mydata", counts=data_counts(ctx.repo, ctx.person), retention_days=ctx.settings.retention_days)
    return [Reply(text, (Button("Export my data", f"{COMMAND_BUTTON}:export"), Button("Delete everything", f"{COMMAND_BUTTON}:delete")))]


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
        Button("Yes, delete everything", f"{COMMAND_BUTTON}:delete:confirm"),
        Button("No, keep it", f"{COMMAND_BUTTON}:delete:cancel"),
    ))]


def stats(ctx: TurnContext, _args: str) -> list[Reply]:
    return [Reply(ctx.say("stats", stats=operator_stats(ctx.repo, ctx.now)))]


COMMANDS: tuple[Command[TurnContext], ...] = (
    Command("mydata", mydata, description="command_mydata", menu_rank=90),
    Command("export", export, description="command_export", menu_rank=100),
    Command("delete", delete, description="command_delete", menu_rank=110),
    Command("stats", stats, admin_only=True),
)
