"""``/mood``: how the check-ins' moods have been, as a chart with a few gentle words under it.

The chart covers the last 4 weeks (``/mood``), 12 weeks (``/mood 12``) or the last 7 days
(``/mood week``, what a check-in offers); buttons move between them. With fewer than three
answers there is nothing worth drawing yet: a note says what the chart will show, and how
to turn check-ins on. Every word comes from texts.yaml. When the picture cannot be drawn,
its words come alone: the person still learns how their weeks have been.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from ..checkins.schedule import zone_or_utc
from ..core.context import TurnContext
from ..domain import COMMAND_BUTTON, Button, Picture, Reply
from ..engine.texts import Texts
from ..storage import checkins as store
from .mood_summary import summarise
from .series import DayMood, daily_moods

log = logging.getLogger(__name__)

MIN_ANSWERS = 3  # fewer, and the chart would say nothing yet
WEEK, FOUR_WEEKS, TWELVE_WEEKS = 7, 28, 84
SPANS = {"week": WEEK, "1": WEEK, "4": FOUR_WEEKS, "12": TWELVE_WEEKS}  # /mood <args>
BUTTON_TO = {WEEK: (FOUR_WEEKS,), FOUR_WEEKS: (TWELVE_WEEKS,), TWELVE_WEEKS: (FOUR_WEEKS,)}
SPAN_ARG = {WEEK: "week", FOUR_WEEKS: "4", TWELVE_WEEKS: "12"}
SPAN_LABEL = {WEEK: "button_mood_week", FOUR_WEEKS: "button_mood_4_weeks", TWELVE_WEEKS: "button_mood_12_weeks"}
TRENDS = 14  # days the trend compares (the last week and the one before)
LEVELS = range(1, 6)
TEXTS = frozenset({
    "mood_too_few", "mood_window_empty", "mood_caption", "mood_no_answers", "command_mood", "button_checkins_setup",
    *SPAN_LABEL.values(), *(f"mood_level_{n}" for n in LEVELS),
})


def local_today(now: datetime, zone: str | None) -> date:
    return now.astimezone(zone_or_utc(zone)).date()


def level_words(texts: Texts) -> tuple[str, str, str, str, str]:
    one, two, three, four, five = (texts.plain(f"mood_level_{n}") for n in LEVELS)
    return one, two, three, four, five


def draw_moods(days: list[DayMood], texts: Texts) -> bytes | None:
    """The chart's PNG, or None when it cannot be drawn (the words go alone)."""
    try:
        from .mood_chart import ChartWords, mood_chart  # matplotlib loads here, on the first chart

        return mood_chart(days, ChartWords(levels=level_words(texts), no_answers=texts.plain("mood_no_answers")))
    except Exception as exc:  # noqa: BLE001 - a missing picture must not cost the person their answer
        log.error("the mood chart could not be drawn: %s", type(exc).__name__)
        return None


def mood(ctx: TurnContext, args: str) -> list[Reply]:
    span = SPANS.get(args.strip().lower(), FOUR_WEEKS)
    count = store.mood_count(ctx.repo, ctx.person)
    if count < MIN_ANSWERS:
        return too_few(ctx, count)
    zone = ctx.person.timezone
    today = local_today(ctx.now, zone)
    since = ctx.now - timedelta(days=max(span, TRENDS) + 1)  # a day more: the local days of any zone
    answers = [(m.created_at, m.mood) for m in store.moods(ctx.repo, ctx.person, since)]
    days = daily_moods(answers, zone, today, span)
    buttons = tuple(Button(ctx.label(SPAN_LABEL[to]), f"{COMMAND_BUTTON}:mood:{SPAN_ARG[to]}") for to in BUTTON_TO[span])
    if not any(d.mood is not None for d in days):
        return [Reply(ctx.say("mood_window_empty", weeks=span // 7), buttons)]
    summary = summarise(days, daily_moods(answers, zone, today, TRENDS))
    words = level_words(ctx.texts)
    caption = ctx.say("mood_caption", mood={
        "weeks": span // 7, "days": summary.days, "answered": summary.answered, "trend": summary.trend,
        "low": words[summary.low - 1], "high": words[summary.high - 1], "most": words[summary.most - 1],
        "same": summary.low == summary.high, "heavy": summary.heavy,
    })
    ctx.repo.count("mood_chart_shown", ctx.now)
    png = draw_moods(days, ctx.texts)
    if png is None:
        return [Reply(caption, buttons)]
    return [Reply(picture=Picture(png, caption, "mood"), buttons=buttons)]


def too_few(ctx: TurnContext, answers: int) -> list[Reply]:
    """What the chart will show once there is something to draw, and how check-ins start."""
    row = store.settings_for(ctx.repo, ctx.person)
    on = row is not None and bool(row.enabled)
    buttons = () if on else (Button(ctx.label("button_checkins_setup"), f"{COMMAND_BUTTON}:checkins"),)
    return [Reply(ctx.say("mood_too_few", answers=answers, checkins_on=on), buttons)]
