"""Writers edit scripts people are in the middle of: reloads, renamed and removed steps,
reordered buttons. Every person stays on a sensible step; no press goes down another branch;
nobody sees an error; and safety answers first.

The scripts are a copy of the shipped folder plus ``tryout``, edited between turns and
reloaded (``ScriptReloader``, as SIGHUP does) or picked up by a restart (a new runtime on the
same database).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import load
from bot.domain import Event, EventKind
from bot.reload import ScriptReloader
from tests.conftest import ROOT, FakeClock, build_runtime
from tests.console.helpers import Person

TRYOUT = """\
id: tryout
title: Try out
phase: always
menu: false  # a test's script: the variety rule is for scripts people meet in /menu
description: A small script to edit while people are in it.
minutes: 1
start: hello
steps:
  hello:
    say: Pick a colour.
    buttons:
{buttons}
  red:
    say: Red it is. What do you like about it?
    ask: red_words
    then: bye
  blue:
    say: Blue it is.
    buttons:
      - "Go on": bye
  bye:
    say: Thanks for trying.
    end: true
"""
RED = '      - "Red": red'
BLUE = '      - "Blue": blue'
WITHOUT_BLUE = TRYOUT.format(buttons="\n".join([RED, '      - "Not blue": bye'])).replace('  blue:\n    say: Blue it is.\n    buttons:\n      - "Go on": bye\n', "")


def write(folder: Path, text: str) -> None:
    (folder / "tryout.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", copy)
    write(copy, TRYOUT.format(buttons="\n".join([RED, BLUE])))
    return copy


@pytest.fixture
def setup(db_url: str, clock: FakeClock, tmp_path: Path, folder: Path):
    runtime = build_runtime(db_url, clock, tmp_path, dialogues_dir=folder)
    reloader = ScriptReloader(runtime.companion, folder, tmp_path / "data", load)
    yield runtime, reloader
    runtime.database.dispose()


def in_tryout(runtime) -> Person:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start tryout")
    assert person.buttons[:2] == ["Red", "Blue"]
    return person


def press_data(person: Person, label: str) -> str:
    return next(b.data for b in person.chat.buttons if b.label == label)


def press(runtime, person: Person, data: str) -> str:
    """Press a button whose data was shown earlier (an old message in the chat)."""
    start = len(person.out.getvalue())
    person.chat.play(Event(person.chat.user, EventKind.BUTTON, data=data))
    return person.out.getvalue()[start:]


def edit_and_reload(folder: Path, reloader: ScriptReloader, text: str) -> None:
    write(folder, text)
    assert reloader.reload() == []


def test_an_edited_text_is_spoken_from_the_next_turn_after_a_reload(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    edit_and_reload(folder, reloader, TRYOUT.format(buttons="\n".join([RED, BLUE])).replace("Blue it is.", "Blue, like the sea."))
    assert "Blue, like the sea." in person.say("2")


def test_a_broken_edit_keeps_the_old_scripts_served(setup, folder, caplog):
    runtime, reloader = setup
    person = in_tryout(runtime)
    write(folder, TRYOUT.format(buttons="\n".join([RED, BLUE])).replace("Blue it is.", "Blue {{ oops").replace("go: bye", "go: nowhere"))
    problems = reloader.reload()
    assert problems and all(str(p).startswith(str(folder / "tryout.yaml")) for p in problems)
    assert "scripts not reloaded" in caplog.text and "tryout.yaml:" in caplog.text
    assert "Blue it is." in person.say("2")


def test_reordered_buttons_keep_an_old_press_on_its_own_way(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    blue = press_data(person, "Blue")
    edit_and_reload(folder, reloader, TRYOUT.format(buttons="\n".join([BLUE, RED])))
    assert "Blue it is." in press(runtime, person, blue)


def test_an_inserted_button_keeps_an_old_press_on_its_own_way(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    blue = press_data(person, "Blue")
    edit_and_reload(folder, reloader, TRYOUT.format(buttons="\n".join(['      - "Green": bye', RED, BLUE])))
    assert "Blue it is." in press(runtime, person, blue)


def test_a_press_of_a_removed_button_goes_nowhere_else(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    blue = press_data(person, "Blue")
    edit_and_reload(folder, reloader, WITHOUT_BLUE)
    said = press(runtime, person, blue)
    assert "earlier moment" in said and "Pick a colour." in said
    assert "Red it is" not in said and "Thanks for trying" not in said


def test_a_press_made_before_buttons_had_keys_is_an_earlier_moment(setup):
    runtime, _ = setup
    person = in_tryout(runtime)
    step = press_data(person, "Red").split(":")[1]
    said = press(runtime, person, f"d:{step}:1")  # the old positional form
    assert "earlier moment" in said and "Pick a colour." in said


def test_a_button_leading_to_a_renamed_step_still_takes_an_old_press_there(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    blue = press_data(person, "Blue")
    renamed = TRYOUT.format(buttons="\n".join([RED, '      - "Blue": azure'])).replace("  blue:\n", "  azure:\n    renamed_from: blue\n")
    edit_and_reload(folder, reloader, renamed)
    assert "Blue it is." in press(runtime, person, blue)


RENAMED_RED = TRYOUT.format(buttons="\n".join(['      - "Red": crimson', BLUE])).replace("  red:\n", "  crimson:\n    renamed_from: red\n")


def test_a_person_on_a_renamed_step_answers_it_after_a_reload(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    person.say("1")
    edit_and_reload(folder, reloader, RENAMED_RED)
    said = person.say("It is warm.")
    assert "Thanks for trying." in said and "updated" not in said
    assert "It is warm." in person.say("/journal")


def test_a_person_on_a_renamed_step_answers_it_after_a_restart(db_url, clock, tmp_path, folder):
    first = build_runtime(db_url, clock, tmp_path, dialogues_dir=folder)
    person = in_tryout(first)
    person.say("1")
    first.database.dispose()
    write(folder, RENAMED_RED)
    second = build_runtime(db_url, clock, tmp_path, dialogues_dir=folder)
    try:
        again = Person(second.companion)
        assert "Thanks for trying." in again.say("It is warm.")
    finally:
        second.database.dispose()


def test_a_person_on_a_removed_step_gets_a_gentle_note_and_their_last_step(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    person.say("2")
    go_on = press_data(person, "Go on")
    edit_and_reload(folder, reloader, WITHOUT_BLUE)
    said = press(runtime, person, go_on)
    assert "updated since you were last here" in said and "Pick a colour." in said
    assert "went wrong" not in said.lower()
    assert "Thanks for trying." in person.say("2")  # "Not blue", on the step shown again


def on_a_removed_step(setup, folder) -> Person:
    """A person at the step ``blue``, which the writer then removes (and reloads)."""
    runtime, reloader = setup
    person = in_tryout(runtime)
    person.say("2")
    edit_and_reload(folder, reloader, WITHOUT_BLUE)
    return person


def test_words_typed_at_a_removed_step_get_the_note_and_the_step(setup, folder):
    person = on_a_removed_step(setup, folder)
    said = person.say("blue please")
    assert "updated since you were last here" in said and "Pick a colour." in said


def test_a_crisis_on_a_removed_step_gets_the_crisis_card_first(setup, folder):
    person = on_a_removed_step(setup, folder)
    said = person.say("I want to kill myself tonight")
    assert "Samaritans" in said and "116 123" in said
    assert "went wrong" not in said.lower()


def test_a_paused_session_on_a_removed_step_resumes_at_a_safe_step(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    person.say("2", "/pause")
    edit_and_reload(folder, reloader, WITHOUT_BLUE)
    said = person.say("/resume")
    assert "updated since you were last here" in said and "Pick a colour." in said


def test_a_session_remembers_the_version_of_its_script(setup, folder):
    runtime, reloader = setup
    person = in_tryout(runtime)
    with runtime.database.transaction() as repo:
        before = repo.active_session(repo.find_person(person.chat.user)).script_version
    assert before == runtime.library.get("tryout").version
    edit_and_reload(folder, reloader, TRYOUT.format(buttons="\n".join([BLUE, RED])))
    person.say("2")
    with runtime.database.transaction() as repo:
        after = repo.active_session(repo.find_person(person.chat.user)).script_version
    assert after == runtime.library.get("tryout").version != before


def test_a_reload_keeps_a_private_last_good_copy(setup, folder, tmp_path):
    runtime, reloader = setup
    edit_and_reload(folder, reloader, TRYOUT.format(buttons="\n".join([BLUE, RED])))
    copy = tmp_path / "data" / "dialogues-last-good"
    assert (copy / "tryout.yaml").read_text() == (folder / "tryout.yaml").read_text()
    assert (copy.stat().st_mode & 0o077) == 0


def test_a_broken_folder_at_start_is_served_from_the_last_good_copy(db_url, clock, tmp_path, folder, caplog):
    from bot.app import build
    from bot.config import Settings
    from bot.reload import keep_last_good
    from bot.runtime import StartupError
    from tests.conftest import TEST_KEY

    keep_last_good(folder, tmp_path / "data")
    write(folder, "id: tryout\nsteps: [")
    values = dict(database_url=db_url, data_dir=tmp_path / "data", encryption_key=TEST_KEY, dialogues_dir=folder, _env_file=None)
    with pytest.raises(StartupError, match="tryout.yaml"):
        build(Settings(**values), migrate=True)  # the console and other commands: refuse
    runtime = build(Settings(**values), migrate=True, last_good=True)  # the bot: serve the copy
    try:
        assert runtime.library.folder == tmp_path / "data" / "dialogues-last-good"
        assert "tryout" in runtime.library
        assert "serving the last good copy" in caplog.text and "tryout.yaml:" in caplog.text
    finally:
        runtime.database.dispose()


def test_a_broken_folder_at_start_without_a_copy_refuses_with_the_problems(tmp_path, folder, db_url):
    from bot.app import build
    from bot.config import Settings
    from bot.runtime import StartupError
    from tests.conftest import TEST_KEY

    write(folder, "id: tryout\nsteps: [")
    values = dict(database_url=db_url, data_dir=tmp_path / "empty", encryption_key=TEST_KEY, dialogues_dir=folder, _env_file=None)
    with pytest.raises(StartupError, match="tryout.yaml:"):
        build(Settings(**values), migrate=True, last_good=True)


def test_watch_mode_reloads_a_changed_file(setup, folder):
    import time

    runtime, reloader = setup
    reloader.watch(interval=0.05)
    try:
        write(folder, TRYOUT.format(buttons="\n".join([RED, BLUE])).replace("Pick a colour.", "Choose a colour."))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "Choose a colour." not in str(runtime.library.get("tryout").script.steps["hello"].say):
            time.sleep(0.05)
    finally:
        reloader.stop()
    person = in_tryout_after_edit(runtime)
    assert "Choose a colour." in person


def in_tryout_after_edit(runtime) -> str:
    person = Person(runtime.companion)
    person.onboard()
    return person.say("/start tryout")


def test_a_reload_brings_new_checkin_openings_to_the_sweep(setup, folder):
    from bot.checkins import service_for
    from bot.checkins.openers import NORMAL

    runtime, reloader = setup
    service = service_for(runtime)
    assert "checkin_open_fresh" not in service.openers.by_mode[NORMAL]
    (folder / "templates" / "checkin_open_fresh.j2").write_text("A fresh hello{% if name %}, {{ name }}{% endif %}.", encoding="utf-8")
    assert reloader.reload() == []
    assert "checkin_open_fresh" in service.openers.by_mode[NORMAL]
