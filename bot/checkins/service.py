"""One sweep: claim a due check-in, compose it as a companion turn, record it; repeat.

Each nudge is handled like a message from the person would be:

1. claim due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: another scheduler, or the
   person's own turn in progress, holds one, so we take the next);
2. decide (``policy.decide``): send, wait a little, or let it go;
3. to send, play a companion turn (a ``TurnContext``) that begins the ``checkin`` dialogue, so its
   state is saved like any dialogue's and the buttons work on the person's next event;
4. advance ``next_due_at`` and commit: from here on it counts as sent.

Replies are delivered only after the commit, by the caller (the scheduler), so a crash
can lose a nudge but never send one twice. A sweep never loops: every branch moves the
row's due time past ``now``.

On PostgreSQL a transaction takes a batch of ``BATCH`` rows, each nudge in a savepoint of
its own (one that fails is rolled back alone and its slot moved on). Why: a commit there
waits for the server's disk, and one a nudge was most of a claim's cost (30,000 due at one
minute took 67 s to claim; ``bench/bench_checkins.py``). Batches used to deadlock: the
day's counter rows (``dialogue_started``, ``checkin_sent``, ...) were taken in whatever
order a batch's nudges needed them, and people's own turns take the same rows. Counts are
now written last, in one order, by every transaction (``Repository.finish``), so none waits
for another in a circle (``tests/checkins/test_concurrency.py``). The people of a batch are
locked until it commits: one who writes meanwhile waits that long (a few milliseconds a
nudge). On SQLite a commit costs little and one writer serves everyone, so a batch would
only keep people's turns waiting behind it: one row a transaction there.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from ..core import Companion, sessions
from ..domain import Reply
from ..engine.context import Blanks
from ..ops import metrics
from ..storage import Person, Repository
from ..storage import checkins as store
from .actions import rhythm_of
from .openers import NORMAL, RHYTHM, SOFT, Openers, load_openers
from .policy import NUDGE_DIALOGUE, SEND, SKIP, Decision, Snapshot, decide
from .schedule import next_slot

log = logging.getLogger(__name__)

# Where each kind of check-in enters the ``checkin`` dialogue.
ENTRY = {NORMAL: None, SOFT: "support_first", RHYTHM: "rhythm"}


@dataclass(frozen=True)
class Nudge:
    """A composed check-in, committed and ready to deliver."""

    user: str  # the person's adapter id ("tg:123")
    replies: list[Reply]
    mode: str


@dataclass(frozen=True)
class DueLine:
    """One line of the operator's ``checkins due`` view: ids and reasons, never content."""

    person_id: int
    user: str
    due_at: datetime
    decision: Decision


OPENERS = "checkin_openers"  # the check-in openings in ``Features.assets``
BATCH = 10  # due rows a transaction on PostgreSQL (SQLite: 1); see the module's docstring


