"""Crashes and replicas, end to end: ``innerchild run`` processes against FakeBotAPI.

- SIGKILL during a burst of commands from several people, then a restart: every command is
  answered exactly once, in order (SQLite and PostgreSQL). The kill points are deterministic:
  a SIGKILL between Telegram accepting a message and the bot marking it sent may send that
  one message twice (at-least-once per message, documented in ``storage.outbox``), so the
  tests kill only where every accepted message has been marked.
- Two polling processes on one database: one polls, the other stands by and takes over when
  the poller dies; nothing lost or doubled.
- Two webhook replicas behind a round-robin proxy: every update answered once; one
  ``setWebhook``; no secret, no start.

Every wait is bounded; waits are for conditions, not for time.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import FakeClock, build_runtime
from tests.fakes import FakeBotAPI

from .e2e import TOKEN, BotProcess, free_port, stop, wait_until

pytestmark = pytest.mark.timeout(120)

PEOPLE = (601, 602, 603, 604)
COMMANDS = ("/start", "/help", "/sos", "/ground")
# The first words of each message the bot sends for the commands (/sos sends two).
MARKERS = (
    ("start", "Hello, and welcome"),
    ("help", "Here is what you can type at any time"),
    ("sos", "Someone to talk to"),
    ("sos+", "Reaching out helps"),
    ("ground", "Let's slow down together"),
)
EXPECTED = ["start", "help", "sos", "sos+", "ground"]
TAKEOVER = 10.0  # seconds: a standby polls within this after the poller dies
ANSWERED = 30.0  # seconds: a restarted bot has sent everything (a dead claim lasts 10 s)


def marker(message_text: str | None) -> str:
    for name, start in MARKERS:
        if (message_text or "").startswith(start):
            return name
    return f"? {(message_text or '')[:60]!r}"


def answers(fake: FakeBotAPI, person: int) -> list[str]:
    return [marker(m.text) for m in fake.bot_messages(person)]


def burst(fake: FakeBotAPI, people=PEOPLE, commands=COMMANDS) -> None:
    """Everyone sends every command at once (interleaved, as Telegram would queue them)."""
    for command in commands:
        for person in people:
            fake.send_text(person, command)


def all_answered(fake: FakeBotAPI, people=PEOPLE, count: int = len(EXPECTED)):
    return lambda: all(len(fake.bot_messages(p)) >= count for p in people)


def assert_each_answered_once_in_order(fake: FakeBotAPI, people=PEOPLE, expected=EXPECTED) -> None:
    for person in people:
        assert answers(fake, person) == expected, f"person {person}"
        bodies = [m.text for m in fake.bot_messages(person)]
        assert len(bodies) == len(set(bodies)), f"a whole answer twice for person {person}"


def outbox_rows(db_url: str, people=None) -> int:
    """Bubbles waiting in the outbox (for ``people`` only, when given)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            query = "SELECT count(*) FROM outbox o JOIN persons p ON p.id = o.person_id"
            if people is not None:
                if not people:
                    return 0
                query += " WHERE p.external_id IN (" + ", ".join(f"'tg:{int(p)}'" for p in people) + ")"
            return int(connection.execute(text(query)).scalar() or 0)
    finally:
        engine.dispose()


def bot_env(db_url: str) -> dict[str, str]:
    return {"INNERCHILD_DATABASE_URL": db_url}


@pytest.fixture
def db_url(db_url: str, tmp_path: Path) -> str:
    """The conftest's fresh database, migrated (``innerchild run`` migrates only SQLite; an
    operator runs ``innerchild db upgrade`` for PostgreSQL)."""
    build_runtime(db_url, FakeClock(), tmp_path / "migrate").database.dispose()
    return db_url


def restart_and_finish(fake: FakeBotAPI, folder: Path, db_url: str) -> None:
    """A new process sends what was left; SIGTERM then ends it (nothing more can come)."""
    second = BotProcess(fake, folder, **bot_env(db_url)).start()
    try:
        wait_until(all_answered(fake), ANSWERED, "every command to be answered after the restart")
        assert stop(second) == 0
    finally:
        second.close()
    assert not fake.pending_updates()
    assert outbox_rows(db_url) == 0
    assert "Traceback" not in second.log_text()


