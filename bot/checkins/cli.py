"""``innerchild checkins ...``: the operator's view of who is due. Ids and reasons only.

``bot/cli.py`` adds it with ``app.add_typer(checkins_app, name="checkins")``; like that
module, this one imports only Typer at the top (``innerchild --help`` reads it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Optional

import typer

from ..entry import runtime_or_exit, settings_or_exit
from . import service_for

checkins_app = typer.Typer(no_args_is_help=True, help="Check-ins: who is due, and why.")


def parse_at(text: str | None) -> datetime:
    """An ISO time ("2026-01-15T20:30", UTC unless it names an offset); now when empty."""
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        raise typer.BadParameter("use an ISO time such as 2026-01-15T20:30 (UTC) or 2026-01-15T20:30+01:00") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@checkins_app.command("due")
def due(
    at: Annotated[Optional[str], typer.Option(help="Pretend it is this ISO time (UTC unless an offset is given).")] = None,
    db: Annotated[Optional[str], typer.Option(help="Database URL.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 500,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on standard output, for a machine.")] = False,
) -> None:
    """List who would be nudged at that moment and why (changes nothing)."""
    moment = parse_at(at)
    runtime = runtime_or_exit(settings_or_exit(database_url=db))
    try:
        lines = service_for(runtime).due_report(moment, limit)
    finally:
        runtime.database.dispose()
    if as_json:
        import json

        typer.echo(json.dumps({"at": moment.isoformat(), "due": [{
            "person": line.person_id, "user": line.user, "due_at": line.due_at.isoformat(), "action": line.decision.action,
            "mode": line.decision.mode, "next_due": line.decision.next_due.isoformat(), "reason": line.decision.reason,
        } for line in lines]}, indent=2))
        return
    typer.echo(f"{len(lines)} due at {moment:%Y-%m-%d %H:%M} UTC")
    for line in lines:
        d = line.decision
        what = f"{d.action} {d.mode}" if d.action == "send" else f"{d.action} until {d.next_due:%Y-%m-%d %H:%M}"
        typer.echo(f"person {line.person_id}\t{line.user}\tdue {line.due_at:%Y-%m-%d %H:%M}\t{what}\t{d.reason}")
