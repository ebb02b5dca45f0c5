"""Rendering what the companion says, from templates operators write.

Templates are data from operators, and a person's words reach them only as values:
``ImmutableSandboxedEnvironment`` (no attribute tricks, no mutation), ``StrictUndefined``
(a misspelt name is an error the validator finds, not a silent blank), and autoescape, so
a name such as ``<Sam & co>`` arrives in Telegram's HTML as text. The sandbox bounds
neither CPU nor memory, so string repetition and powers are refused.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, nodes
from jinja2.meta import find_undeclared_variables
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .linebreaks import CompanionTemplate, KeepLineBreaks

if TYPE_CHECKING:
    from .script import Bubble

# Names every template may use. The companion provides them all on every turn.
BASE_NAMES = frozenset(
    {
        "name",  # how the person likes to be called ("" when not given)
        "child_name",  # the name they chose for their inner child ("" when none)
        "country",  # ISO code or ""
        "country_name",
        "timezone",
        "answers",  # this dialogue's free-text answers by key ("" until answered)
        "journal",  # the latest journal answer by key from any dialogue ("" when none)
        "vars",  # values this dialogue's buttons set
        "title",  # this dialogue's title
        "support",  # crisis resources for the person's country (see companion)
        "part_of_day",  # "morning", "afternoon", "evening" or "night"
        "visits",  # how many times the person started this dialogue before
    }
)


class CompanionEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with repetition and powers refused (they can exhaust memory or CPU), and
    a line ended in a template kept as a line (``linebreaks``)."""

    template_class = CompanionTemplate
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:  # noqa: ANN401 - Jinja's signature
        if operator == "**":
            raise SecurityError("powers are not allowed in templates")
        if operator == "*" and (isinstance(left, (str, list)) or isinstance(right, (str, list))):
            raise SecurityError("repeating text is not allowed in templates")
        return super().call_binop(context, operator, left, right)


def make_environment(templates_dir: Path | None) -> CompanionEnvironment:
    env = CompanionEnvironment(
        loader=FileSystemLoader(str(templates_dir)) if templates_dir else None,
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=[KeepLineBreaks],
    )
    return env


def compile_source(env: CompanionEnvironment, source: str) -> Template:
    return env.from_string(source)


def undeclared_names(env: CompanionEnvironment, source: str) -> set[str]:
    """Top-level names a template reads that it does not set itself."""
    return set(find_undeclared_variables(env.parse(source)))


def attribute_uses(env: CompanionEnvironment, source: str, owner: str) -> set[str]:
    """Keys read as ``owner.key`` or ``owner['key']`` (e.g. which answers a template uses)."""
    found: set[str] = set()
    for node in env.parse(source).find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == owner:
            found.add(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.node, nodes.Name) and node.node.name == owner:
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                found.add(node.arg.value)
    return found


_TAG = re.compile(r"<[^>]+>")
_BREAKS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Trim what template blocks leave behind: trailing spaces and runs of blank lines."""
    lines = [line.rstrip() for line in str(text).strip().splitlines()]
    return _BREAKS.sub("\n\n", "\n".join(lines))


def html_to_plain(text: str) -> str:
    """The console's view of a reply: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def visible_length(text: str) -> int:
    """Characters a person sees (Telegram counts text after parsing entities)."""
    return len(html_to_plain(text))


def template_source(env: CompanionEnvironment, bubble: Bubble) -> str:
    """A bubble's template text: written in the script, or a file in templates/."""
    if bubble.file is None:
        return bubble.source or ""
    source, _, _ = env.loader.get_source(env, bubble.file)  # type: ignore[union-attr]
    return source
