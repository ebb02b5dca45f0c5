"""Dialogue funnels: for each script, how many sessions began, how many were finished, and
at which step the unfinished ones stopped, with the small-cell rule applied. Counts only: no
message text and no person identifier ever reaches a funnel.

Definitions (a row of ``dialogue_sessions`` is one session; see ``bot/core/sessions.py``):

- **started**: sessions begun. Every ``begin`` creates one session, so each begin is one
  start: a menu choice, a support card stepping in, a check-in, a script chaining on to the
  next. Resuming (/resume, or the way back after a detour or a card) continues the same
  session; beginning the same script again is a new start.
- **finished**: sessions whose status is FINISHED (the script reached an end, or went on
  to the next script with ``start:``).
- **unfinished**: every other session: ACTIVE (the one a person is in now), PAUSED
  (waiting for /resume, or behind a card, a detour or another script the person opened)
  and ABANDONED (replaced by a newer pause of the same script, a support card left for
  something else, or ended because its script or step was removed). Started = finished +
  unfinished.
- **stopped at**: the ``state`` (step name) of an unfinished session: the step it waits at,
  or the one it was at when it was left.
- Only people still stored count: /delete and retention take a person's sessions with them
  (the daily usage counts in ``innerchild stats`` survive deletion, so they can be higher).

Groups: ``support`` (scripts of phase ``support``: the safety cards, sos, youth, reconsent),
``scripts`` (the rest of the library) and ``removed`` (ids no longer in the library). A step
the script no longer has is marked ``in_script: false``.

The small-cell rule, so that no count can single a person out (N is ``min_count``, 5 unless
told): a count is shown only when it holds at least N sessions of at least N different
people; otherwise it reads ``"<N"``. Sessions and people both: five sessions may all be
one person's. Zero is below N too ("0 of 40 finished" would tell something of each of the
40). When finished or unfinished is withheld, started reads as a lower bound (``"12+"``), so
the withheld count cannot be had by subtraction, and no completion rate is given: a rate is
only ever computed from two shown counts. Steps are listed only when they pass the rule
themselves; the others are not named. There is no total over scripts (it would give
withheld counts away), and scripts are ordered by what is shown, never by a hidden count.
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import DialogueLibrary
from .storage import Repository
from .storage.stats import DialogueTally, Tally, dialogue_tallies

MIN_COUNT = 5
SUPPORT_PHASE = "support"
GROUPS = ("scripts", "support", "removed")

Count = int | str  # an exact count, "<N" (withheld) or "M+" (at least M)


@dataclass(frozen=True)
class Stop:
    step: str
    count: int
    in_script: bool  # False: the script no longer has this step (or the script is gone)


@dataclass(frozen=True)
class Funnel:
    """One script's funnel, as it may be shown: every count already through the rule."""

    id: str
    title: str  # "" for a removed script
    group: str  # one of GROUPS
    started: Count
    finished: Count
    unfinished: Count
    rate: float | None  # finished / started, only when both parts are shown
    stops: tuple[Stop, ...]  # largest first; only steps that pass the rule


@dataclass(frozen=True)
class FunnelReport:
    min_count: int
    funnels: tuple[Funnel, ...]  # grouped as GROUPS, each by started (largest first)

    def group(self, name: str) -> list[Funnel]:
        return [f for f in self.funnels if f.group == name]


def dialogue_funnels(repo: Repository, library: DialogueLibrary, min_count: int = MIN_COUNT) -> FunnelReport:
    """Every script of the library (those no one began too) and every removed id that has
    sessions, each through the small-cell rule."""
    tallies = {t.dialogue_id: t for t in dialogue_tallies(repo)}
    funnels = []
    for dialogue_id in sorted(set(library.scripts) | set(tallies)):
        compiled = library.get(dialogue_id)
        tally = tallies.get(dialogue_id) or DialogueTally(dialogue_id, Tally(0, 0), Tally(0, 0), Tally(0, 0))
        if compiled is None:
            group, title, steps = "removed", "", frozenset[str]()
        else:
            group = "support" if compiled.script.phase == SUPPORT_PHASE else "scripts"
            title, steps = compiled.script.title, frozenset(compiled.script.steps)
        funnels.append(funnel(tally, group, title, steps, min_count))
    funnels.sort(key=lambda f: (GROUPS.index(f.group), *_order(f.started), f.id))
    return FunnelReport(min_count, tuple(funnels))


