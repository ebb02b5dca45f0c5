"""Keeping people on a sensible step when a writer changes a script they are in.

Each session remembers the version of the script it last ran on (``script_version``, a
digest of the file and its templates). When the script running now has another version, the
person's step is looked up again before anything else is done with it:

- the step is still there: nothing changes (its buttons are found by key, not position);
- a step says ``renamed_from: <their step>``: they continue there, without a word;
- otherwise the step is gone: a gentle note, and the most recent step of their way through
  this session that still exists (its trail of waiting steps), else the script's first step
  that waits. Never an error, and the safety step has already answered by then.

Only step names are involved, never what the person wrote.
"""

from __future__ import annotations

import logging

from ..engine.machine import CompiledScript
from ..engine.script import Script
from ..storage import DialogueSession
from .effects import JOURNAL_ENTRY, PENDING_NAME, PENDING_ZONE

log = logging.getLogger(__name__)


def settle(session: DialogueSession, compiled: CompiledScript) -> bool:
    """Bring ``session`` onto the script as it is now; True when its step was gone and the
    person must be told they continue somewhere else."""
    script = compiled.script
    if session.script_version == compiled.version and session.state in script.steps:
        return False
    moved = False
    if session.state not in script.steps:
        renamed = renamed_step(script, session.state)
        if renamed is not None:
            log.info("dialogue %s: a session on renamed step %s continues at %s", script.id, session.state, renamed)
            session.state = renamed
        else:
            safe = safe_point(script, trail_of(session))
            log.info("dialogue %s: step %s is gone; a session continues at %s", script.id, session.state, safe)
            session.state = safe
            forget_parts(session)
            moved = True
    session.script_version = compiled.version
    return moved


def renamed_step(script: Script, old: str) -> str | None:
    """The step that says it was once called ``old``."""
    return next((step.name for step in script.steps.values() if old in step.renamed_from), None)


def safe_point(script: Script, trail: list[str]) -> str:
    """The latest waiting step of the trail the script still has (by its name now), else the
    first step from the start that waits."""
    for name in reversed(trail):
        now = name if name in script.steps else renamed_step(script, name)
        if now is not None and script.steps[now].waits:
            return now
    return first_waiting(script)


def first_waiting(script: Script) -> str:
    """From the start, through steps that only speak, to the first that waits (or ends)."""
    name, seen = script.start, set()
    while name not in seen:
        seen.add(name)
        step = script.steps[name]
        if not step.passes_through:
            return name
        onward = [route.go for route in step.then if route.go in script.steps and route.condition is None]
        if not onward:
            return name
        name = onward[0]
    return script.start


def trail_of(session: DialogueSession) -> list[str]:
    trail = (session.context or {}).get("trail", [])
    return [str(name) for name in trail] if isinstance(trail, list) else []


def forget_parts(session: DialogueSession) -> None:
    """An answer in several messages (or a name or time zone waiting to be confirmed) belonged to the
    step that is gone; what was kept of it stays in the journal, and the new step starts its own."""
    if session.context:
        context = dict(session.context)
        context.pop("parts", None)
        context.pop(JOURNAL_ENTRY, None)
        context.pop(PENDING_NAME, None)
        context.pop(PENDING_ZONE, None)
        session.context = context
