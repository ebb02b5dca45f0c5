"""/progress: the path by phase in words, the next step, and a picture once something is done."""

from __future__ import annotations

from bot.domain import MENU_BUTTON

from ..checkins.helpers import command, labels, text
from .helpers import PNG, finish, person_with_moods

USER = "console:pat"


def test_before_anything_is_finished_the_words_come_alone_with_the_first_step(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [])
    (reply,) = command(runtime.companion, USER, "progress")
    assert reply.picture is None
    assert "The path so far" in reply.text and "Nothing finished yet" in reply.text
    assert "Safety and noticing" in reply.text and "Making contact" in reply.text
    assert labels([reply])[0].startswith("Next: ") and labels([reply])[-1] == "Open the menu"
    assert reply.buttons[0].data.startswith(f"{MENU_BUTTON}:")


def test_what_was_done_is_named_under_its_phase_and_drawn(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [])
    library = runtime.companion.library
    safety = [s for s in library.listed() if s.phase == "safety"]
    finish(runtime, USER, safety[0].id, clock())
    words, picture = command(runtime.companion, USER, "progress")
    assert f"Done: {safety[0].title}" in words.text
    assert f"1 of {len(safety)}" in words.text
    assert not words.buttons
    assert picture.picture is not None and picture.picture.png.startswith(PNG) and picture.picture.name == "path"
    assert "1 of " in picture.picture.caption and "conversations along the path" in picture.picture.caption
    assert labels([picture])[0].startswith("Next: ")


def test_when_the_path_cannot_be_drawn_the_words_carry_the_buttons(runtime, clock, monkeypatch) -> None:
    import bot.progress.path_picture as drawing

    def broken(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(drawing, "path_picture", broken)
    person_with_moods(runtime, USER, clock(), [])
    finish(runtime, USER, [s for s in runtime.companion.library.listed() if s.phase == "safety"][0].id, clock())
    (reply,) = command(runtime.companion, USER, "progress")
    assert reply.picture is None and "The path so far" in reply.text and labels([reply])[-1] == "Open the menu"


def test_a_whole_path_walked_says_so(runtime, clock) -> None:
    person_with_moods(runtime, USER, clock(), [])
    for script in runtime.companion.library.listed():
        finish(runtime, USER, script.id, clock())
    replies = command(runtime.companion, USER, "progress")
    assert "You have walked the whole path" in text(replies)
    assert labels(replies) == ["Open the menu"]