class CheckinService:
    def __init__(self, companion: Companion, openers: Openers | None = None, *, grace: timedelta):
        self.companion = companion
        self.fixed_openers = openers  # tests; otherwise the ones loaded with the scripts
        self.grace = grace

    @classmethod
    def from_settings(cls, companion: Companion, dialogues_dir: Path, grace_minutes: int) -> "CheckinService":
        """The service for a built runtime: its openings are those the companion's scripts
        were loaded with, so a reload of the scripts changes them too."""
        if not isinstance(companion.features.assets.get(OPENERS), Openers):
            openers, problems = load_openers(dialogues_dir)
            if problems:
                raise ValueError("; ".join(str(p) for p in problems))
            return cls(companion, openers, grace=timedelta(minutes=grace_minutes))
        return cls(companion, grace=timedelta(minutes=grace_minutes))

    @property
    def openers(self) -> Openers:
        if self.fixed_openers is not None:
            return self.fixed_openers
        loaded = self.companion.features.assets.get(OPENERS)
        assert isinstance(loaded, Openers)  # checkins.install put them there
        return loaded

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.companion.clock

    # -- the sweep ---------------------------------------------------------------------------
    @property
    def batch(self) -> int:
        """Due rows claimed in one transaction (the module's docstring says why)."""
        return 1 if self.companion.db.is_sqlite else BATCH

    def sweep(self, now: datetime | None = None, *, limit: int = 1000) -> list[Nudge]:
        """Handle up to ``limit`` due rows; returns the nudges to deliver, oldest first."""
        now = now or self.clock()
        nudges: list[Nudge] = []
        left = limit
        while left > 0:
            outcomes = self.claim_some(now, min(self.batch, left))
            if not outcomes:
                break
            left -= len(outcomes)
            nudges.extend(outcome for outcome in outcomes if isinstance(outcome, Nudge))
        return nudges

    def claim_some(self, now: datetime, count: int) -> list[Nudge | Decision]:
        """Up to ``count`` due rows in one transaction, oldest first: for each, the nudge to
        deliver or what was decided; [] when no one is due (or all are held elsewhere)."""
        with self.companion.db.transaction() as repo:
            outcomes = [self._handle(repo, row, person, now) for row, person in store.claim_due(repo, now, count)]
        for outcome in outcomes:
            if isinstance(outcome, Nudge):
                metrics.checkin_sent(outcome.mode)  # committed: from here on it counts as sent
        return outcomes

    def _handle(self, repo: Repository, row: store.CheckinSettings, person: Person, now: datetime) -> Nudge | Decision:
        """One claimed row, in a savepoint: one person's failure must not stop everyone
        else's, nor leave their slot due (the sweep would meet it again at once)."""
        person_id = person.id
        try:
            with repo.savepoint():
                decision = decide(self.snapshot(repo, row, person), now, self.grace)
                nudge = self.compose(repo, row, person, decision.mode, now) if decision.action == SEND else None
                self.record(repo, row, decision, now, sent=nudge is not None)
            return nudge or decision
        except Exception:
            log.exception("composing the check-in for person %s failed; skipping this slot", person_id)
            return self.give_up(repo, row, person, now)

    def give_up(self, repo: Repository, row: store.CheckinSettings, person: Person, now: datetime) -> Decision:
        """After a failed nudge (its savepoint rolled back): move the person's slot on."""
        following = next_slot(rhythm_of(row, person.timezone), now)
        decision = Decision(SKIP, "composing failed", following, following)
        self.record(repo, row, decision, now, sent=False)
        repo.count("checkin_failed", now)
        return decision

    def snapshot(self, repo: Repository, row: store.CheckinSettings, person: Person) -> Snapshot:
        active = repo.active_session(person)
        return Snapshot(
            rhythm=rhythm_of(row, person.timezone),
            due=row.next_due_at,  # type: ignore[arg-type]
            slot=row.slot_at,
            last_sent_at=row.last_sent_at,
            missed=row.missed or 0,
            rhythm_asked_at=row.rhythm_asked_at,
            active=bool(person.active),
            adult=person.adult,
            consented=(person.consent_version or 0) >= self.companion.consent_version,
            last_seen_at=person.last_seen_at,
            last_safety_level=person.last_safety_level,
            last_safety_at=person.last_safety_at,
            open_dialogue=active.dialogue_id if active is not None else None,
            open_dialogue_at=active.updated_at if active is not None else None,
            configured_at=row.configured_at,
        )

    def record(self, repo: Repository, row: store.CheckinSettings, decision: Decision, now: datetime, *, sent: bool) -> None:
        """Advance the row: the "mark sent" that makes a second claim impossible."""
        row.next_due_at = max(decision.next_due, now + timedelta(minutes=1))
        row.slot_at = decision.slot
        row.updated_at = now
        if sent:
            row.last_sent_at = now
            row.missed = decision.missed
            if decision.mode == RHYTHM:
                row.rhythm_asked_at = now
            repo.count("checkin_sent", now)
            if decision.mode == SOFT:
                repo.count("checkin_sent_soft", now)
        else:
            repo.count(f"checkin_{decision.action}", now)

    # -- composing ---------------------------------------------------------------------------
    def compose(self, repo: Repository, row: store.CheckinSettings, person: Person, mode: str, now: datetime) -> Nudge:
        """Play the nudge as a companion turn: the ``checkin`` dialogue begins for this person."""
        turn = self.companion.turn(repo, person, now)
        active = repo.active_session(person)
        if active is not None and active.dialogue_id == NUDGE_DIALOGUE:
            sessions.finish(turn, active, completed=False)  # the last check-in went unanswered: let it go
        replies = sessions.begin(turn, NUDGE_DIALOGUE, at_step=ENTRY.get(mode))
        rng = random.Random(f"{person.id}:{now.isoformat()}")
        picked = self.openers.pick(mode, row.last_opening, rng)
        if picked is not None:
            name, template = picked
            context = turn.template_context()
            if self.openers.journal_reads:  # an opening that brings back what they chose
                context["journal"] = Blanks(repo.latest_journal(person, set(self.openers.journal_reads)))
            opening = Openers.render(template, context)
            replies = with_opening(opening, replies)
            row.last_opening = name
        if self.companion.keep_replies(repo, person, replies, now):  # the outbox, when on: sent after commit
            return Nudge(person.external_id, [], mode)
        return Nudge(person.external_id, replies, mode)

    # -- the operator's view -----------------------------------------------------------------
    def due_report(self, now: datetime, limit: int | None = None) -> list[DueLine]:
        """Who would be nudged at ``now`` and why; reads only, changes nothing."""
        lines = []
        with self.companion.db.transaction() as repo:
            for row, person in store.peek_due(repo, now, limit):
                decision = decide(self.snapshot(repo, row, person), now, self.grace)
                lines.append(DueLine(person.id, person.external_id, row.next_due_at, decision))  # type: ignore[arg-type]
        return lines


def with_opening(opening: str, replies: list[Reply]) -> list[Reply]:
    """The opening line joins the first bubble: one message per nudge, not two."""
    if not opening:
        return replies
    if not replies:
        return [Reply(opening)]
    first = replies[0]
    text = f"{opening}\n\n{first.text}" if first.text else opening
    return [replace(first, text=text)] + replies[1:]
