"""What a turn costs the database, pinned so that a regression shows, on each backend.

A turn as Telegram runs it: the companion's transaction (with its replies kept in the
outbox, claimed for sending) and the sending of those replies (each forgotten once out, the
last with a look for more). The conversation is the first letter, which reads two journal
keys back. Counted: SQL statements (``before_cursor_execute``), transactions (``begin``) and
decrypted values.

- a typical text turn and button turn stay under a bound, and take one transaction (a text
  two: the safety check reads the person's recent levels first) and one more a bubble;
- a person with 1,000 journal entries (all under the keys read back) and 200 finished
  sessions runs exactly the statements a new person runs, and decrypts no more than the
  newest answer under each key read: a turn's cost does not grow with a person's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert

from bot.core import Deliveries
from bot.domain import Event, EventKind, Reply
from bot.storage import Cipher, DialogueSession, JournalEntry, Person

LETTER = "Dear Little Sam, I see you. I see how hard you tried to be good so nobody would be cross."
# (kind, what): a text typed, or the button with that label pressed
ROUND = (
    ("command", "first_letter"),
    ("press", "Ready enough"),
    ("press", "I see you"),
    ("text", LETTER),
    ("text", "You didn't have to earn being loved."),
    ("press", "That's all"),
    ("press", "Yes, show me"),
    ("text", "It sounds like something I'd say to a friend's child."),
    ("text", "The window, it's raining"),
)
# Statements a turn may run, the turn and the sending of its replies together (8 to 15
# today, with one to three bubbles; before issue 17: 24 to 35): a regression shows here first.
TURN_AT_MOST = 15
# The turn's own statements, without the sending (a text's include the safety check's read
# before the transaction): today's, exactly.
TRANSACTION_AT_MOST = {"text": 9, "press": 6, "command": 9}


@dataclass
class Counted:
    statements: list[int] = field(default_factory=list)  # each turn, sending included
    in_turn: list[int] = field(default_factory=list)  # each turn's own transaction
    transactions: list[int] = field(default_factory=list)  # each turn, sending included
    decrypted: list[int] = field(default_factory=list)
    bubbles: list[int] = field(default_factory=list)


class Meter:
    """Statements sent to the database and values decrypted, since the last ``take``."""

    def __init__(self, runtime, monkeypatch) -> None:
        self.statements = self.transactions = self.decrypted = 0
        event.listen(runtime.database.engine, "before_cursor_execute", self._statement)
        event.listen(runtime.database.engine, "begin", self._begin)
        real = Cipher.decrypt

        def decrypt(cipher: Cipher, token: str) -> str:
            self.decrypted += 1
            return real(cipher, token)

        monkeypatch.setattr(Cipher, "decrypt", decrypt)

    def _statement(self, _connection: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.strip().upper().startswith("BEGIN"):
            return  # SQLite's explicit BEGIN IMMEDIATE (one writer): the transaction's start, not work; counted in transactions
        self.statements += 1

    def _begin(self, *_args: object) -> None:
        self.transactions += 1

    def take(self) -> tuple[int, int, int]:
        counted = (self.statements, self.transactions, self.decrypted)
        self.statements = self.transactions = self.decrypted = 0
        return counted


def onboarded(runtime, user: str, *, history: bool = False) -> None:
    """Someone who went through onboarding; with ``history``: 1,000 journal entries under the
    keys the first letter reads back, and 200 finished sessions."""
    now = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    with runtime.database.transaction() as repo:
        person = Person(external_id=user, created_at=now, last_seen_at=now, active=True, consent_version=runtime.companion.consent_version,
                        consented_at=now, adult=True, name="Sam", child_name="Little Sam", country="GB", timezone="Europe/London", recent_safety=[])
        repo.session.add(person)
        repo.session.flush()
        if history:
            keys = ("first_letter", "younger_needs_to_hear")
            repo.session.execute(insert(JournalEntry), [
                dict(person_id=person.id, dialogue_id="first_letter", key=keys[i % 2], text=f"letter {i}", created_at=now + timedelta(minutes=i))
                for i in range(1_000)
            ])
            dialogues = ("grounding", "journaling", "first_letter", "play")
            repo.session.add_all([
                DialogueSession(person_id=person.id, dialogue_id=dialogues[i % 4], state="end", step=3, status="finished",
                                started_at=now, updated_at=now, finished_at=now)
                for i in range(200)
            ])


def drain(outbox: Deliveries, user: str) -> list[Reply]:
    """What ``TelegramAdapter.drain_held`` does with the database, without Telegram."""
    sent: list[Reply] = []
    while waiting := outbox.claim(user):
        for bubble in waiting:
            sent.append(bubble.reply)
            outbox.sent(bubble.id)
    return sent


def play(runtime, outbox: Deliveries, meter: Meter, user: str, clock) -> Counted:
    counted = Counted()
    shown: list[Reply] = []
    for number, (kind, what) in enumerate(ROUND):
        clock.advance(seconds=20)
        key = f"{user}:{number}"
        if kind == "command":
            event_ = Event(user, EventKind.COMMAND, text="/start", args=what, update_key=key)
        elif kind == "text":
            event_ = Event(user, EventKind.TEXT, text=what, update_key=key)
        else:
            data = next(b.data for b in shown[-1].buttons if b.label == what)
            event_ = Event(user, EventKind.BUTTON, data=data, update_key=key)
        meter.take()
        result = runtime.companion.handle(event_)
        assert result.stored and not result.duplicate
        in_turn, began, decrypted = meter.take()
        shown = drain(outbox, user)
        sending, began_sending, decrypted_sending = meter.take()
        counted.in_turn.append(in_turn)
        counted.statements.append(in_turn + sending)
        counted.transactions.append(began + began_sending)
        counted.decrypted.append(decrypted + decrypted_sending)
        counted.bubbles.append(len(shown))
    return counted


@pytest.fixture
def telegram_like(runtime, monkeypatch):
    outbox = runtime.companion.start_outbox(owner="test")
    return outbox, Meter(runtime, monkeypatch)


def test_a_typical_turn_runs_a_bounded_number_of_statements(runtime, telegram_like, clock) -> None:
    outbox, meter = telegram_like
    onboarded(runtime, "tg:1")
    counted = play(runtime, outbox, meter, "tg:1", clock)
    assert max(counted.statements) <= TURN_AT_MOST, counted
    for (kind, _what), in_turn, began, bubbles in zip(ROUND, counted.in_turn, counted.transactions, counted.bubbles):
        assert in_turn <= TRANSACTION_AT_MOST[kind], (kind, counted)
        assert began <= (2 if kind == "text" else 1) + bubbles, (kind, counted)


def test_a_thousand_journal_entries_cost_a_turn_nothing_more(runtime, telegram_like, clock) -> None:
    outbox, meter = telegram_like
    onboarded(runtime, "tg:new")
    onboarded(runtime, "tg:old", history=True)
    new = play(runtime, outbox, meter, "tg:new", clock)
    old = play(runtime, outbox, meter, "tg:old", clock)
    assert old.in_turn == new.in_turn
    # the sending costs the same for the same number of bubbles (the one who wrote before is
    # offered "Read my last letter" too, in the same bubbles)
    assert old.bubbles == new.bubbles and old.statements == new.statements
    # the newest answer under each of the two keys read back, and nothing older
    assert all(o <= n + 2 for o, n in zip(old.decrypted, new.decrypted)), (old.decrypted, new.decrypted)


def test_a_redelivered_update_is_one_statement_after_the_persons_row(runtime, telegram_like, clock) -> None:
    outbox, meter = telegram_like
    onboarded(runtime, "tg:2")
    first = Event("tg:2", EventKind.COMMAND, text="/start", args="first_letter", update_key="tg:900")
    assert runtime.companion.handle(first).stored
    drain(outbox, "tg:2")
    meter.take()
    assert runtime.companion.handle(first).duplicate
    assert meter.take()[0] == 2  # the person (locked) and the INSERT that finds the mark there
