"""/stats for an operator: the counts it always gave, and the funnels in short, with the same
small-cell rule; refused to anyone else; never a word anyone wrote, never who they are; one
Telegram message at most."""

from __future__ import annotations

import json

import pytest

from bot.domain import Event, EventKind
from bot.engine.templates import visible_length
from bot.funnel_table import funnel_table
from bot.funnels import Funnel, FunnelReport, Stop, dialogue_funnels, report_json, summary
from bot.privacy import operator_stats
from tests.conftest import build_runtime
from tests.console.helpers import Person
from tests.funnels.helpers import seed
from tests.funnels.test_cli_funnels import SEEDED

ADMIN, STRANGER = "tg:1001", "tg:2002"
SECRET_WORDS = ["Marigold", "Pemberton", "lighthouse"]
TELEGRAM_LIMIT = 4096


@pytest.fixture
def operated(tmp_path, clock, db_url):
    runtime = build_runtime(db_url, clock, tmp_path, admin_ids="1001")
    yield runtime
    runtime.database.dispose()


def stats_text(runtime, user: str = ADMIN) -> str:
    return runtime.companion.handle(Event(user, EventKind.COMMAND, text="/stats")).replies[0].text


def test_an_operator_sees_the_funnels_in_short(operated, clock) -> None:
    seed(operated.database, SEEDED, clock.now)
    shown = stats_text(operated)
    assert "Dialogues started" in shown  # the counts it always gave
    assert "grounding: 20 started, 12 finished (60%); most stop at breathe (6)" in shown
    assert "crisis: 6+ started, &lt;5 finished; most stop at lines (6)" in shown  # HTML: "<5" escaped
    assert "Removed scripts that still have sessions: 1" in shown
    assert "safety_plan" not in shown  # begun by three: not among the top
    assert "tg:" not in shown and "p0" not in shown
    assert visible_length(shown) < TELEGRAM_LIMIT


def test_stats_is_refused_to_anyone_else(operated, clock) -> None:
    seed(operated.database, SEEDED, clock.now)
    refused = stats_text(operated, STRANGER)
    assert "I don't know that command" in refused and "grounding" not in refused
    on_console = Person(operated.companion).say("/stats")  # a console person is never an operator
    assert "I don't know that command" in on_console and "grounding" not in on_console


def test_no_word_and_no_person_reaches_any_funnel_output(operated) -> None:
    for n in range(5):  # five people, so the step they stopped at is listed
        person = Person(operated.companion, name=f"friend{n}")
        person.onboard()
        person.say("/start safety_plan", "1", f"When I think about {SECRET_WORDS[0]} I stop sleeping", f"Calling {SECRET_WORDS[1]} {SECRET_WORDS[2]}")
    with operated.database.transaction() as repo:
        report = dialogue_funnels(repo, operated.library)
    outputs = [stats_text(operated), funnel_table(report), json.dumps(report_json(report))]
    plan = next(f for f in report.funnels if f.id == "safety_plan")
    assert plan.stops == (Stop("people", 5, True),)  # the step, never the answers
    for out in outputs:
        for word in SECRET_WORDS + ["Sam", "friend", "console:"]:
            assert word not in out


def test_the_longest_summary_fits_one_telegram_message(operated, clock) -> None:
    """Ids and step names are at most 64 characters (the columns), counts at most six digits:
    the most the summary can show is still one message."""
    long = "x" * 64

    def made(n: int, group: str) -> Funnel:
        return Funnel(f"{'i' * 62}{n:02d}", "t", group, 999999, 999999, 999999, 0.5, (Stop(long, 999999, False),))

    report = FunnelReport(5, tuple(made(n, g) for g in ("scripts", "support") for n in range(30)) + tuple(made(n, "removed") for n in range(99)))
    with operated.database.transaction() as repo:
        counts = operator_stats(repo, clock.now) | {"funnels": summary(report)}
    text = operated.library.texts.render("stats", {"stats": counts})
    assert text.count("i" * 62) == 9 and text.count(long) == 9  # five scripts and four cards, each with its step
    assert len(text) < TELEGRAM_LIMIT
