"""A writer's preview of one script: a stand-in person, made up on the spot, placed at any
step with the journal and variables the writer chose, with no onboarding.

Only ``innerchild dialogues play`` uses this, on a throwaway database. The stand-in is an
adult who agreed to the current consent version, so the gate never sends them elsewhere;
after the opening, every message is an ordinary turn (``Companion.handle``), safety first,
so the preview shows what a person would see. ``progress`` tells the adapter when the
script is over, so the preview can end there instead of wandering into the menu.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..domain import Reply
from ..engine import SessionState
from ..engine.machine import CompiledScript
from . import sessions
from .companion import Companion
from .context import TurnContext


@dataclass(frozen=True)
class StandIn:
    """Who plays the script: their names, country, and what their journal already holds."""

    name: str | None = None
    child_name: str | None = None
    country: str | None = None
    journal: Mapping[str, str] = field(default_factory=dict)  # key -> text, read as journal.KEY


class Progress(enum.Enum):
    """Where the previewed script stands after a turn."""

    PLAYING = "playing"  # active, or paused (a support card stepped in, a visit, /pause)
    FINISHED = "finished"  # it reached its end (or started the next dialogue)
    LEFT = "left"  # closed unfinished (another support card replaced it)
    GONE = "gone"  # the stand-in deleted everything (/delete)


@dataclass(frozen=True)
class Standing:
    progress: Progress
    now_in: str | None = None  # the dialogue active now, if another one (where ``start:`` led)


def open_preview(companion: Companion, user: str, stand_in: StandIn, dialogue_id: str, *, step: str | None = None, variables: Mapping[str, object] | None = None) -> list[Reply]:
    """Make the stand-in, then begin ``dialogue_id`` at ``step`` (its start by default), as
    one turn. The journal values this script asks for itself are also its ``answers``, as
    if the stand-in had written them on the way to ``step``."""
    compiled = companion.library.get(dialogue_id)
    if compiled is None or (step is not None and step not in compiled.script.steps):
        raise ValueError(f"no step '{step}' in dialogue '{dialogue_id}'")
    now = companion.clock()
    with companion.db.transaction() as repo:
        person, _created = repo.get_or_create_person(user, now)
        person.adult = True
        person.consent_version = companion.consent_version
        person.consented_at = now
        person.name = stand_in.name
        person.child_name = stand_in.child_name
        person.country = stand_in.country
        for key, text in stand_in.journal.items():
            repo.add_journal(person, asked_by(companion, key, dialogue_id), key, text, now)
        ctx = companion.turn(repo, person, now)
        answers = {k: v for k, v in stand_in.journal.items() if k in compiled.script.journal_keys}
        at = SessionState(dialogue_id, step or compiled.script.start, vars=dict(variables or {}), answers=answers)
        return begin_at(ctx, compiled, at)


def begin_at(ctx: TurnContext, compiled: CompiledScript, at: SessionState) -> list[Reply]:
    """A new session arriving at ``at``: its step speaks, and a step that only speaks moves
    on, as in the real bot (``sessions.begin`` shows a waiting step without arriving)."""
    result = compiled.begin(ctx.template_context(compiled), at)
    return sessions.apply(ctx, sessions.add_session(ctx, compiled, result.session), result)


def asked_by(companion: Companion, key: str, previewed: str) -> str:
    """The dialogue whose step asks ``key`` (this one first), so /journal names it rightly."""
    scripts = companion.library.scripts
    if key in scripts[previewed].script.journal_keys:
        return previewed
    return next((id_ for id_, c in sorted(scripts.items()) if key in c.script.journal_keys), previewed)


def progress(companion: Companion, user: str, dialogue_id: str) -> Standing:
    """Whether the previewed dialogue is still under way, in a short read of its own."""
    with companion.db.transaction() as repo:
        person = repo.find_person(user)
        if person is None:
            return Standing(Progress.GONE)
        active = repo.active_session(person)
        if active is not None and active.dialogue_id == dialogue_id:
            return Standing(Progress.PLAYING)
        if any(p.dialogue_id == dialogue_id for p in repo.paused_sessions(person)):
            return Standing(Progress.PLAYING)
        now_in = active.dialogue_id if active is not None else None
        done = Progress.FINISHED if dialogue_id in repo.finished_dialogues(person) else Progress.LEFT
        return Standing(done, now_in)
