"""Seeing progress: the mood chart (``/mood``) and the path walked so far (``/progress``).

The pieces, each with one job:

- ``series``        the moods as one value per local day, gaps where none was given;
- ``mood_summary``  the facts the words under the chart use (never a score);
- ``mood_chart``    drawing the chart (matplotlib, loaded only when a chart is drawn);
- ``path_picture``  drawing the path's stations;
- ``mood_view``     ``/mood``;  ``path_view``  ``/progress``;
- ``week_offer``    a check-in's "See your week", at most once a week;
- ``export``        the moods in ``/export``: in words, and the chart.

Nothing registers itself at import: ``app.build()`` calls ``install``.
"""

from __future__ import annotations

from ..checkins.policy import NUDGE_DIALOGUE
from ..core.commands.registry import Command
from ..core.context import Features
from . import mood_view, path_view, week_offer
from .export import TEXTS as EXPORT_TEXTS
from .export import export_moods


def install(features: Features) -> None:
    features.add_command(Command("progress", path_view.progress, description="command_progress", needs_consent=True, menu_rank=25))
    features.add_command(Command("mood", mood_view.mood, description="command_mood", needs_consent=True, menu_rank=85))
    features.add_end_offer(NUDGE_DIALOGUE, week_offer.see_your_week)
    features.add_export_section(export_moods)
    features.need_texts(*mood_view.TEXTS, *path_view.TEXTS, *week_offer.TEXTS, *EXPORT_TEXTS)
