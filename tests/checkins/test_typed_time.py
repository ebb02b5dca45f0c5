"""Typing a time in the setup dialogue ("8pm", "20:30"), kept by the check-ins' own
profile setter (``ask: profile.checkin_time``)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import build_runtime

from .helpers import add_person, command, press, say, settings, text, labels


def test_a_typed_time_is_read_and_a_wrong_one_asked_again(clock, tmp_path: Path) -> None:
    runtime = build_runtime(f"sqlite:///{tmp_path / 't.db'}", clock, tmp_path)
    try:
        companion, user = runtime.companion, "console:ty"
        add_person(runtime, user, clock())
        replies = command(companion, user, "checkins")
        replies = press(companion, user, replies, "Set them up")
        replies = press(companion, user, replies, "Every day")
        assert "type a time" in text(replies)
        replies = say(companion, user, "sometime")
        assert "20:30, 8pm" in text(replies) and "Another time" in labels(replies)
        replies = say(companion, user, "9.15pm")
        replies = press(companion, user, replies, "That's right")
        replies = press(companion, user, replies, "No quiet hours")
        row = settings(runtime, user)
        assert row.enabled and row.minute == 21 * 60 + 15
        assert "at the time you chose" in text(replies)
        assert "at 21:15" in text(command(companion, user, "checkins"))
    finally:
        runtime.database.dispose()
