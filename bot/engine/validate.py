"""Checks on scripts that an operator would otherwise find only by playing every path.

Structural checks (unknown steps and dialogues, unreachable steps, dead ends, loops that
never wait, a waiting step that can say nothing), template checks (``templatecheck``: names,
rendering for several sample people, Telegram's limits), content checks from the writing
guide (short bubbles, at most three in a row, short and distinct button labels, heavy
scripts that open with a check-in and close in the present), and checks across scripts
(``journal``: who owns a journal key). Every problem names the file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import Template, TemplateSyntaxError

from .script import PROFILE_PREFIX, Bubble, ButtonSpec, Problem, Script, StepSpec, Target
from .journal import check_journal_owners
from .meanings import CLAUSE, Meanings, normalise
from .templatecheck import BUBBLE_LIMIT, TELEGRAM_MESSAGE_LIMIT, Rendered, TemplateChecks, said_nothing, style
from .templates import CompanionEnvironment, name_lines

__all__ = ["BUBBLE_LIMIT", "TELEGRAM_MESSAGE_LIMIT", "Vocabulary", "check_pause_labels", "check_scripts"]

CALLBACK_DATA_LIMIT = 64
BUBBLES_IN_A_ROW = 3
UNVARIED_PHASES = ("arrive", "support")  # onboarding is met once; support cards stay predictable
LABEL_LIMIT = 30  # Telegram shows about 20 characters of a button well; 30 is the hard stop

# Presence a program cannot keep (SAFETY.md): it cannot notice silence, so support scripts
# never promise to stay, watch or listen.
PRESENCE_PROMISES = (
    "staying right here", "still here with you", "stay with you", "right here with you",
    "not going anywhere", "i hear you", "i'll be right here", "i will be right here", "i'm watching",
)


@dataclass(frozen=True)
class Vocabulary:
    """What the running companion offers scripts: ``do:`` actions and ``ask: profile.*`` fields."""

    actions: frozenset[str] = frozenset()
    profile_fields: frozenset[str] = frozenset({"name", "child_name", "country", "timezone"})
    texts: frozenset[str] = frozenset()  # keys the companion needs from texts.yaml


def check_scripts(
    env: CompanionEnvironment,
    scripts: Mapping[str, Script],
    templates: Mapping[int, Template],
    vocabulary: Vocabulary,
    meanings: Meanings | None = None,
) -> list[Problem]:
    problems: list[Problem] = []
    template_checks = TemplateChecks(env, scripts)
    for script in scripts.values():
        checker = _ScriptChecker(env, script, scripts, templates, vocabulary, meanings or Meanings(), template_checks)
        checker.run()
        problems.extend(checker.problems)
    problems.extend(check_journal_owners(scripts))
    return problems


def check_pause_labels(scripts: Mapping[str, Script], pause_label: str) -> list[Problem]:
    """A button labelled like the automatic "Pause for now" beside it: two buttons that look
    the same and do different things, and typing the label could mean either."""
    from .machine import leads_out

    problems: list[Problem] = []
    if not pause_label:
        return problems
    for script in scripts.values():
        if script.phase == "support":
            continue
        for step in script.steps.values():
            if not step.waits or not step.pause_button or any(leads_out(script, b.target) for b in step.buttons):
                continue
            for button in step.buttons:
                if _words(button.label) == _words(pause_label):
                    problems.append(Problem(script.path, button.line, f"'{button.label}' is also the automatic pause button's label here (texts.yaml button_pause): give this button other words"))
    return problems


def _words(label: str) -> str:
    """A label as typing reads it: capitals, apostrophes and punctuation aside."""
    return " ".join(normalise(label).replace(CLAUSE, " ").split())


class _ScriptChecker:
    def __init__(
        self,
        env: CompanionEnvironment,
        script: Script,
        scripts: Mapping[str, Script],
        templates: Mapping[int, Template],
        vocabulary: Vocabulary,
        meanings: Meanings,
        template_checks: TemplateChecks,
    ):
        self.template_checks = template_checks
        self.meanings = meanings
        self.env = env
        self.script = script
        self.scripts = scripts
        self.templates = templates
        self.vocabulary = vocabulary
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.script.path, line, message))

    def run(self) -> None:
        script = self.script
        if not script.steps or script.start not in script.steps:
            return
        for step in script.steps.values():
            self.check_step(step)
        self.check_reachable()
        self.check_pass_through_loops()
        self.check_bubbles_in_a_row()
        self.check_variety()
        for entry in script.suggest_when:
            self.check_meaning(entry, script.suggest_line, "suggest_when")
        if script.heavy:
            self.check_heavy()

    # -- one step ----------------------------------------------------------------------
    def check_step(self, step: StepSpec) -> None:
        if not step.waits and not step.end and not step.then:
            self.problem(step.line, f"step '{step.name}' has no way forward: add buttons, 'then', or 'end: true'")
        if step.waits and not step.say:
            self.problem(step.line, f"step '{step.name}' waits for the person but says nothing")
        if step.waits and not step.pause_button and self.script.phase != "support":
            from .machine import leads_out

            if not any(leads_out(self.script, b.target) for b in step.buttons):
                self.problem(step.line, f"step '{step.name}' offers no way to pause or stop: keep its Pause button or add a button that leaves")
        if step.ask and step.ask.startswith(PROFILE_PREFIX):
            field = step.ask[len(PROFILE_PREFIX):]
            if field not in self.vocabulary.profile_fields:
                known = ", ".join(sorted(self.vocabulary.profile_fields))
                self.problem(step.line, f"'ask: {step.ask}': no such profile field (known: {known})")
        for action in step.actions:
            self.check_action(action, step.actions_line)
        for route in step.then + step.otherwise:
            self.check_target(route, step)
        if self.script.phase == "support" and step.buttons and not step.ask and not step.otherwise:
            self.problem(step.line, f"step '{step.name}' is in a support script: add 'otherwise:' for typed words no button means (someone in crisis may type instead of tapping)")
        for button in step.buttons:
            self.check_means(button)
            if button.target.pause and self.script.phase == "support":
                self.problem(button.line, "a support script offers no pause: someone in crisis needs the way on, not a way to stop halfway")
            self.check_target(button.target, step)
            self.check_label(button.label, button.line)
            if button.target.end and self.script.phase != "support":
                self.problem(button.line, "this button ends the dialogue without a word: lead it to a closing step (go: a step with end: true)")
            for action in button.actions:
                self.check_action(action, button.line)
            if button.condition:
                self.check_expression(button.condition, button.line)
        self.check_labels_differ(step)
        rendered = [r for r in (self.check_bubble(bubble) for bubble in step.say) if r is not None]
        who = said_nothing(self.template_checks.people, rendered) if step.waits else None
        if who:
            self.problem(step.line, f"step '{step.name}' says nothing at all for {who}, so its buttons or question would never arrive: give it a bubble with words for everyone")

    def check_labels_differ(self, step: StepSpec) -> None:
        """Two buttons of one step with the same words: the person cannot tell them apart,
        and typing the label presses neither. Buttons that both have an ``if`` may never
        show together, so they may share a label."""
        seen: dict[str, ButtonSpec] = {}
        for button in step.buttons:
            words = _words(button.label)
            first = seen.get(words)
            if words and first is not None and not (first.condition and button.condition):
                self.problem(button.line, f"button label '{button.label}' is used twice in step '{step.name}' (also line {first.line}): give each button its own words")
            seen.setdefault(words, button)

    def check_means(self, button: ButtonSpec) -> None:
        for entry in button.means:
            self.check_meaning(entry, button.line, "means")

    def check_meaning(self, entry: str, line: int, key: str) -> None:
        if "_" in entry and " " not in entry and entry not in self.meanings:
            known = ", ".join(sorted(self.meanings.table)) or "none"
            self.problem(line, f"'{key}: {entry}': no such meaning in meanings.yaml (known: {known}); a phrase of your own goes in quotes with spaces")

    def check_action(self, action: str, line: int) -> None:
        if action not in self.vocabulary.actions:
            known = ", ".join(sorted(self.vocabulary.actions)) or "none"
            self.problem(line, f"unknown action '{action}' (known: {known})")

    def check_target(self, target: Target, step: StepSpec) -> None:
        if target.go and target.go not in self.script.steps:
            self.problem(target.line, f"step '{target.go}' does not exist in {self.script.id}")
        for other in (target.start, target.visit):
            if other and other not in self.scripts:
                self.problem(target.line, f"dialogue '{other}' does not exist")
        if target.condition:
            self.check_expression(target.condition, target.line)

    def check_label(self, label: str, line: int) -> None:
        if not label:
            self.problem(line, "a button needs a label")
        elif len(label.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            self.problem(line, f"button label is over {CALLBACK_DATA_LIMIT} bytes and will not fit a button")
        elif len(label) > LABEL_LIMIT:
            self.problem(line, f"button label '{label}' is {len(label)} characters; keep it to {LABEL_LIMIT} or fewer")

    def check_expression(self, source: str, line: int) -> None:
        try:
            self.env.compile_expression(source)
        except TemplateSyntaxError as exc:
            self.problem(line, f"condition '{source}': {exc.message}")
            return
        place = lambda _line: (self.script.path, line)  # noqa: E731 - a condition is one line
        self.problems.extend(self.template_checks.names(self.script, "{{ " + source + " }}", place))

    def check_bubble(self, bubble: Bubble) -> Rendered | None:
        """Names, the writing guide's promises, and the bubble for every sample person."""
        template = self.templates.get(id(bubble))
        if template is None:
            return None  # its syntax problem is reported already
        source = self.template_checks.source(bubble)
        checks = self.template_checks
        self.problems.extend(checks.names(self.script, source, checks.place(self.script, bubble), bubble.file))
        if self.script.phase == "support":
            plain = source.casefold().replace("’", "'")
            for promise in PRESENCE_PROMISES:
                if promise in plain:
                    self.problem(bubble.line, f"'{promise}': a program cannot notice silence, so it never promises presence; say what it can do (SAFETY.md)")
        rendered, problems = checks.bubble(self.script, bubble, template, self.script.phase == "support")
        self.problems.extend(problems)
        return rendered

    # -- the whole graph -----------------------------------------------------------------
    def successors(self, step: StepSpec) -> list[str]:
        targets = [b.target for b in step.buttons] + list(step.then) + list(step.otherwise)
        return [t.go for t in targets if t.go and t.go in self.script.steps]

    def check_reachable(self) -> None:
        seen = {self.script.start}
        todo = [self.script.start]
        while todo:
            for nxt in self.successors(self.script.steps[todo.pop()]):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        for name, step in self.script.steps.items():
            if name not in seen:
                self.problem(step.line, f"step '{name}' cannot be reached from '{self.script.start}'")

    def check_pass_through_loops(self) -> None:
        steps = self.script.steps
        for name, step in steps.items():
            if not step.passes_through:
                continue
            path, current = [name], step
            while current.passes_through and current.then:
                nxt = current.then[0].go
                if not nxt or nxt not in steps:
                    break
                if nxt in path:
                    self.problem(step.line, f"steps {' -> '.join(path + [nxt])} loop without ever waiting")
                    return
                path.append(nxt)
                current = steps[nxt]

    def bubbles_from(self, name: str, depth: int = 0) -> int:
        step = self.script.steps[name]
        count = sum(1 for bubble in step.say if bubble.variant == 0)  # a one_of says one version
        if step.passes_through and depth < 20:
            nexts = [r.go for r in step.then if r.go in self.script.steps]
            count += max((self.bubbles_from(n, depth + 1) for n in nexts), default=0)
        return count

    def check_bubbles_in_a_row(self) -> None:
        if self.script.phase == "support":
            return
        for name, step in self.script.steps.items():
            count = self.bubbles_from(name)
            if count > BUBBLES_IN_A_ROW:
                self.problem(step.line, f"step '{name}' sends {count} bubbles in a row; keep it to {BUBBLES_IN_A_ROW}")

    def check_variety(self) -> None:
        """A script someone comes back to (in /menu, on the path) opens and closes differently
        on a second visit: the first bubble of its start step and of every closing step is a
        ``one_of`` (or reads ``visits``). Word for word the same again reads as a recording."""
        script = self.script
        if not script.menu or script.phase in UNVARIED_PHASES:
            return
        if not self.varies(script.steps[script.start]):
            self.problem(script.steps[script.start].line, style(f"'{script.start}' opens the script: give its first bubble a second version (one_of: [...]), so a second visit opens differently"))
        for step in script.steps.values():
            if step.end and not self.varies(step):
                self.problem(step.line, style(f"'{step.name}' closes the script: give its first bubble a second version (one_of: [...]), so endings vary from visit to visit"))

    def varies(self, step: StepSpec) -> bool:
        if not step.say:
            return True  # nothing said here: the words come from where it was reached
        first = step.say[0]
        if first.variants > 1:
            return True
        try:
            return "visits" in name_lines(self.env, self.template_checks.source(first))
        except TemplateSyntaxError:
            return True  # reported where templates are compiled

    def check_heavy(self) -> None:
        start = self.script.steps[self.script.start]
        if not start.checkin:
            self.problem(start.line, "a heavy script opens with a check-in: mark its first step 'checkin: true'")
        for step in self.script.steps.values():
            if step.end and not step.present:
                self.problem(step.line, f"a heavy script closes in the present: mark '{step.name}' 'present: true' or end through such a step")
            for button in step.buttons:
                if button.target.end and not step.present:
                    self.problem(button.line, "in a heavy script, a way out leads to a closing step that returns to the present")
