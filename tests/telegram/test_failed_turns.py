"""A failed turn still gives the crisis card through the Telegram adapter (issue 11): each
fault injected into the real Application's companion (database down, wrong key, a renamed
step, a template error); the card is what Telegram is asked to send, and nothing of a
traceback is."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import pytest

from bot.console.chat import parse_line
from bot.domain import Button, Event, EventKind
from tests.console.helpers import ONBOARD
from tests.console.test_failed_turns import CONCERN, CRISIS, DANGER, FAULTS, ORDINARY, SORRY, database_down, missing_step, shows_the_danger_card

from .helpers import Harness, message

pytestmark = pytest.mark.timeout(60)


def onboarded(companion, uid: int) -> None:
    """Onboard (United Kingdom) and open the safety plan, straight through the companion, as
    the console helper does (tapping buttons by their number)."""
    buttons: tuple[Button, ...] = ()
    kept, companion.use_outbox = companion.use_outbox, False  # the replies in hand, to read the buttons
    try:
        for line in [""] + ONBOARD + ["/start safety_plan", "1"]:
            event = parse_line(line, buttons, f"tg:{uid}") or Event(f"tg:{uid}", EventKind.OPEN)
            replies = companion.handle(event).replies
            shown = [reply.buttons for reply in replies if reply.buttons]
            if replies:
                buttons = shown[-1] if shown else ()
    finally:
        companion.use_outbox = kept


def sent_after(runtime, uid: int, text: str) -> str:
    async def scenario() -> list[str]:
        async with Harness(runtime) as bot:
            await bot.feed(message(uid, text))
            return bot.request.sent_texts(uid)

    return "\n".join(asyncio.run(scenario()))


def no_traceback(shown: str) -> None:
    assert "Traceback" not in shown and "Error" not in shown and 'File "' not in shown


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_a_crisis_under_each_fault_gets_the_crisis_card(tg_runtime, me, monkeypatch, caplog, fault) -> None:
    onboarded(tg_runtime.companion, me)
    fault(tg_runtime.companion, monkeypatch, f"tg:{me}")
    caplog.set_level(logging.DEBUG)
    shown = sent_after(tg_runtime, me, CRISIS)
    no_traceback(shown)
    if fault is missing_step:  # flagged words are never the renamed step's answer: the turn goes on, whole card
        assert "Samaritans" in shown and "116 123" in shown and "999" in shown and "Are you safe right now?" in shown
        return
    assert "I'm a program and something went wrong on my side" in shown
    if fault is database_down:
        assert "findahelpline.com" in shown and "your local emergency number" in shown
    else:
        assert "Samaritans: 116 123" in shown and "call 999" in shown
    assert SORRY + "." not in shown  # the card, not the apology
    no_traceback(shown)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))  # PTB's own is floored in run.py
    assert "failed" in logged and "kill" not in logged.lower() and "tonight" not in logged


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_a_concern_under_each_fault_gets_its_card(tg_runtime, me, monkeypatch, fault) -> None:
    onboarded(tg_runtime.companion, me)
    fault(tg_runtime.companion, monkeypatch, f"tg:{me}")
    shown = sent_after(tg_runtime, me, CONCERN)
    if fault is missing_step:
        assert "Are you having thoughts of ending your life?" in shown
        return
    assert "What you wrote matters" in shown
    assert ("116 123" in shown) if fault is not database_down else ("findahelpline.com" in shown)
    no_traceback(shown)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_an_ordinary_message_under_each_fault_gets_the_apology(tg_runtime, me, monkeypatch, fault) -> None:
    onboarded(tg_runtime.companion, me)
    fault(tg_runtime.companion, monkeypatch, f"tg:{me}")
    shown = sent_after(tg_runtime, me, ORDINARY)
    if fault is missing_step:  # not a failure any more: the person continues at a step that exists
        assert "updated since you were last here" in shown and SORRY not in shown
    else:
        assert SORRY in shown
    assert "116 123" not in shown and "findahelpline" not in shown
    no_traceback(shown)


def test_with_the_database_down_the_default_country_speaks(tg_runtime, me, monkeypatch) -> None:
    onboarded(tg_runtime.companion, me)
    monkeypatch.setattr(tg_runtime.companion, "settings", replace(tg_runtime.companion.settings, default_country="AU"))
    database_down(tg_runtime.companion, monkeypatch, f"tg:{me}")
    shown = sent_after(tg_runtime, me, CRISIS)
    assert "13 11 14" in shown and "call 000" in shown


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_danger_from_someone_under_each_fault_gets_the_police_and_a_violence_line(tg_runtime, me, monkeypatch, fault) -> None:
    onboarded(tg_runtime.companion, me)
    fault(tg_runtime.companion, monkeypatch, f"tg:{me}")
    out = sent_after(tg_runtime, me, DANGER)
    shows_the_danger_card(out, fault)
