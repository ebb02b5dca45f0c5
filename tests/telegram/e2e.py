"""Driving ``innerchild run`` as a separate process against FakeBotAPI, the way a person would:
tap a button by its label, type a line, and wait (always bounded) for the bot's answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT, TEST_KEY
from tests.fakes import FakeBotAPI
from tests.fakes.bot_api import BotMessage

TOKEN = "123:ABC"
STARTUP = 20.0  # seconds: imports, dialogue validation, migrations, getMe


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class BotProcess:
    """``python -m bot.cli run`` pointed at the fake; its log goes to a file (never a pipe
    that could fill up and stall it)."""

    def __init__(self, tg: FakeBotAPI, folder: Path, **env: str):
        self.tg = tg
        self.folder = folder
        self.log = folder / "bot.log"
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("INNERCHILD_")}
        self.env = dict(
            inherited,
            PYTHONPATH=str(ROOT),  # the bot runs in ``folder``, away from any developer .env
            INNERCHILD_TELEGRAM_TOKEN=TOKEN,
            INNERCHILD_TELEGRAM_BASE_URL=tg.base_url,
            INNERCHILD_DATABASE_URL=f"sqlite:///{folder / 'db.sqlite'}",
            INNERCHILD_DATA_DIR=str(folder),
            INNERCHILD_ENCRYPTION_KEY=TEST_KEY,
            INNERCHILD_MESSAGE_PAUSE="0",
        )
        self.env.update(env)
        self.process: subprocess.Popen | None = None

    def start(self, ready: str | None = "getUpdates", timeout: float = STARTUP) -> "BotProcess":
        """Start and wait until the bot has called ``ready`` on the fake (it is listening);
        with ``ready=None`` only start it (e.g. a standby, which never polls)."""
        before = len(self.tg.calls(ready)) if ready else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if ready:
            wait_until(lambda: len(self.tg.calls(ready)) > before or self.process.poll() is not None, timeout, f"the bot to call {ready}")
            assert self.process.poll() is None, f"the bot exited at start-up:\n{self.log_text()}"
        return self

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_log(self, fragment: str, timeout: float = STARTUP) -> None:
        """Until the log says ``fragment`` (the process must stay alive meanwhile)."""
        wait_until(lambda: fragment in self.log_text() or self.process.poll() is not None, timeout, f"the log to say {fragment!r}")
        assert fragment in self.log_text(), f"the bot exited before saying {fragment!r}:\n{self.log_text()}"

    def kill(self) -> None:
        """SIGKILL, and wait until it is gone."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def signal(self, sig: int) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class Person:
    """One person talking to the bot through the fake."""

    def __init__(self, tg: FakeBotAPI, user_id: int):
        self.tg = tg
        self.id = user_id

    def messages(self) -> list[BotMessage]:
        return self.tg.bot_messages(self.id)

    def wait(self, after: int, until: Callable[[list[BotMessage]], object] | None = None, timeout: float = 10.0) -> list[BotMessage]:
        """The bot's messages after the first ``after``, once ``until`` holds for them (by
        default: once one of them carries buttons, which ends most steps)."""
        until = until or (lambda new: any(m.buttons for m in new))
        self.tg.wait_for(lambda msgs: until(msgs[after:]), self.id, timeout)
        return self.messages()[after:]

    def say(self, text: str, until=None) -> list[BotMessage]:
        count = len(self.messages())
        self.tg.send_text(self.id, text)
        return self.wait(count, until)

    def button(self, label: str) -> tuple[BotMessage, str]:
        for message in reversed(self.messages()):
            for shown, data in message.buttons:
                if shown == label:
                    return message, data
        raise AssertionError(f"no button {label!r}; the bot sent {[(m.text, m.buttons) for m in self.messages()]}")

    def tap(self, label: str, until=None) -> list[BotMessage]:
        message, data = self.button(label)
        count = len(self.messages())
        self.tg.press_button(self.id, message.message_id, data)
        return self.wait(count, until)


def texts(messages: list[BotMessage]) -> str:
    return "\n".join(m.text or "" for m in messages)


def mentions(fragment: str) -> Callable[[list[BotMessage]], bool]:
    def check(new: list[BotMessage]) -> bool:
        return fragment in texts(new)

    check.__name__ = f"a message mentioning {fragment!r}"
    return check


def stop(bot: BotProcess, timeout: float = 10.0) -> int:
    bot.signal(signal.SIGTERM)
    return bot.wait(timeout)


def onboarded(tg: FakeBotAPI, user_id: int, *, city: str = "London") -> Person:
    """A person who went through onboarding with buttons and typed answers (country GB)."""
    person = Person(tg, user_id)
    person.say("/start")
    for label in ("Tell me more", "Okay", "Yes, I'm 18 or over"):
        person.tap(label)
    person.tap("Yes, I agree", until=mentions("Which country"))
    person.say("United Kingdom", until=mentions("city"))
    person.say(city, until=mentions("call you"))
    person.say("Sam", until=mentions("inner child a name"))
    person.say("Little Sam", until=mentions("A good first step"))
    return person
