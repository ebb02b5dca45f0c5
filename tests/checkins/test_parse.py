"""Typed times and quiet hours."""

from __future__ import annotations

import pytest

from bot.checkins.parse import parse_days, parse_quiet_hours, parse_rhythm, parse_time


@pytest.mark.parametrize(
    "typed,minute",
    [("20:30", 1230), ("8pm", 1200), ("8 PM", 1200), ("8.15 am", 495), ("7:05pm", 1145), ("20h30", 1230),
     ("20h", 1200), ("21", 1260), ("noon", 720), ("midnight", 0), ("12am", 0), ("12pm", 720), ("at 9:45", 585),
     ("  08:00 ", 480), ("0", 0)],
)
def test_times_people_type(typed: str, minute: int) -> None:
    assert parse_time(typed) == minute


@pytest.mark.parametrize("typed", ["8", "25:00", "13pm", "20:75", "soon", "", "8:5"])
def test_times_that_are_refused_kindly(typed: str) -> None:
    """The refusal names a sentence of texts.yaml that shows how to write a time."""
    import yaml

    from bot.domain import Unreadable
    from tests.conftest import ROOT

    with pytest.raises(Unreadable) as caught:
        parse_time(typed)
    sentence = yaml.safe_load((ROOT / "dialogues" / "texts.yaml").read_text(encoding="utf-8"))[caught.value.key]
    assert "8pm" in sentence or "20:" in sentence


def test_quiet_hours_rhythms_and_days() -> None:
    assert parse_quiet_hours("22:00-08:00") == (1320, 480)
    assert parse_quiet_hours("10pm to 7am") == (1320, 420)
    assert parse_quiet_hours("none") is None
    with pytest.raises(ValueError):
        parse_quiet_hours("22:00")
    assert parse_rhythm("Every day") == "daily" and parse_rhythm("few") == "few"
    with pytest.raises(ValueError):
        parse_rhythm("hourly")
    assert parse_days("Mon, wednesday fri") == frozenset({0, 2, 4})
