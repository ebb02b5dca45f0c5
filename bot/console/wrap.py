"""Fitting the companion's lines to a terminal: each line wrapped at word boundaries.

A terminal cuts a long line at its edge, mid-word. Here each line is wrapped to the width
before it is written: a blank line stays blank, a list item's or a button's continuation
lines are indented under its text (``• ``, ``- ``, ``1. ``, ``[1] ``), and a word longer
than the width (a link) stays whole on a line of its own, so it can still be copied.

Only a terminal gets this: output to a pipe or a file stays one line per line (a transcript
another program reads, the golden files), and ``ConsoleChat`` wraps only when given a width.
"""

from __future__ import annotations

import re
import textwrap

MIN_WIDTH = 20  # narrower than this, wrapping helps nobody: lines are left as they are
# A line's indent and list marker: its continuation lines start under the text after them.
MARKER = re.compile(r"\s*(?:(?:[•\-*]|\d+[.)]|\[\d+\])\s+)?")


def wrap(text: str, width: int | None) -> str:
    """``text`` with every line longer than ``width`` wrapped at word boundaries; as it
    is when ``width`` is None (not a terminal) or too narrow to help."""
    if width is None or width < MIN_WIDTH:
        return text
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        marker = MARKER.match(line)
        hanging = " " * (marker.end() if marker else 0)
        if len(hanging) > width // 2:  # a deep indent would leave too little room
            hanging = ""
        wrapped = textwrap.wrap(
            line, width=width, subsequent_indent=hanging, break_long_words=False, break_on_hyphens=False,
        )
        lines.extend(wrapped or [""])
    return "\n".join(lines)