# -- 1. SIGKILL during a burst, then restart ----------------------------------------------------
def test_killed_with_every_reply_held_the_restart_answers_each_command_once_in_order(db_url, tmp_path):
    with FakeBotAPI(token=TOKEN) as fake:
        for person in PEOPLE:  # this chat must wait: its replies stay in the outbox
            fake.fail_next("sendMessage", 429, retry_after=2, chat_id=person, times=10_000)
        first = BotProcess(fake, tmp_path, **bot_env(db_url)).start()
        try:
            burst(fake)
            # Confirmed only once handled: every turn has committed, with its replies.
            wait_until(lambda: not fake.pending_updates(), 20, "every update to be handled")
            first.kill()
        finally:
            first.close()
        assert not fake.bot_messages(), "nothing got through the 429s"
        assert {c.params["chat_id"] for c in fake.calls("sendMessage")} == set(PEOPLE)
        assert outbox_rows(db_url) == len(PEOPLE) * len(EXPECTED), "every reply kept, none sent"
        fake.clear_failures()
        restart_and_finish(fake, tmp_path, db_url)
        assert_each_answered_once_in_order(fake)


@pytest.mark.parametrize("after", [2, 11], ids=["early", "mid"])
def test_killed_mid_burst_the_restart_sends_the_rest_once_in_order(db_url, tmp_path, after):
    with FakeBotAPI(token=TOKEN) as fake:
        fake.hold_sends(after=after)
        first = BotProcess(fake, tmp_path, **bot_env(db_url)).start()
        try:
            burst(fake)

            def settled() -> bool:
                # Every chat with messages still to come is blocked at a send (so what it sent
                # before was marked), and the chats that got everything have an empty outbox.
                held = sorted(fake.held_sends())
                done = [p for p in PEOPLE if len(fake.bot_messages(p)) >= len(EXPECTED)]
                return held == [p for p in PEOPLE if p not in done] and outbox_rows(db_url, done) == 0

            wait_until(settled, 20, "every chat to be done or blocked at a send")
            assert len(fake.calls("sendMessage")) == after
            if after < len(PEOPLE):  # every person is blocked; their later turns wait unhandled
                assert fake.pending_updates(), "the restart gets some updates again"
            first.kill()
        finally:
            first.close()
            fake.release_held()  # the held requests die with their client, unrecorded
        assert len(fake.calls("sendMessage")) == after
        restart_and_finish(fake, tmp_path, db_url)
        assert_each_answered_once_in_order(fake)


# -- 2. two polling processes on one database ---------------------------------------------------
def test_two_pollers_one_polls_the_other_stands_by_and_takes_over(db_url, tmp_path):
    """On PostgreSQL an advisory lock, on SQLite a file lock beside the database file."""
    people = PEOPLE[:3]
    with FakeBotAPI(token=TOKEN) as fake:
        a = BotProcess(fake, _folder(tmp_path, "a"), INNERCHILD_TELEGRAM_BASE_URL=fake.base_url_via("a"), **bot_env(db_url))
        b = BotProcess(fake, _folder(tmp_path, "b"), INNERCHILD_TELEGRAM_BASE_URL=fake.base_url_via("b"), **bot_env(db_url))
        try:
            a.start()
            b.start(ready=None)
            b.wait_log("standing by to take over")
            burst(fake, people, COMMANDS[:2])
            wait_until(all_answered(fake, people, 2), 20, "/start and /help to be answered")
            assert not [c for c in fake.calls("getUpdates") if c.via != "a"], "the standby polled"
            # Kill only once every message Telegram accepted is marked sent (see the docstring).
            wait_until(lambda: outbox_rows(db_url) == 0, 10, "the sent replies to be marked")
            a.kill()
            killed = time.time()
            burst(fake, people, COMMANDS[2:])  # while nobody polls
            wait_until(lambda: [c for c in fake.calls("getUpdates") if c.via == "b"], TAKEOVER + 5, "the standby to poll")
            took_over = min(c.time for c in fake.calls("getUpdates") if c.via == "b") - killed
            assert took_over < TAKEOVER, f"took over after {took_over:.1f} s"
            wait_until(all_answered(fake, people), 20, "/sos and /ground to be answered")
            assert stop(b) == 0
        finally:
            a.close()
            b.close()
        assert_each_answered_once_in_order(fake, people)
        assert not fake.pending_updates()
        # The dead poller's last long poll was cut off by the new one; nothing else conflicted.
        # One exception, at the takeover: a long poll the dead process had sent may reach the
        # server only after the new poller's first one (a loaded machine) and, being newer, cut
        # that one off, as Telegram would; the new poller then polls again. More than one such
        # conflict would mean the new poller ran two polls at once.
        conflicts = [c for c in fake.calls() if c.status == 409]
        assert all(c.time >= killed for c in conflicts), conflicts
        assert len([c for c in conflicts if c.via != "a"]) <= 1, conflicts
        for process in (a, b):
            assert "Conflict" not in process.log_text() and "Traceback" not in process.log_text()
        assert "this process polls Telegram" in b.log_text()


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


