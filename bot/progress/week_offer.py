"""A check-in's "See your week": offered under the check-in's goodbye, at most once a week.

It comes only when the mood was answered in this very turn and the dialogue ended there (an
okay or good day: a low answer is met with support first, never with a chart), when there
are enough answers to draw, and when this is the person's first answer of their local week
(Monday to Sunday). That last rule keeps it to once a week with nothing extra stored.
"""

from __future__ import annotations

from datetime import timedelta

from ..checkins.schedule import zone_or_utc
from ..core.context import TurnContext
from ..domain import COMMAND_BUTTON, Button
from ..storage import checkins as store
from .mood_view import MIN_ANSWERS

TEXTS = frozenset({"button_see_week"})
OKAY = 3  # the lowest answer a chart may follow


def see_your_week(ctx: TurnContext) -> tuple[Button, ...]:
    this_week = store.moods(ctx.repo, ctx.person, since=ctx.now - timedelta(days=8))
    latest = this_week[-1] if this_week else None
    if latest is None or latest.created_at != ctx.now or latest.mood < OKAY:
        return ()
    zone = zone_or_utc(ctx.person.timezone)
    today = ctx.now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    if any(a.created_at.astimezone(zone).date() >= monday for a in this_week[:-1]):
        return ()
    if store.mood_count(ctx.repo, ctx.person) < MIN_ANSWERS:
        return ()
    return (Button(ctx.label("button_see_week"), f"{COMMAND_BUTTON}:mood:week"),)