def funnel(tally: DialogueTally, group: str, title: str, steps: frozenset[str], min_count: int) -> Funnel:
    """The small-cell rule (module docstring) applied to one script's exact counts."""
    withheld = f"<{min_count}"

    def shows(cell: Tally) -> bool:
        return min_count <= 1 or (cell.sessions >= min_count and cell.people >= min_count)

    def made(started: Count, finished: Count, unfinished: Count, rate: float | None = None, stops: tuple[Stop, ...] = ()) -> Funnel:
        return Funnel(tally.dialogue_id, title, group, started, finished, unfinished, rate, stops)

    if not shows(tally.started):
        return made(withheld, withheld, withheld)
    finished = tally.finished.sessions if shows(tally.finished) else withheld
    unfinished = tally.unfinished.sessions if shows(tally.unfinished) else withheld
    stops = tuple(
        Stop(step, cell.sessions, step in steps)
        for step, cell in sorted(tally.stopped_at.items(), key=lambda item: (-item[1].sessions, item[0]))
        if shows(cell)
    )
    if isinstance(finished, int) and isinstance(unfinished, int):
        started = tally.started.sessions
        return made(started, finished, unfinished, round(finished / started, 2) if started else None, stops)
    shown = [c for c in (finished, unfinished) if isinstance(c, int)]
    return made(f"{max([min_count, *shown])}+", finished, unfinished, None, stops)


def _order(started: Count) -> tuple[int, int]:
    """Sort by what is shown only (the exact number behind "<5" must not order anything):
    shown counts and bounds, largest first, then the withheld ones (by id)."""
    if isinstance(started, int):
        return (0, -started)
    if started.endswith("+"):
        return (0, -int(started[:-1]))
    return (1, 0)


def percent(rate: float | None) -> str:
    return "" if rate is None else f"{round(rate * 100)}%"


def report_json(report: FunnelReport) -> dict[str, object]:
    """The machine-readable form: counts are numbers, or strings ("<5", "12+") when the
    rule withholds them; ``completion_rate`` is a fraction or null."""
    return {
        "min_count": report.min_count,
        "dialogues": [
            {
                "id": f.id,
                "title": f.title or None,
                "group": f.group,
                "started": f.started,
                "finished": f.finished,
                "unfinished": f.unfinished,
                "completion_rate": f.rate,
                "stopped_at": [{"step": s.step, "count": s.count, "in_script": s.in_script} for s in f.stops],
            }
            for f in report.funnels
        ],
    }


def summary(report: FunnelReport, *, scripts: int = 5, support: int = 4) -> dict[str, object]:
    """What /stats shows: the most started scripts and support cards (only those whose
    started count is shown), each with its completion and the step most stop at. Bounded
    (a few lines, ids and step names of at most 64 characters) to fit one Telegram message."""

    def line(f: Funnel) -> dict[str, object]:
        stop = f.stops[0] if f.stops else None
        return {
            "id": f.id,
            "started": str(f.started),
            "finished": str(f.finished),
            "rate": percent(f.rate),
            "stop": stop.step if stop else "",
            "stop_count": stop.count if stop else 0,
            "stop_removed": bool(stop and not stop.in_script),
        }

    def top(group: str, limit: int) -> list[dict[str, object]]:
        return [line(f) for f in report.group(group) if f.started != 0 and _order(f.started)[0] == 0][:limit]

    return {
        "min_count": report.min_count,
        "scripts": top("scripts", scripts),
        "support": top("support", support),
        "removed": len(report.group("removed")),
    }
