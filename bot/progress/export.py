"""The moods' part of ``/export``: each answer in words in the readable document, and the
chart of the 12 weeks up to the latest answer as a picture of its own (the JSON list of
moods is the check-ins' part)."""

from __future__ import annotations

from datetime import datetime

from ..domain import Document
from ..engine import DialogueLibrary
from ..privacy import ExportPart
from ..storage import Person, Repository
from ..storage import checkins as store
from .mood_view import TWELVE_WEEKS, draw_moods, level_words, local_today
from .series import daily_moods

CHART_FILE = "innerchild-moods.png"
TEXTS = frozenset({"export_moods"})


def export_moods(repo: Repository, person: Person, library: DialogueLibrary, _now: datetime) -> ExportPart:
    answers = store.moods(repo, person)
    if not answers:
        return ExportPart()
    words = level_words(library.texts)
    heading = library.texts.plain("export_moods")
    lines = [heading, "=" * len(heading), ""] + [f"{a.created_at:%d %b %Y %H:%M} · {words[a.mood - 1]}" for a in answers]
    last_day = local_today(answers[-1].created_at, person.timezone)
    days = daily_moods([(a.created_at, a.mood) for a in answers], person.timezone, last_day, TWELVE_WEEKS)
    png = draw_moods(days, library.texts)
    return ExportPart(lines=tuple(lines), documents=(Document(CHART_FILE, png, "image/png"),) if png else ())
