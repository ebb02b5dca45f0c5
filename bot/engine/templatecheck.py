"""Templates checked as people meet them: every bubble rendered for every sample person, and
each problem reported once, where the writer fixes it.

Several people, because a template tried for one person with a name (``{{ name[0] }}``)
breaks for someone who chose none, wrote nothing yet, has a 40-character name, or lives
where we know no crisis line (``context.sample_people``). A failure names the first kind of
person it fails for.

Where: a problem inside ``templates/x.j2`` is reported at ``templates/x.j2:LINE``, once,
however many steps and scripts use the file (the library keeps one message per path, line
and text); a problem in a script's own text at the line of the YAML block it is on. A render
error takes its line from the traceback: Jinja rewrites it so that a template's frame has the
template's file name, or ``<template>`` for a script's own text. A file's ``answers.KEY``
or ``vars.NAME`` that a script using it never sets is reported in the file, naming the script.

Empty bubbles: the engine drops a bubble that renders to nothing (``render_say``) and hangs
the step's buttons on the last bubble that has words (``_replies``). So a bubble that is
empty for some people is a writer's choice (a line only for someone who wrote a letter), but
a bubble empty for everyone is a mistake, and a step that waits must have words for every
person: without any, its buttons or its question go on an empty reply, which the sender has
no message for, so they never arrive (the step check in ``validate`` asks ``said_nothing``).
Holding every bubble to "never empty" instead would refuse a common, harmless pattern: a
closing line shown only to someone who wrote something, after the question.

Run-together sentences: a sentence end (``.``, ``!``, ``?`` or a closing quote) followed at
once by a capital or a word ("birthday".What) is reported, for the sample people, with web
addresses left out.
"""

from __future__ import annotations

import difflib
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Template, TemplateError

from .context import LONG_ANSWER, LONG_NAME, Blanks, SamplePerson, sample_people
from .script import PROFILE_PREFIX, Bubble, Problem, Script
from .templates import BASE_NAMES, CompanionEnvironment, attribute_lines, html_to_plain, name_lines, reads_nothing, template_source, tidy, visible_length

TELEGRAM_MESSAGE_LIMIT = 4096
BUBBLE_LIMIT = 350  # the writing guide: about 350 characters at most
ECHO_ANSWERS = ("idk", "this is stupid")  # answers no bubble may read back (``echoes``)
WARNING = "warning: "  # a message that starts so is shown to the writer but refuses nothing
STRICT_STYLE = True  # the listening and variety checks refuse a folder (False: warnings only)


def read_back(text: str, answer: str) -> bool:
    """Whether rendered ``text`` shows ``answer`` (one of ``ECHO_ANSWERS``) as words of its own."""
    plain = html_to_plain(text).lower()
    return re.search(rf"(?<!\w){re.escape(answer)}(?!\w)", plain) is not None


def style(message: str) -> str:
    """A listening or variety check's message: a problem once ``STRICT_STYLE``, else a warning."""
    return message if STRICT_STYLE else WARNING + message

_WEB = re.compile(r"\S*(?:://|www\.|@)\S*")
_RUN_TOGETHER = re.compile(r"(?<=[a-z0-9)\"”’])[.!?…]+[\"”’)]*(?=[A-Za-z])|(?<=[a-z.!?])[\"”](?=[A-Za-z])")
_WORD = re.compile(r"[A-Za-z]+")

Place = Callable[[int], tuple[Path, int]]  # a line of a template's source -> where a writer edits it


@dataclass
class Rendered:
    """One bubble as each sample person reads it ("" for nothing, None where it failed)."""

    texts: list[str | None]

    def empty_for(self, index: int) -> bool:
        text = self.texts[index]
        return text is not None and not html_to_plain(text).strip()


