"""The readiness rules (``bot/ops/readiness``) with a clock the tests move: no waiting."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.ops.readiness import FAILURES, PROBE_EVERY, WEBHOOK_RECENT, Intake, OffLoop, Readiness, WebhookReport

POLL_TIMEOUT, STANDBY_RETRY = 10, 3.0
POLL_LIMIT = 3 * POLL_TIMEOUT + 15  # 3 x the long poll's timeout plus the margin
STANDBY_LIMIT = 3 * STANDBY_RETRY + 15


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def intake(clock) -> Intake:
    return Intake(poll_timeout=POLL_TIMEOUT, standby_retry=STANDBY_RETRY, clock=clock)


def test_starting_and_stopping_are_not_ready(intake):
    assert intake.reasons() == ["not receiving updates yet (starting)"]
    intake.polled(True)
    assert intake.reasons() == []
    intake.stopping()
    assert intake.reasons() == ["stopping: no longer receiving updates"]


def test_a_poller_is_ready_while_its_long_polls_succeed_in_time(intake, clock):
    intake.polling()
    clock.advance(POLL_LIMIT)  # the first poll may take the whole window
    assert intake.reasons() == []
    intake.polled(True)
    clock.advance(POLL_LIMIT - 1)
    assert intake.reasons() == []
    clock.advance(2)
    assert intake.reasons() == [f"no successful getUpdates for {POLL_LIMIT + 1} s (limit {POLL_LIMIT} s)"]
    intake.polled(True)
    assert intake.reasons() == []


def test_failed_polls_in_a_row_make_a_poller_not_ready_at_once(intake, clock):
    intake.polled(True)
    for _ in range(FAILURES - 1):
        intake.polled(False, "NetworkError")
        clock.advance(1)
    assert intake.reasons() == [], "one or two failures among good polls are weather"
    intake.polled(False, "Conflict")
    assert intake.reasons() == [f"the last {FAILURES} getUpdates calls failed (Conflict)"]
    intake.polled(True)
    assert intake.reasons() == []


def test_a_standby_is_ready_when_it_could_lead(intake, clock):
    """It asks the database who polls every few seconds; the answer "someone else" is fine."""
    intake.standing_by(True)
    assert intake.reasons() == []
    clock.advance(STANDBY_LIMIT + 1)
    assert intake.reasons() == [f"standing by, but no answer from the database about who polls for {STANDBY_LIMIT + 1:.0f} s (limit {STANDBY_LIMIT:.0f} s)"]
    intake.standing_by(True)
    for _ in range(FAILURES):
        intake.standing_by(False, "OperationalError")
    assert intake.reasons() == [f"the last {FAILURES} questions to the database about who polls (standing by) failed (OperationalError)"]


def test_taking_over_starts_the_poll_window_afresh(intake, clock):
    intake.standing_by(True)
    clock.advance(5)
    intake.polling()  # the standby became the poller: its first poll has the whole window
    assert intake.reasons() == []
    assert intake.describe() == {"role": "polling", "last_ok_seconds_ago": None}
    clock.advance(POLL_LIMIT + 1)
    assert intake.reasons() and "getUpdates" in intake.reasons()[0]


def test_webhook_served_lately_needs_no_probe(intake, clock):
    intake.webhook()
    assert intake.probe_due()
    intake.served()
    assert not intake.probe_due() and intake.reasons() == []
    clock.advance(WEBHOOK_RECENT + 1)
    assert intake.probe_due()


def test_a_quiet_webhook_is_ready_when_telegram_reports_no_failed_delivery(intake, clock):
    intake.webhook()
    assert intake.reasons() == ["no webhook request served lately, and Telegram was not asked about the webhook"]
    intake.probed(WebhookReport())
    assert intake.reasons() == [] and not intake.probe_due()
    clock.advance(PROBE_EVERY)
    assert intake.probe_due()


def test_a_failed_delivery_with_nothing_served_since_is_not_ready(intake, clock):
    intake.webhook()
    intake.probed(WebhookReport(delivery_error_age=20))
    assert intake.reasons() == ["Telegram reported a failed webhook delivery 20 s ago and no request has been served since"]
    clock.advance(10)
    assert "30 s ago" in intake.reasons()[0]
    intake.served()  # a request came through after it
    clock.advance(WEBHOOK_RECENT + 1)
    assert intake.reasons() == []
    intake.probed(WebhookReport(delivery_error_age=400))  # long ago
    assert intake.reasons() == []
    intake.probed(WebhookReport(problem="no webhook is registered with Telegram"))
    assert intake.reasons() == ["no webhook is registered with Telegram"]


# -- the whole check --------------------------------------------------------------------------
def check(readiness: Readiness):
    return asyncio.run(readiness.check())


def test_ready_when_the_database_answers_scripts_are_loaded_and_updates_arrive(intake):
    intake.polled(True)
    verdict = check(Readiness(intake, ping=lambda: None, scripts=lambda: 40))
    assert verdict.ready
    assert verdict.body == {"ready": True, "role": "polling", "last_ok_seconds_ago": 0.0, "dialogues": 40}


def test_each_missing_condition_is_a_reason(intake):
    def broken() -> None:
        raise ConnectionRefusedError("postgresql://user:secret@db/innerchild refused")

    verdict = check(Readiness(intake, ping=broken, scripts=lambda: 0))
    assert not verdict.ready
    assert verdict.body["reasons"] == [
        "the database did not answer (ConnectionRefusedError)",  # by class: no URL, no password
        "no dialogue scripts are loaded",
        "not receiving updates yet (starting)",
    ]


def test_a_hung_database_is_not_ready_in_bounded_time_and_is_pinged_once(intake):
    intake.polled(True)
    release, calls = threading.Event(), []

    def hung() -> None:
        calls.append(1)
        release.wait(10)

    readiness = Readiness(intake, ping=hung, scripts=lambda: 1, db_timeout=0.05)

    async def twice():
        return await readiness.check(), await readiness.check()

    try:
        first, second = asyncio.run(twice())
    finally:
        release.set()
    for verdict in (first, second):
        assert verdict.body["reasons"] == ["the database did not answer within 0.05 s"]
    assert calls == [1], "the second check waits on the ping still running"


def test_the_webhook_probe_runs_when_due_and_its_problem_is_a_reason(intake):
    intake.webhook()
    probes = []

    async def probe() -> WebhookReport:
        probes.append(1)
        return WebhookReport(problem="getWebhookInfo failed (NetworkError)")

    readiness = Readiness(intake, ping=lambda: None, scripts=lambda: 1, webhook_probe=probe)
    assert check(readiness).body["reasons"] == ["getWebhookInfo failed (NetworkError)"]
    assert check(readiness).body["reasons"] == ["getWebhookInfo failed (NetworkError)"]
    assert probes == [1], "not asked again within PROBE_EVERY"


def test_off_loop_hands_back_results_and_errors():
    async def scenario():
        assert await OffLoop(lambda: 7, "t").run(1) == 7
        with pytest.raises(ZeroDivisionError):
            await OffLoop(lambda: 1 // 0, "t").run(1)

    asyncio.run(scenario())
