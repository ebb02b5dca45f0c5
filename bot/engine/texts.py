"""The companion's own sentences (menus, re-prompts, notes) as operator-editable templates.

They live in ``dialogues/texts.yaml`` beside the scripts, so a writer can change every word
a person reads without touching Python, and they are checked like the scripts are.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

from jinja2 import Template, TemplateSyntaxError
from markupsafe import Markup

from .script import Problem
from .templates import BASE_NAMES, CompanionEnvironment, compile_source, tidy, undeclared_names
from .yamlnodes import LineDict, YamlError, load_with_lines

# Extra names each text may use, beyond the names every template has.
TEXT_NAMES: Mapping[str, frozenset[str]] = {
    "menu": frozenset({"phases", "suggestion", "done_count", "total"}),
    "menu_phase": frozenset({"phase", "scripts"}),
    "journal_page": frozenset({"entries", "page", "pages"}),
    "journal_question": frozenset({"question"}),
    "resume_offer": frozenset({"paused_title"}),
    "gentle_offer": frozenset({"paused_title"}),
    "resumed": frozenset({"paused_title"}),
    "resumed_heavy": frozenset({"paused_title"}),
    "paused": frozenset({"paused_title"}),
    "mydata": frozenset({"counts", "retention_days"}),
    "stats": frozenset({"stats"}),
    "retention_notice": frozenset({"days"}),
    "button_next": frozenset({"title"}),
    "button_dialogue": frozenset({"title", "done"}),
    "idle_suggest": frozenset({"title", "description", "minutes"}),
    "button_try": frozenset({"title"}),
    "unreadable_name_long": frozenset({"limit"}),
    "name_check": frozenset({"value"}),
    "name_check_child": frozenset({"value"}),
    "zone_which": frozenset({"value"}),
    "zone_which_city": frozenset({"value"}),
    "zone_which_country": frozenset({"country"}),
    "button_zone": frozenset({"place", "offset"}),
    "button_zone_summer": frozenset({"place", "offset"}),
    "button_zone_fixed": frozenset({"offset"}),
    "export_date": frozenset({"at"}),
    "export_question": frozenset({"question"}),
    "console_saved": frozenset({"filename", "folder"}),
    "console_first_run": frozenset({"folder", "key"}),
    "progress": frozenset({"phases", "suggestion", "done_count", "total"}),
    "progress_picture": frozenset({"done_count", "total"}),
    "mood_caption": frozenset({"mood"}),
    "mood_too_few": frozenset({"answers", "checkins_on"}),
    "mood_window_empty": frozenset({"weeks"}),
    # the failed turn's crisis card (bot/core/fallback.py fills these in without Jinja)
    "fallback_crisis": frozenset({"lines", "emergency"}),
    "fallback_concern": frozenset({"lines", "emergency"}),
    "fallback_danger": frozenset({"lines", "emergency"}),
    "fallback_line": frozenset({"name", "number"}),
    "fallback_directory": frozenset({"directory"}),
}


class Texts:
    def __init__(self, templates: dict[str, Template]):
        self._templates = templates

    def render(self, key: str, context: Mapping[str, object]) -> str:
        """A text as HTML (values escaped), as messages are sent."""
        return tidy(self._templates[key].render(context))

    def markup(self, key: str, context: Mapping[str, object]) -> Markup:
        """A text as HTML to place inside another text as a value: not escaped a second
        time there (``markup + words`` escapes the words)."""
        return Markup(self.render(key, context))  # rendered with autoescape: its values are escaped

    def plain(self, key: str, context: Mapping[str, object] | None = None) -> str:
        """A text that is not HTML (a button label, a command's menu description): the
        escaping of values undone, so "I'm still here" stays itself."""
        return html.unescape(self.render(key, context or {}))

    def template(self, key: str) -> Template | None:
        """A text's compiled template (None when texts.yaml lacks it), rendered by its user."""
        return self._templates.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._templates


def load_texts(path: Path, env: CompanionEnvironment, required: frozenset[str], *, check_names: bool = True) -> tuple[Texts, list[Problem]]:
    """Every text of ``texts.yaml``, compiled, and the problems found. ``check_names=False``:
    the names each text reads are not checked (``library_cache``: this very file passed)."""
    problems: list[Problem] = []
    try:
        data, found = load_with_lines(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Texts({}), [Problem(path, 0, "texts.yaml is missing")]
    except YamlError as exc:
        return Texts({}), [Problem(path, exc.problem.line, exc.problem.message)]
    problems.extend(Problem(path, p.line, p.message) for p in found)
    if not isinstance(data, LineDict):
        return Texts({}), problems + [Problem(path, 1, "texts.yaml maps names to texts")]
    templates: dict[str, Template] = {}
    for key, source in data.items():
        line = data.line_of(key)
        if not isinstance(source, str):
            problems.append(Problem(path, line, f"'{key}' must be text"))
            continue
        try:
            templates[key] = compile_source(env, source.strip())
        except TemplateSyntaxError as exc:  # line 1 of the template is the text's first line in the file
            blank_lines = source[: len(source) - len(source.lstrip())].count("\n")
            problems.append(Problem(path, data.text_line_of(key) + blank_lines + (exc.lineno or 1) - 1, f"template syntax: {exc.message}"))
            continue
        allowed = BASE_NAMES | TEXT_NAMES.get(str(key), frozenset())
        for name in sorted(undeclared_names(env, source.strip()) - allowed) if check_names else ():
            problems.append(Problem(path, line, f"unknown name '{name}' in '{key}'"))
    for key in sorted(required - set(data)):
        problems.append(Problem(path, data.line, f"text '{key}' is missing"))
    return Texts(templates), problems
