"""/mood through the companion: the chart and its words, the note before there is anything
to draw, the buttons between 7 days, 4 and 12 weeks, and the words alone when drawing fails."""

from __future__ import annotations

from bot.domain import COMMAND_BUTTON, Event, EventKind

from ..checkins.helpers import command, labels, text
from .helpers import PNG, person_with_moods

USER = "console:mo"


def pictures(replies):
    return [r.picture for r in replies if r.picture is not None]


def test_fewer_than_three_answers_get_a_note_of_what_the_chart_will_show(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [(1, 3), (0, 4)], checkins=False)
    replies = command(runtime.companion, USER, "mood")
    assert not pictures(replies)
    assert "Once you've answered a few check-ins" in text(replies)
    assert "Check-ins are off for now" in text(replies)
    assert labels(replies) == ["Set up check-ins"]
    assert replies[0].buttons[0].data == f"{COMMAND_BUTTON}:checkins"


def test_with_check_ins_on_and_no_answer_yet_the_note_says_it_will_fill_in(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [])
    replies = command(runtime.companion, USER, "mood")
    assert "it will fill in as you answer them" in text(replies) and not labels(replies)


def test_ten_answers_draw_four_weeks_with_gentle_words_and_a_button_to_twelve(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [(d, 2 + (d // 3) % 4) for d in range(0, 27, 3)] + [(40, 1)])
    (reply,) = command(runtime.companion, USER, "mood")
    assert reply.picture is not None and reply.picture.png.startswith(PNG) and reply.picture.name == "mood"
    caption = reply.picture.caption
    assert "Your last 4 weeks" in caption
    assert "You answered a check-in on 9 of these 28 days, from low to really good, most often low." in caption
    for verdict in ("average", "score", "%", "worse", "better"):
        assert verdict not in caption.lower()
    assert labels([reply]) == ["12 weeks"]
    (twelve,) = runtime.companion.handle(Event(USER, EventKind.BUTTON, data=reply.buttons[0].data)).replies
    assert "Your last 12 weeks" in twelve.picture.caption and "10 of these 84 days" in twelve.picture.caption
    assert "really low" in twelve.picture.caption  # the answer of 40 days ago is in the longer view
    assert labels([twelve]) == ["4 weeks"]


def test_a_heavier_last_week_is_named_gently_with_somewhere_to_turn(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [(13, 4), (11, 4), (9, 5), (5, 2), (3, 1), (1, 2)])
    (reply,) = command(runtime.companion, USER, "mood")
    assert "look heavier than the week before" in reply.picture.caption and "/sos" in reply.picture.caption


def test_the_same_answer_every_time_is_said_once(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [(2, 3), (1, 3), (0, 3)])
    (reply,) = command(runtime.companion, USER, "mood", "week")
    assert "Your last seven days" in reply.picture.caption
    assert "on 3 of these 7 days, each time okay." in reply.picture.caption
    assert labels([reply]) == ["4 weeks"]


def test_a_stretch_without_answers_says_so_and_offers_the_longer_view(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [(50, 3), (49, 4), (48, 2)])
    replies = command(runtime.companion, USER, "mood")
    assert not pictures(replies)
    assert "No check-in answers in the last 4 weeks" in text(replies)
    assert labels(replies) == ["12 weeks"]
    assert pictures(command(runtime.companion, USER, "mood", "12"))


def test_when_the_chart_cannot_be_drawn_its_words_still_come(runtime, clock, monkeypatch) -> None:
    import bot.progress.mood_chart as chart

    def broken(*_args, **_kwargs):
        raise RuntimeError("no backend")

    monkeypatch.setattr(chart, "mood_chart", broken)
    person_with_moods(runtime, USER, clock(), [(2, 3), (1, 4), (0, 4)])
    (reply,) = command(runtime.companion, USER, "mood")
    assert reply.picture is None
    assert "You answered a check-in on 3 of these 28 days" in reply.text
    assert labels([reply]) == ["12 weeks"]


def test_only_the_persons_own_moods_are_drawn(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [(2, 3), (1, 4), (0, 4)])
    person_with_moods(runtime, "console:other", clock(), [(d, 1) for d in range(20)])
    (reply,) = command(runtime.companion, USER, "mood")
    assert "3 of these 28 days" in reply.picture.caption and "really low" not in reply.picture.caption


def test_mood_needs_consent_like_the_rest(runtime, clock) -> None:
    replies = command(runtime.companion, "console:new", "mood")
    assert not pictures(replies)
    assert "Once you've answered" not in text(replies)


def test_a_heavy_week_without_a_change_is_met_with_support_not_a_verdict(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [(d, 1 + d % 2) for d in range(14)])
    (reply,) = command(runtime.companion, USER, "mood")
    assert "These days have been heavy" in reply.picture.caption and "/sos" in reply.picture.caption
