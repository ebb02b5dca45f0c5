"""``kill -HUP`` reloads the scripts of a running ``innerchild run``, end to end against
FakeBotAPI: an edit is spoken from the next turn; a broken edit is refused and the old
scripts stay served; a restart with a broken folder serves the last good copy."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakes import FakeBotAPI

from .e2e import TOKEN, BotProcess, Person, mentions, stop, texts, wait_until

pytestmark = pytest.mark.timeout(120)

HELP = "Here is what you can type at any time"


def scripts(tmp_path: Path) -> Path:
    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    return folder


def edit(folder: Path, old: str, new: str, file: str = "texts.yaml") -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_and_sighup_change_the_next_turn_and_a_broken_edit_keeps_the_old_text(tmp_path):
    folder = scripts(tmp_path)
    with FakeBotAPI(token=TOKEN) as fake:
        bot = BotProcess(fake, tmp_path, INNERCHILD_DIALOGUES_DIR=str(folder)).start()
        try:
            person = Person(fake, 701)
            assert HELP in texts(person.say("/help", until=mentions(HELP)))

            wait_until(lambda: fake.calls("setMyCommands"), 10, "the command menu of the start")
            menus = len(fake.calls("setMyCommands"))
            edit(folder, HELP, "Here is everything you can type")
            bot.signal(signal.SIGHUP)
            bot.wait_log("scripts reloaded")
            wait_until(lambda: len(fake.calls("setMyCommands")) > menus, 10, "the command menu to be set again")
            assert "Here is everything you can type" in texts(person.say("/help", until=mentions("everything you can type")))

            edit(folder, "Here is everything you can type", "Here is {{ broken")
            bot.signal(signal.SIGHUP)
            bot.wait_log("scripts not reloaded")
            assert "texts.yaml:" in bot.log_text()
            assert "Here is everything you can type" in texts(person.say("/help", until=mentions("everything you can type")))
            assert stop(bot) == 0
        finally:
            bot.close()
    assert "Traceback" not in bot.log_text()


def test_a_restart_with_a_broken_folder_serves_the_last_good_copy_loudly(tmp_path):
    folder = scripts(tmp_path)
    with FakeBotAPI(token=TOKEN) as fake:
        first = BotProcess(fake, tmp_path, INNERCHILD_DIALOGUES_DIR=str(folder)).start()
        try:
            assert stop(first) == 0
        finally:
            first.close()
        assert (tmp_path / "dialogues-last-good" / "onboarding.yaml").exists()
        edit(folder, "steps:", "steps: [", file="grounding.yaml")
        # It reads the broken folder, then the copy: allow a slow machine twice the time.
        second = BotProcess(fake, tmp_path, INNERCHILD_DIALOGUES_DIR=str(folder)).start(timeout=60)
        try:
            second.wait_log("serving the last good copy")
            assert "grounding.yaml:" in second.log_text()
            person = Person(fake, 702)
            assert HELP in texts(person.say("/help", until=mentions(HELP)))
            assert stop(second) == 0
        finally:
            second.close()
