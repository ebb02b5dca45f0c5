"""The metrics move where the layers call them, and carry no text and no person ids.

In-process (one runtime on SQLite): a turn of each outcome, an assessment, a check-in, a
reload, failed Bot API calls. The registry is the module's own, shared by the whole test
session, so each test compares before and after.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from telegram.error import Forbidden, NetworkError
from telegram.request import BaseRequest

from bot.app import load
from bot.checkins import openers
from bot.core import TurnFailed
from bot.domain import Event, EventKind
from bot.ops import metrics
from bot.reload import ScriptReloader
from bot.telegram.counting import CountingRequest
from tests.checkins.helpers import add_person, settings, sweep
from tests.conftest import FakeClock, build_runtime

USER = "console:metrics-7316"
WORDS = "my grandmother's lavender garden"


def value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metrics")
    rt = build_runtime(f"sqlite:///{folder / 'test.db'}", FakeClock(), folder)
    yield rt
    rt.database.dispose()


def test_turns_are_counted_by_kind_and_outcome_with_their_duration(runtime):
    ok = value("innerchild_turns_total", kind="command", outcome="ok")
    duplicate = value("innerchild_turns_total", kind="command", outcome="duplicate")
    timed = value("innerchild_turn_duration_seconds_count", kind="command")
    event = Event(USER, EventKind.COMMAND, text="/start", update_key="metrics:1")
    runtime.companion.handle(event)
    runtime.companion.handle(event)  # delivered again: a duplicate
    assert value("innerchild_turns_total", kind="command", outcome="ok") == ok + 1
    assert value("innerchild_turns_total", kind="command", outcome="duplicate") == duplicate + 1
    assert value("innerchild_turn_duration_seconds_count", kind="command") == timed + 2


def test_a_failed_turn_is_counted_as_failed(runtime, monkeypatch):
    failed = value("innerchild_turns_total", kind="text", outcome="failed")

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(runtime.companion, "play", broken)
    with pytest.raises(TurnFailed):
        runtime.companion.handle(Event(USER, EventKind.TEXT, text=WORDS))
    assert value("innerchild_turns_total", kind="text", outcome="failed") == failed + 1


def test_every_assessment_is_counted_by_level(runtime):
    levels = ("none", "distress", "concern", "crisis")
    before = {level: value("innerchild_safety_assessments_total", level=level) for level in levels}
    runtime.companion.handle(Event(USER, EventKind.TEXT, text=WORDS))
    runtime.companion.handle(Event(USER, EventKind.TEXT, text="honestly I want to end my life"))
    after = {level: value("innerchild_safety_assessments_total", level=level) for level in levels}
    assert after["crisis"] == before["crisis"] + 1
    assert sum(after.values()) == sum(before.values()) + 2


def test_a_committed_check_in_is_counted_by_mode(runtime):
    sent = value("innerchild_checkins_sent_total", mode="normal")
    clock = runtime.companion.clock
    add_person(runtime, "console:metrics-checkin", clock())
    clock.now = settings(runtime, "console:metrics-checkin").next_due_at
    (nudge,) = sweep(runtime)
    assert nudge.mode == "normal"
    assert value("innerchild_checkins_sent_total", mode="normal") == sent + 1
    assert sweep(runtime) == []
    assert value("innerchild_checkins_sent_total", mode="normal") == sent + 1


def test_the_check_in_modes_are_the_features_own():
    assert set(metrics.CHECKIN_MODES) == {openers.NORMAL, openers.SOFT, openers.RHYTHM}


def test_reloads_are_counted_ok_or_refused(runtime, tmp_path):
    ok, refused = value("innerchild_script_reloads_total", result="ok"), value("innerchild_script_reloads_total", result="refused")
    folder = runtime.settings.dialogues_dir
    reloader = ScriptReloader(runtime.companion, folder, None, load)
    assert reloader.reload() == []
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "texts.yaml").write_text("not: [valid\n")
    refusing = ScriptReloader(runtime.companion, broken, None, load)
    assert refusing.reload()
    assert value("innerchild_script_reloads_total", result="ok") == ok + 1
    assert value("innerchild_script_reloads_total", result="refused") == refused + 1


class Answers(BaseRequest):
    """A Bot API that answers each call with the next of ``answers`` (a status, or an error)."""

    def __init__(self, *answers):
        self.answers = list(answers)

    @property
    def read_timeout(self):
        return 1.0

    async def initialize(self):
        pass

    async def shutdown(self):
        pass

    async def do_request(self, url, method, request_data=None, **_timeouts):
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        body = {"ok": True, "result": True} if answer == 200 else {"ok": False, "error_code": answer, "description": "Forbidden: bot was blocked by the user"}

        return answer, json.dumps(body).encode()


def test_failed_bot_api_calls_are_counted_by_method_and_status_or_class():
    token_url = "https://api.telegram.org/bot123:SECRET-token/sendMessage"
    before_403 = value("innerchild_telegram_errors_total", method="sendMessage", code="403")
    before_network = value("innerchild_telegram_errors_total", method="getUpdates", code="NetworkError")
    request = CountingRequest(Answers(403, NetworkError("connection refused"), 200))

    async def scenario():
        with pytest.raises(Forbidden):
            await request.post(token_url)
        with pytest.raises(NetworkError):
            await request.post(token_url.replace("sendMessage", "getUpdates"))
        assert await request.post(token_url) is True

    asyncio.run(scenario())
    assert value("innerchild_telegram_errors_total", method="sendMessage", code="403") == before_403 + 1
    assert value("innerchild_telegram_errors_total", method="getUpdates", code="NetworkError") == before_network + 1
    assert b"SECRET" not in metrics.render()


def test_a_method_label_never_carries_anything_but_a_method_name():
    metrics.telegram_error("tg:7316 something", 400)
    assert value("innerchild_telegram_errors_total", method="other", code="400") >= 1


def test_the_exposition_has_every_metric_and_no_text_or_person(runtime):
    text = metrics.render().decode()
    for name in (
        "innerchild_turns_total",
        "innerchild_turn_duration_seconds_bucket",
        "innerchild_safety_assessments_total",
        "innerchild_checkins_sent_total",
        "innerchild_outbox_backlog",
        "innerchild_telegram_errors_total",
        "innerchild_script_reloads_total",
    ):
        assert name in text, name
    for secret in ("lavender", "grandmother", "end my life", "7316", "console:", "tg:"):
        assert secret not in text, secret