# -- 3. webhook replicas behind a round-robin proxy ---------------------------------------------
SECRET = "same-Secret_on-every-replica"


def _listening(fake: FakeBotAPI, url: str) -> bool:
    try:
        return fake.post_to_webhook(url=url, secret_token="wrong", update={"update_id": 1}, timeout=2) == 403
    except OSError:  # not listening yet
        return False


def test_webhook_replicas_behind_a_round_robin_proxy_answer_every_update_once(db_url, tmp_path):
    if db_url.startswith("sqlite"):
        pytest.skip("webhook replicas share a PostgreSQL database")
    people = PEOPLE[:3]
    with FakeBotAPI(token=TOKEN) as fake:
        replicas, urls = [], []
        for name in ("a", "b"):
            port = free_port()
            urls.append(f"http://127.0.0.1:{port}/telegram")
            replicas.append(BotProcess(
                fake, _folder(tmp_path, name), INNERCHILD_TELEGRAM_BASE_URL=fake.base_url_via(name),
                INNERCHILD_WEBHOOK_URL="https://bot.example.org/telegram", INNERCHILD_WEBHOOK_LISTEN="127.0.0.1",
                INNERCHILD_WEBHOOK_PORT=str(port), INNERCHILD_WEBHOOK_SECRET=SECRET, **bot_env(db_url)))
        try:
            replicas[0].start(ready="setWebhook")
            replicas[1].start(ready=None)
            for url in urls:
                wait_until(lambda url=url: _listening(fake, url), 20, f"the replica at {url} to listen")
            replicas[1].wait_log("another replica registers the webhook")
            assert [(c.via, c.params["url"], c.params.get("secret_token")) for c in fake.calls("setWebhook")] == [
                ("a", "https://bot.example.org/telegram", SECRET)]
            statuses: dict[int, list[int]] = {person: [] for person in people}

            def talk(index: int, person: int) -> None:
                """One person's commands, one after another (each webhook call answers once
                its turn is done); the proxy sends them to the replicas in turn, and the
                people talk at the same time, so both replicas are busy at once."""
                for n, command in enumerate(COMMANDS):
                    update = fake.send_text(person, command)
                    url = urls[(index + n) % 2]
                    statuses[person].append(fake.post_to_webhook(url=url, secret_token=SECRET, update=update))

            threads = [threading.Thread(target=talk, args=(i, p)) for i, p in enumerate(people)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert not any(thread.is_alive() for thread in threads)
            assert statuses == {person: [200] * len(COMMANDS) for person in people}
            assert_each_answered_once_in_order(fake, people)
            assert not fake.pending_updates()
            assert {c.via for c in fake.calls("sendMessage")} == {"a", "b"}, "both replicas answered"
            for replica in replicas:
                assert stop(replica) == 0
        finally:
            for replica in replicas:
                replica.close()
        assert len(fake.calls("setWebhook")) == 1
        assert not fake.calls("getUpdates")
        assert_each_answered_once_in_order(fake, people)  # nothing more came at shutdown
        for replica in replicas:
            assert "Traceback" not in replica.log_text()


def test_a_webhook_replica_without_the_secret_refuses_to_start_with_one_line(tmp_path):
    port = free_port()
    with FakeBotAPI(token=TOKEN) as fake:
        bot = BotProcess(fake, tmp_path, INNERCHILD_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
                         INNERCHILD_WEBHOOK_LISTEN="127.0.0.1", INNERCHILD_WEBHOOK_PORT=str(port))
        done = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=bot.env, capture_output=True, text=True, timeout=60)
        assert not fake.calls("setWebhook")
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.startswith("innerchild:")]
    assert len(lines) == 1 and "INNERCHILD_WEBHOOK_SECRET is required" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
