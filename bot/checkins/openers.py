"""The first words of a check-in: operator-editable templates, never the same twice in a row.

Each file ``dialogues/templates/checkin_open_*.j2`` is one way of saying hello; the
``checkin_soft_*.j2`` files are the gentler ones used after a hard moment. Adding a
file adds a variant. They are checked at start-up like scripts are: only the names every
template has, rendered for a sample person, short enough for one bubble.

The chosen file's *name* is stored (never the text) so the next check-in can pick a
different one.
"""

from __future__ import annotations

import random
import traceback
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Template, TemplateError, TemplateSyntaxError

from ..engine.templatecheck import ECHO_ANSWERS, read_back
from ..engine.templates import BASE_NAMES, attribute_uses, compile_source, make_environment, tidy, undeclared_names, visible_length
from ..engine.script import Problem
from ..engine.context import Blanks, sample_people
from ..engine.validate import BUBBLE_LIMIT

NORMAL, SOFT, RHYTHM = "normal", "soft", "rhythm"
PREFIXES = {NORMAL: "checkin_open_", SOFT: "checkin_soft_", RHYTHM: "checkin_open_"}
STATUS = "checkin_status.j2"
# Extra names the status template may use (besides every template's names).
STATUS_NAMES = frozenset({"checkins"})


@dataclass
class Openers:
    by_mode: dict[str, dict[str, Template]]
    status: Template | None
    journal_reads: frozenset[str] = frozenset()  # ``journal.KEY``s the openings bring back

    def pick(self, mode: str, last: str | None, rng: random.Random) -> tuple[str, Template] | None:
        """A variant for ``mode``, never ``last`` when there is any other."""
        variants = self.by_mode.get(mode) or self.by_mode.get(NORMAL) or {}
        if not variants:
            return None
        names = sorted(variants)
        fresh = [n for n in names if n != last] or names
        name = rng.choice(fresh)
        return name, variants[name]

    @staticmethod
    def render(template: Template, context: dict[str, object]) -> str:
        return tidy(template.render(context | {"answers": {}, "vars": {}, "title": "Check-in"}))


def load_openers(dialogues_dir: Path) -> tuple[Openers, list[Problem]]:
    """Compile and check the check-in templates; returns them and every problem found."""
    folder = Path(dialogues_dir) / "templates"
    problems: list[Problem] = []
    env = make_environment(folder if folder.is_dir() else None)
    by_mode: dict[str, dict[str, Template]] = {NORMAL: {}, SOFT: {}}
    files = sorted(folder.glob("checkin_*.j2")) if folder.is_dir() else []
    status = None
    reads: set[str] = set()
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
            template = compile_source(env, source)
        except TemplateSyntaxError as exc:
            problems.append(Problem(path, exc.lineno or 1, f"template syntax: {exc.message}"))
            continue
        except (OSError, UnicodeDecodeError, TemplateError) as exc:
            problems.append(Problem(path, 1, str(exc)))
            continue
        if path.name != STATUS:
            reads |= attribute_uses(env, source, "journal")
        allowed = BASE_NAMES | (STATUS_NAMES if path.name == STATUS else frozenset())
        for name in sorted(undeclared_names(env, source) - allowed):
            problems.append(Problem(path, 1, f"unknown name '{name}'"))
        texts, problem = _render_for_everyone(template, path)
        if problem is not None:
            problems.append(problem)
            continue
        text = texts[0]
        echo = _echoes(template)
        if echo:
            problems.append(Problem(path, 1, f"brings back a journal entry of '{echo}' as if it were an answer: show it only for an ordinary one ({{% if journal.KEY | kind == \"ordinary\" %}})"))
            continue
        if path.name == STATUS:
            status = template
            continue
        if visible_length(text) > BUBBLE_LIMIT:
            problems.append(Problem(path, 1, f"{visible_length(text)} characters; keep it to about {BUBBLE_LIMIT}"))
        for mode in (NORMAL, SOFT):
            if path.name.startswith(PREFIXES[mode]):
                by_mode[mode][path.stem] = template
    if not by_mode[NORMAL]:
        problems.append(Problem(folder, 0, "no check-in openings (templates/checkin_open_*.j2)"))
    if not by_mode[SOFT]:
        problems.append(Problem(folder, 0, "no gentle check-in openings (templates/checkin_soft_*.j2)"))
    by_mode[RHYTHM] = by_mode[NORMAL]
    return Openers(by_mode, status, frozenset(reads)), problems


def _echoes(template: Template) -> str | None:
    """An answer that is no answer ("idk") brought back by the opening, if any."""
    full = sample_people()[0]
    for answer in ECHO_ANSWERS:
        sample = full.context | {"journal": Blanks(default=answer), "answers": {}, "vars": {}, "title": "Check-in", "checkins": SAMPLE_STATUS}
        if read_back(tidy(template.render(sample)), answer):
            return answer
    return None


def _render_for_everyone(template: Template, path: Path) -> tuple[list[str], Problem | None]:
    """The opening for each sample person (the full one first), or the first failure: a
    check-in that fails or says nothing for someone without a name is lost on them."""
    texts: list[str] = []
    for person in sample_people():
        sample = person.context | {"answers": {}, "vars": {}, "title": "Check-in", "checkins": SAMPLE_STATUS}
        try:
            text = tidy(template.render(sample))
        except Exception as exc:  # noqa: BLE001 - any failure is the writer's to see
            return texts, Problem(path, _template_line(exc), f"does not render for {person.who}: {exc}")
        if not text:
            return texts, Problem(path, 1, f"says nothing for {person.who}: give it words outside its conditions")
        texts.append(text)
    return texts, None


def _template_line(exc: Exception) -> int:
    """The line of the template the error happened on (Jinja names it in the traceback)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>" or f.filename.endswith(".j2")]
    return (frames[-1].lineno or 1) if frames else 1


SAMPLE_STATUS = {
    "enabled": True, "rhythm": "daily", "days": "mon wed fri", "time": "20:30",
    "quiet": "22:00-08:00", "zone": "Europe/London", "next": "Thu 15 Jan, 20:30",
}
