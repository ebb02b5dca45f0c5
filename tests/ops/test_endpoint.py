"""``innerchild run`` with ``INNERCHILD_HTTP_PORT``, against FakeBotAPI, seen as an operator's
probes see it: ``/healthz``, ``/readyz`` (ready, then not when Telegram or the database goes
away, and ready again when they are back) and ``/metrics`` (counters move after a person's
turn; neither their words nor their id appear).

The database goes away honestly: SQLite's file is moved away (the readiness ping opens the
file afresh, read-only, and finds nothing there), and PostgreSQL is reached through a TCP
proxy the test closes. Every wait is bounded and waits for a condition.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import pytest

from tests.conftest import POSTGRES_ADMIN_URL, FakeClock, _pg_url, build_runtime
from tests.fakes import FakeBotAPI
from tests.telegram.e2e import TOKEN, BotProcess, Person, free_port, stop, wait_until

from .proxy import TcpProxy

pytestmark = pytest.mark.timeout(180)

PERSON = 861_529_374
WORDS = ("periwinkle", "marmalade", "lighthouse")
METRICS = (
    "innerchild_turns_total",
    "innerchild_turn_duration_seconds_bucket",
    "innerchild_safety_assessments_total",
    "innerchild_checkins_sent_total",
    "innerchild_outbox_backlog",
    "innerchild_telegram_errors_total",
    "innerchild_script_reloads_total",
)
SECRET = "ops-test-Secret_1"
READY = 30.0  # seconds: a readiness change shows within this (3 failed polls take ~3 s)
RECOVER = 45.0  # seconds: polling backs off up to 30 s between tries


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def readiness(port: int) -> tuple[int, dict]:
    status, body = get(port, "/readyz")
    return status, json.loads(body)


def becomes(port: int, status: int, timeout: float, what: str) -> dict:
    """Wait until /readyz answers ``status``; its body."""
    seen: list = []

    def check():
        seen[:] = readiness(port)
        return seen[0] == status

    try:
        wait_until(check, timeout, what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last /readyz: {seen}") from None
    return seen[1]


def sample(text: str, line_start: str) -> float:
    """The value of the one exposition line that starts with ``line_start``."""
    (line,) = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    return float(line.rsplit(" ", 1)[1])


def test_health_readiness_and_metrics_of_a_polling_bot(tmp_path):
    port = free_port()
    with FakeBotAPI(token=TOKEN) as tg:
        bot = BotProcess(tg, tmp_path, INNERCHILD_HTTP_PORT=str(port)).start()
        try:
            assert get(port, "/healthz") == (200, "ok\n")
            body = becomes(port, 200, READY, "the bot to be ready")
            assert body["ready"] is True and body["role"] == "polling" and body["dialogues"] > 10
            assert get(port, "/nothing-here")[0] == 404

            status, before = get(port, "/metrics")
            assert status == 200
            for name in METRICS:
                assert name in before, name
            person = Person(tg, PERSON)
            person.say("/start")
            person.say(" ".join(WORDS), until=lambda new: len(new) >= 1)
            wait_until(lambda: sample(get(port, "/metrics")[1], 'innerchild_turns_total{kind="text",outcome="ok"}') >= 1, 10, "the text turn to be counted")
            _, after = get(port, "/metrics")
            assert sample(after, 'innerchild_turns_total{kind="command",outcome="ok"}') == sample(before, 'innerchild_turns_total{kind="command",outcome="ok"}') + 1
            assert sample(after, 'innerchild_safety_assessments_total{level="none"}') >= 1
            assert sample(after, 'innerchild_turn_duration_seconds_count{kind="text"}') >= 1
            wait_until(lambda: sample(get(port, "/metrics")[1], "innerchild_outbox_backlog") == 0, 10, "the outbox to be empty once the replies are out")

            # Telegram gone: three failed polls in a row, then back
            tg.stop()
            body = becomes(port, 503, READY, "the bot to be not ready without Telegram")
            assert body["ready"] is False and any("getUpdates" in reason for reason in body["reasons"]), body
            assert get(port, "/healthz")[0] == 200, "alive, only not ready"
            tg.start()
            becomes(port, 200, RECOVER, "the bot to be ready again once Telegram is back")
            assert sample(get(port, "/metrics")[1], 'innerchild_telegram_errors_total{code="NetworkError",method="getUpdates"}') >= 3

            # The database gone: its file moved away, then back
            database = tmp_path / "db.sqlite"
            database.rename(tmp_path / "moved-away.sqlite")
            try:
                body = becomes(port, 503, READY, "the bot to be not ready without its database")
                assert body["reasons"] == ["the database did not answer (OperationalError)"], body
                assert get(port, "/healthz")[0] == 200
            finally:
                (tmp_path / "moved-away.sqlite").rename(database)
            becomes(port, 200, READY, "the bot to be ready again with its database")

            everything = "\n".join([after, get(port, "/metrics")[1], json.dumps(readiness(port)[1]), json.dumps(body)])
            for secret in (*WORDS, str(PERSON), "tg:"):
                assert secret not in everything, secret
            assert stop(bot) == 0
        finally:
            bot.close()
        log = bot.log_text()
        assert "Traceback" not in log and f"health and metrics on http://127.0.0.1:{port}" in log


def test_a_port_it_cannot_have_stops_the_start_with_one_line(tmp_path):
    def run(**env: str) -> subprocess.CompletedProcess:
        bot = BotProcess(tg, tmp_path, **env)
        return subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=bot.env, capture_output=True, text=True, timeout=90)

    with FakeBotAPI(token=TOKEN) as tg, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = run(INNERCHILD_HTTP_PORT=str(taken.getsockname()[1]))
        port = str(free_port())
        shared = run(INNERCHILD_HTTP_PORT=port, INNERCHILD_WEBHOOK_PORT=port, INNERCHILD_WEBHOOK_URL="https://bot.example.org/telegram", INNERCHILD_WEBHOOK_SECRET=SECRET)
    assert busy.returncode == 2 and "innerchild: could not listen for INNERCHILD_HTTP_PORT on 127.0.0.1:" in busy.stderr, busy.stderr
    assert shared.returncode == 2 and f"INNERCHILD_HTTP_PORT and INNERCHILD_WEBHOOK_PORT are both {port}" in shared.stderr, shared.stderr
    for done in (busy, shared):
        assert "Traceback" not in done.stderr and [line for line in done.stderr.splitlines() if line.startswith("innerchild:")] == [done.stderr.strip().splitlines()[-1]]


def test_a_webhook_replica_is_ready_when_telegram_has_its_url_and_counts_requests_served(tmp_path):
    port, webhook_port = free_port(), free_port()
    url = f"http://127.0.0.1:{webhook_port}/telegram"
    with FakeBotAPI(token=TOKEN) as tg:
        bot = BotProcess(
            tg, tmp_path, INNERCHILD_HTTP_PORT=str(port), INNERCHILD_WEBHOOK_URL=url, INNERCHILD_WEBHOOK_PORT=str(webhook_port), INNERCHILD_WEBHOOK_SECRET=SECRET,
        ).start(ready="setWebhook")
        try:
            body = becomes(port, 200, READY, "the webhook replica to be ready (Telegram has its URL)")
            assert body["role"] == "webhook" and body["last_ok_seconds_ago"] is None
            tg.send_text(PERSON, "/help")
            assert tg.post_to_webhook() == 200
            body = becomes(port, 200, READY, "the webhook replica to stay ready")
            assert body["last_ok_seconds_ago"] is not None
            assert stop(bot) == 0
        finally:
            bot.close()
    assert "Traceback" not in bot.log_text()


def test_postgresql_gone_makes_the_bot_not_ready(request, tmp_path):
    if not POSTGRES_ADMIN_URL:
        pytest.skip("INNERCHILD_TEST_POSTGRES_URL is not set")
    import psycopg
    from sqlalchemy.engine import make_url

    database = request.getfixturevalue("postgres_database")
    admin = make_url(POSTGRES_ADMIN_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=admin.host or "127.0.0.1", port=admin.port or 5432, user=admin.username or "postgres", password=admin.password, dbname=database, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = _pg_url(database, schema)
    build_runtime(url, FakeClock(), tmp_path / "migrate").database.dispose()  # `innerchild db upgrade`
    proxy = TcpProxy(admin.host or "127.0.0.1", admin.port or 5432)
    port = free_port()
    with FakeBotAPI(token=TOKEN) as tg:
        through = make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        bot = BotProcess(tg, tmp_path, INNERCHILD_DATABASE_URL=through, INNERCHILD_HTTP_PORT=str(port)).start()
        try:
            becomes(port, 200, READY, "the bot to be ready")
            proxy.close()
            body = becomes(port, 503, READY, "the bot to be not ready without PostgreSQL")
            assert any(reason.startswith("the database did not answer") for reason in body["reasons"]), body
            assert get(port, "/healthz")[0] == 200
            assert proxy.upstream[0] not in json.dumps(body) and schema not in json.dumps(body)
        finally:
            proxy.close()
            bot.close()
    assert "Traceback" not in bot.log_text()
