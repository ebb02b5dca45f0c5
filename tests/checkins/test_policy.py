"""The decision rules that need no database: setting up is not 'writing'."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.checkins.policy import POSTPONE, SEND, Snapshot, decide
from bot.checkins.schedule import Rhythm

NOW = datetime(2026, 1, 15, 20, 30, tzinfo=UTC)


def snapshot(**changes) -> Snapshot:
    values = dict(
        rhythm=Rhythm(kind="daily", minute=20 * 60 + 30, zone="UTC", quiet=None, days=frozenset()),
        due=NOW, slot=NOW, last_sent_at=None, missed=0, rhythm_asked_at=None, active=True,
        adult=True, last_seen_at=NOW - timedelta(minutes=1), last_safety_level=None, last_safety_at=None,
    )
    values.update(changes)
    return Snapshot(**values)


def test_a_nudge_asked_for_a_minute_ago_goes_out() -> None:
    set_up = NOW - timedelta(minutes=1)
    decision = decide(snapshot(last_seen_at=set_up, configured_at=set_up), NOW, timedelta(hours=1))
    assert decision.action == SEND


def test_writing_after_setting_up_still_holds_the_nudge_back() -> None:
    set_up = NOW - timedelta(minutes=20)
    decision = decide(snapshot(last_seen_at=NOW - timedelta(minutes=2), configured_at=set_up), NOW, timedelta(hours=1))
    assert decision.action == POSTPONE and "wrote in the last hour" in decision.reason
