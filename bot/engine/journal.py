"""Who owns a journal key: checks across scripts.

The journal is global: ``ask: need`` in one script and ``ask: need`` in another keep their
answers under the same key, and ``journal.need`` reads back whichever was written last.
A new script that happens to pick a key another script uses would quietly replace what that
script reflects back ("You wrote: ..."). So a key is owned by the one script that asks for
it, unless every script asking for it says the sharing is meant (``shared: [need]``): then
they agree on what the answer is. Each script asking for it without saying so is reported.
A ``shared`` key the script never asks for is a typo.
"""

from __future__ import annotations

from collections.abc import Mapping

from .script import Problem, Script, StepSpec


def check_journal_owners(scripts: Mapping[str, Script]) -> list[Problem]:
    askers: dict[str, list[tuple[Script, StepSpec]]] = {}
    problems: list[Problem] = []
    for script in scripts.values():
        asked = set(script.journal_keys)
        for key in script.shared:
            if key not in asked:
                problems.append(Problem(script.path, script.shared_line, f"'shared: {key}': no step of this script asks for '{key}'"))
        for step in script.steps.values():
            if step.ask and step.ask in asked and not any(s is script for s, _ in askers.get(step.ask, [])):
                askers.setdefault(step.ask, []).append((script, step))
    for key, owners in askers.items():
        if len(owners) < 2:
            continue
        for script, step in owners:
            if key in script.shared:  # this one agrees; the others that don't are reported
                continue
            others = ", ".join(other.path.name for other, _ in owners if other is not script)
            problems.append(Problem(
                script.path, step.line,
                f"'ask: {key}': {others} asks for '{key}' too, and the journal keeps one '{key}' for every script, so one answer "
                f"would replace the other: use a key of this script's own, or, if both mean the same answer, add 'shared: [{key}]' to each",
            ))
    return problems