class TemplateChecks:
    """The template checks of every script of one library, sharing what they learn."""

    def __init__(self, env: CompanionEnvironment, scripts: Mapping[str, Script]):
        self.env = env
        self.people = sample_people()
        self.asked = journal_keys(scripts.values())
        loader_paths = getattr(env.loader, "searchpath", None) or ["templates"]
        self.folder = Path(loader_paths[0])

    # -- where -------------------------------------------------------------------------
    def place(self, script: Script, bubble: Bubble) -> Place:
        """Where line ``n`` of a bubble's template is: in its ``.j2`` file, or in the script."""
        if bubble.file is not None:
            path = self.folder / bubble.file
            return lambda n: (path, n)
        first = bubble.text_line or bubble.line
        return lambda n: (script.path, first + n - 1)

    def failure(self, script: Script, bubble: Bubble, exc: Exception) -> tuple[Path, int]:
        """Where a render error happened: the innermost frame in a template (an included
        ``.j2``, the bubble's own file, or the script's text)."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename == "<template>":
                return self.place(script, bubble)(frame.lineno or 1)
            path = Path(frame.filename)
            if path.suffix == ".j2" and path.parent == self.folder:
                return path, frame.lineno or 1
        return self.place(script, bubble)(1)

    # -- names ---------------------------------------------------------------------------
    def names(self, script: Script, source: str, place: Place, shared_file: str | None = None) -> list[Problem]:
        """Unknown names, and answers, vars and journal keys nobody sets, each at its line
        (in a ``.j2`` file, the script's answers and vars are named with the script)."""
        problems: list[Problem] = []
        for name, line in name_lines(self.env, source).items():
            if name not in BASE_NAMES:
                problems.append(Problem(*place(line), f"unknown name '{name}' in a template (known: {', '.join(sorted(BASE_NAMES))})"))
        user = f" ({script.path.name} uses this template)" if shared_file else ""
        for key, line in attribute_lines(self.env, source, "answers").items():
            if key not in script.journal_keys:
                problems.append(Problem(*place(line), f"'answers.{key}': no step of this script asks for '{key}'{user}"))
        var_names = set(script.variables) | {key for step in script.steps.values() for b in step.buttons for key, _ in b.sets}
        for key, line in attribute_lines(self.env, source, "vars").items():
            if key not in var_names:
                problems.append(Problem(*place(line), f"'vars.{key}' is never set: declare it under 'vars:' or set it on a button{user}"))
        for key, line in attribute_lines(self.env, source, "journal").items():
            if key not in self.asked:
                close = difflib.get_close_matches(key, sorted(self.asked), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(Problem(*place(line), f"'journal.{key}': no script asks for '{key}', so it is always empty{hint}"))
        return problems

    # -- rendering -----------------------------------------------------------------------
    def bubble(self, script: Script, bubble: Bubble, template: Template, support: bool) -> tuple[Rendered, list[Problem]]:
        """The bubble rendered for every sample person, and what is wrong with it."""
        place = self.place(script, bubble)
        problems: list[Problem] = []
        texts: list[str | None] = []
        failed = False
        if set(name_lines(self.env, self.source(bubble))) - BASE_NAMES:
            return Rendered([None] * len(self.people)), problems  # one message per cause: the name's
        same = reads_nothing(self.env, self.source(bubble))
        for person in self.people[:1] if same else self.people:
            try:
                texts.append(tidy(template.render(self.context(script, person))))
            except Exception as exc:  # noqa: BLE001 - any render failure is the writer's to see
                texts.append(None)
                if not failed:
                    problems.append(Problem(*self.failure(script, bubble, exc), f"template does not render for {person.who}: {exc}"))
                failed = True
        rendered = Rendered(texts * len(self.people) if same else texts)
        if failed:
            return rendered, problems
        if all(rendered.empty_for(i) for i in range(len(texts))):
            problems.append(Problem(*place(1), "this bubble says nothing for any person: remove it, or give it words outside its conditions"))
        problems.extend(self.echoes(script, bubble, template))
        problems.extend(self.run_together(script, bubble, rendered))
        problems.extend(self.lengths(script, bubble, None if same else template, texts[0] or "", support))
        return rendered, problems

    def context(self, script: Script, person: SamplePerson, answer: str | None = None) -> dict[str, object]:
        """What a template of ``script`` reads for ``person``."""
        return person.context | {
            "answers": Blanks(default=person.answer if answer is None else answer),
            "vars": dict(script.variables),
            "title": script.title,
        }

    def echoes(self, script: Script, bubble: Bubble, template: Template) -> list[Problem]:
        """A bubble that reads an answer back must not read back one that is no answer:
        '"idk" Thank you for naming it.' is not listening. Rendered for a person whose every
        answer (and journal entry) is unsure, then sceptical; finding it in the text means
        the read-back needs a guard (``answers.KEY | kind == "ordinary"``)."""
        source = self.source(bubble)
        if not (attribute_lines(self.env, source, "answers") or attribute_lines(self.env, source, "journal")):
            return []
        full = self.people[0]
        for answer in ECHO_ANSWERS:
            person = SamplePerson(full.who, full.context | {"journal": Blanks(default=answer)}, answer)
            try:
                text = tidy(template.render(self.context(script, person)))
            except Exception:  # noqa: BLE001 - a failure to render is reported by ``bubble``
                return []
            if read_back(text, answer):
                return [Problem(*self.place(script, bubble)(1), style(f"this bubble reads back an answer of '{answer}' as if it were an answer: show it only for an ordinary one ({{% if answers.KEY | kind == \"ordinary\" %}}) and give the others words of their own"))]
        return []

    def run_together(self, script: Script, bubble: Bubble, rendered: Rendered) -> list[Problem]:
        for person, text in zip(self.people, rendered.texts, strict=True):
            plain = _WEB.sub(" ", html_to_plain(text or ""))
            found = _RUN_TOGETHER.search(plain)
            if found:
                start, end = max(0, found.start() - 12), found.end() + 12
                snippet = plain[start:end].strip()
                line = self.line_of_word(script, bubble, plain[found.end():])
                return [Problem(*line, f"sentences run together for {person.who} ('{snippet}'): put a space or a line break between them")]
        return []

    def line_of_word(self, script: Script, bubble: Bubble, after: str) -> tuple[Path, int]:
        """The source line the words after a junction most likely come from (else the first)."""
        word = _WORD.match(after)
        source = self.source(bubble)
        if word and source:
            for number, line in enumerate(source.splitlines(), start=1):
                if re.search(rf"\b{re.escape(word.group())}\b", line):
                    return self.place(script, bubble)(number)
        return self.place(script, bubble)(1)

    def lengths(self, script: Script, bubble: Bubble, template: Template | None, short_text: str, support: bool) -> list[Problem]:
        """Telegram's limit for the longest answers and names (``template`` None: the same
        words for everyone); the writing guide's for the writer's own words (support scripts
        may be longer: their lines must all be there)."""
        problems: list[Problem] = []
        long_text = short_text
        if template is not None:
            full = self.people[0]
            longest = SamplePerson(full.who, full.context | {"name": LONG_NAME, "child_name": LONG_NAME, "journal": Blanks(default=LONG_ANSWER)}, LONG_ANSWER)
            long_text = tidy(template.render(self.context(script, longest)))
        length = visible_length(long_text)
        if length > TELEGRAM_MESSAGE_LIMIT:
            problems.append(Problem(script.path, bubble.line, f"message can reach {length} characters, over Telegram's {TELEGRAM_MESSAGE_LIMIT}"))
        length = visible_length(short_text)
        if length > BUBBLE_LIMIT and not support:
            problems.append(Problem(script.path, bubble.line, f"bubble is {length} characters; keep each to about {BUBBLE_LIMIT} (split it)"))
        return problems

    def source(self, bubble: Bubble) -> str:
        try:
            return template_source(self.env, bubble)
        except (TemplateError, OSError):
            return ""


def said_nothing(people: tuple[SamplePerson, ...], bubbles: Iterable[Rendered]) -> str | None:
    """The first sample person for whom every one of a step's bubbles is empty, if any."""
    rendered = list(bubbles)
    for index, person in enumerate(people):
        if rendered and all(r.empty_for(index) for r in rendered):
            return person.who
    return None


def journal_keys(scripts: Iterable[Script]) -> frozenset[str]:
    """Every key some script keeps an answer under (``ask: KEY``)."""
    return frozenset(key for script in scripts for key in script.journal_keys if not key.startswith(PROFILE_PREFIX))
