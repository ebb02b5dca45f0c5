"""A line a writer ends is a line the person reads, and a line that says nothing is gone.

The environment trims the newline after a block tag (``trim_blocks``), so that lines holding
only ``{% if %}`` or ``{% endfor %}`` leave no blank lines behind. But it also ate the
newline after a tag that *ends* a line of text, and two sentences ran together::

    {% if answers.mistake %}You wrote: "{{ answers.mistake }}".{% endif %}
    What would you say to a friend who did the same?

rendered ``You wrote: "I forgot a birthday".What would you say ...``.

``KeepLineBreaks.preprocess`` reads each template before Jinja does: a block or comment tag
that ends a line with other text on it (words, or a ``{{ }}``) gets Jinja's ``+``
(``{% endif +%}``), which keeps the newline after that one tag, followed by ``GONE``, a
character Unicode keeps for a program's own use. Lines holding only tags are trimmed as
before. ``settle`` then drops each rendered line that is nothing but ``GONE`` (everything on
it was conditional and false, so the line disappears without leaving a blank, as before)
and removes ``GONE`` from every other line. ``CompanionTemplate.render`` settles what it
returns, so every user of the environment (bubbles, texts.yaml, check-in openings) reads
the same lines.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Template
from jinja2.ext import Extension

GONE = "\ufdd0"  # a Unicode noncharacter: never in a text, kept for a program's own use
_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}|\{\{.*?\}\}", re.S)
_EMPTY_LINE = re.compile(rf"^[ \t]*{GONE}[ \t]*(?:\n|\Z)", re.M)


def keep_line_breaks(source: str) -> str:
    """``source`` with ``+`` (and ``GONE``) after each block or comment tag that ends a line
    with text on it."""
    if "%}" not in source and "#}" not in source:
        return source
    out: list[str] = []
    has_text = False  # on the current line, outside block and comment tags
    position = 0
    for match in _TAG.finditer(source):
        between = source[position:match.start()]
        out.append(between)
        if "\n" in between:
            has_text = bool(between.rsplit("\n", 1)[1].strip())
        elif between.strip():
            has_text = True
        tag, position = match.group(), match.end()
        if tag.startswith("{{"):
            has_text = True
        elif has_text and tag[-3] not in "+-" and source.startswith("\n", position) and position + 1 < len(source):
            tag = f"{tag[:-2]}+{tag[-2:]}{GONE}"
        out.append(tag)
    out.append(source[position:])
    return "".join(out)


def settle(text: str) -> str:
    """Rendered text without the lines that said nothing, and without ``GONE``."""
    if GONE not in text:
        return text
    return _EMPTY_LINE.sub("", text).replace(GONE, "")


class KeepLineBreaks(Extension):
    """Runs ``keep_line_breaks`` on every template the environment reads."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return keep_line_breaks(source)


class CompanionTemplate(Template):
    """A template whose output is settled (see the module)."""

    def render(self, *args: Any, **kwargs: Any) -> str:  # noqa: ANN401 - Jinja's signature
        return settle(super().render(*args, **kwargs))
