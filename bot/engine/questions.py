"""The question a journal entry answers: the words of the ``ask`` step as the person saw
them, kept beside the answer so that "6" in /journal still says what it was the answer to.

Plain text (tags dropped, entities decoded; the reader escapes it again), one line per
bubble. When the step says more than ``QUESTION_LIMIT`` characters, only the bubble that
asks is kept (the last one with a question mark, else the last), shortened to about
``QUESTION_LIMIT`` characters at a word boundary with an ellipsis, keeping the question
itself when it sits at the end of a long bubble.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .templates import html_to_plain

QUESTION_LIMIT = 200  # characters, the ellipsis included
ELLIPSIS = "…"
_SENTENCE_START = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=\S)")  # where a new sentence begins
_SPACE = re.compile(r"\s+")


def question_of(bubbles: Iterable[str], limit: int = QUESTION_LIMIT) -> str:
    """The plain text of a step's rendered bubbles (HTML, as sent), short enough to show
    above its answer; "" when the step said nothing."""
    plain = [_plain(b) for b in bubbles]
    plain = [p for p in plain if p]
    whole = "\n".join(plain)
    if len(whole) <= limit:
        return whole
    asking = [p for p in plain if "?" in p]
    return shorten((asking or plain)[-1], limit)


def shorten(text: str, limit: int = QUESTION_LIMIT) -> str:
    """``text`` in at most ``limit`` characters. A question near the end is kept: sentences
    before it are left out first ("…What might it protect you from?"); then the end is cut
    at a word boundary ("… if…")."""
    if len(text) <= limit:
        return text
    source, head = text, ""
    asked = source.rfind("?")
    if asked >= limit - len(ELLIPSIS):  # cutting the end would cut the question off
        for match in _SENTENCE_START.finditer(source):
            start = match.end()
            if start > asked:
                break
            head, text = ELLIPSIS, source[start:]
            if asked - start < limit - len(head) - len(ELLIPSIS):
                break  # the question now survives the cut
    if len(head) + len(text) <= limit:
        return head + text
    return head + _cut(text, limit - len(head))


def _cut(text: str, limit: int) -> str:
    """The start of ``text`` up to a word boundary, with an ellipsis, in ``limit`` characters."""
    room = max(1, limit - len(ELLIPSIS))
    window = text[: room + 1]
    space = max(window.rfind(" "), window.rfind("\n"))
    kept = text[:space] if space > room // 2 else text[:room]
    return kept.rstrip(" \n,;:—–-") + ELLIPSIS


def _plain(bubble: str) -> str:
    """A bubble without tags or entities, its lines trimmed and blank lines left out."""
    lines = (_SPACE.sub(" ", line).strip() for line in html_to_plain(bubble).splitlines())
    return "\n".join(line for line in lines if line)
