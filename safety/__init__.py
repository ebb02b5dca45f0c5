"""Inner Child Companion safety module: reads every message before anything else.

Standalone: imports nothing from `bot/` (stdlib, PyYAML and numpy for the learned layer).

    from safety import assess, Level, Assessment
    a = assess(text, recent=previous_assessments)
    a.level          # Level.NONE / DISTRESS / CONCERN / CRISIS (.label -> "none" ...)
    a.categories     # ("suicidal_intent", ...)
    a.matches        # (Match(category, rule_id, start, end), ...) offsets only

See safety/levels.py for how signals and recent levels combine, and
safety/lexicon/README.md for how the phrase files work.
"""

from .detect import assess
from .levels import Assessment, Level, Match

__all__ = ["assess", "Assessment", "Level", "Match"]
