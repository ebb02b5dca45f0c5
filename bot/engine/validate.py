"""Checks on scripts that an operator would otherwise find only by playing every path.

Structural checks (unknown steps and dialogues, unreachable steps, dead ends, loops that
never wait), template checks (unknown names, rendering with a sample person, Telegram's
limits) and content checks from the writing guide (short bubbles, at most three in a row,
short button labels, heavy scripts that open with a check-in and close in the present).
Every problem names the file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import Template, TemplateError, TemplateSyntaxError

from .script import PROFILE_PREFIX, Bubble, ButtonSpec, Problem, Script, StepSpec, Target
from .context import SHORT_ANSWER, Blanks, sample_context
from .meanings import Meanings
from .templates import BASE_NAMES, CompanionEnvironment, attribute_uses, template_source, undeclared_names, visible_length

TELEGRAM_MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
BUBBLE_LIMIT = 350  # the writing guide: about 350 characters at most
BUBBLES_IN_A_ROW = 3
LABEL_LIMIT = 30  # Telegram shows about 20 characters of a button well; 30 is the hard stop

LONG_ANSWER = "I remember the garden. " * 20  # for Telegram's hard limit: answers can be long

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
    for script in scripts.values():
        checker = _ScriptChecker(env, script, scripts, templates, vocabulary, meanings or Meanings())
        checker.run()
        problems.extend(checker.problems)
    return problems


class _ScriptChecker:
    def __init__(
        self,
        env: CompanionEnvironment,
        script: Script,
        scripts: Mapping[str, Script],
        templates: Mapping[int, Template],
        vocabulary: Vocabulary,
        meanings: Meanings,
    ):
        self.meanings = meanings
        self.env = env
        self.script = script
        self.scripts = scripts
        self.templates = templates
        self.vocabulary = vocabulary
        self.problems: list[Problem] = []
        self.var_names = set(script.variables) | {
            key for step in script.steps.values() for b in step.buttons for key, _ in b.sets
        }

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
        for bubble in step.say:
            self.check_bubble(bubble, step)

    def check_means(self, button: ButtonSpec) -> None:
        for entry in button.means:
            if "_" in entry and " " not in entry and entry not in self.meanings:
                known = ", ".join(sorted(self.meanings.table)) or "none"
                self.problem(button.line, f"'means: {entry}': no such meaning in meanings.yaml (known: {known}); a phrase of your own goes in quotes with spaces")

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

    def check_names(self, source: str, line: int) -> None:
        unknown = undeclared_names(self.env, source) - BASE_NAMES
        for name in sorted(unknown):
            self.problem(line, f"unknown name '{name}' in a template (known: {', '.join(sorted(BASE_NAMES))})")
        for key in sorted(attribute_uses(self.env, source, "answers") - set(self.script.journal_keys)):
            self.problem(line, f"'answers.{key}': no step of this script asks for '{key}'")
        for key in sorted(attribute_uses(self.env, source, "vars") - self.var_names):
            self.problem(line, f"'vars.{key}' is never set: declare it under 'vars:' or set it on a button")

    def check_expression(self, source: str, line: int) -> None:
        try:
            self.env.compile_expression(source)
        except TemplateSyntaxError as exc:
            self.problem(line, f"condition '{source}': {exc.message}")
            return
        self.check_names("{{ " + source + " }}", line)

    def check_bubble(self, bubble: Bubble, step: StepSpec) -> None:
        template = self.templates.get(id(bubble))
        if template is None:
            return  # its syntax problem is reported already
        try:
            source = template_source(self.env, bubble)
        except TemplateError:
            return
        self.check_names(source, bubble.line)
        if self.script.phase == "support":
            plain = source.casefold().replace("’", "'")
            for promise in PRESENCE_PROMISES:
                if promise in plain:
                    self.problem(bubble.line, f"'{promise}': a program cannot notice silence, so it never promises presence; say what it can do (SAFETY.md)")
        try:
            short_text = template.render(self.sample(SHORT_ANSWER))
            long_text = template.render(self.sample(LONG_ANSWER))
        except Exception as exc:  # noqa: BLE001 - any render failure is the writer's to see
            self.problem(bubble.line, f"template does not render for a sample person: {exc}")
            return
        length = visible_length(long_text.strip())
        if length > TELEGRAM_MESSAGE_LIMIT:
            self.problem(bubble.line, f"message can reach {length} characters, over Telegram's {TELEGRAM_MESSAGE_LIMIT}")
        length = visible_length(short_text.strip())
        if length > BUBBLE_LIMIT and self.script.phase != "support":
            self.problem(bubble.line, f"bubble is {length} characters; keep each to about {BUBBLE_LIMIT} (split it)")

    def sample(self, answer: str) -> dict[str, object]:
        """The sample person, with every answer they could have written set to ``answer``."""
        return sample_context(answer) | {
            "answers": Blanks(default=answer),
            "vars": dict(self.script.variables),
            "title": self.script.title,
        }

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
        count = len(step.say)
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
