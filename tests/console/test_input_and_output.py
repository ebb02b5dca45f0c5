"""``innerchild chat`` reading from a pipe and writing to one, as a script or another program
uses it: bytes that are not UTF-8 are read with replacement characters (whatever the locale
says about standard input), no traceback anywhere holds the person's words, and output to a
pipe is never wrapped (one line a line, a transcript), while a terminal's is (``wrap``)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import ConsoleChat
from bot.console.wrap import wrap
from bot.domain import Event, EventKind
from tests.test_cli import ONBOARD, env_for

SECRET = "sec\xffret words here"


def chat_bytes(tmp_path: Path, stdin: bytes, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "sam"], input=stdin, capture_output=True,
        timeout=120, cwd=tmp_path, env=env_for(tmp_path, **env),
    )


# PYTHONIOENCODING=utf-8: standard input is strict (a desktop's UTF-8 locale), where such a
# byte stopped the chat with a traceback; unset, Python's C locale reads it as a surrogate
# (surrogateescape), which failed the turn ("nothing you wrote was lost") at the database.
@pytest.mark.parametrize("io_encoding", ["utf-8", ""], ids=["strict", "surrogateescape"])
def test_bytes_that_are_not_utf8_are_kept_with_replacement_characters(tmp_path: Path, io_encoding: str) -> None:
    lines = ONBOARD.encode() + b"/start journaling\n1\nI feel " + SECRET.encode("latin-1") + b"\n/journal\n"
    result = chat_bytes(tmp_path, lines, PYTHONIOENCODING=io_encoding, LC_ALL="C.UTF-8")
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 0, err
    assert "Something went wrong" not in out
    assert "I feel sec\ufffdret words here" in out.split("> /journal", 1)[1]  # kept in the journal
    assert "Traceback" not in err and "ret words" not in err


def test_no_traceback_holds_the_persons_words_when_the_chat_itself_fails(tmp_path: Path) -> None:
    # the chat itself fails (here: showing replies), with the words in the error: one log line, no words
    script = (
        "import sys, bot.cli\n"
        "from bot.console import chat\n"
        "def broken(self, text): raise RuntimeError('I feel ' + text)\n"
        "chat.ConsoleChat.deliver = lambda self, replies: broken(self, 'secret words')\n"
        "sys.argv = ['innerchild', 'chat', '--user', 'sam']\n"
        "bot.cli.main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], input=b"hello\n", capture_output=True, timeout=120, cwd=tmp_path, env=env_for(tmp_path),
    )
    err = result.stderr.decode()
    assert result.returncode == 1
    assert "secret words" not in err and "secret words" not in result.stdout.decode()
    assert "the chat stopped: RuntimeError" in err


def test_output_to_a_pipe_is_not_wrapped(tmp_path: Path) -> None:
    result = chat_bytes(tmp_path, b"", COLUMNS="30")
    first = result.stdout.decode().splitlines()[0]
    assert first.startswith("Hello, and welcome.") and first.endswith("the younger parts of you."), first


def test_a_lone_surrogate_from_an_adapter_is_read_as_a_replacement_character(companion) -> None:
    # JSON (a Telegram update) can carry "\ud83d" alone: text the database cannot store
    event = Event("tg:1", EventKind.TEXT, text="half an emoji \ud83d here", args="\udcff")
    assert event.text == "half an emoji \ufffd here" and event.args == "\ufffd"
    assert Event("tg:1", EventKind.TEXT, text="a whole one \U0001f331").text == "a whole one \U0001f331"


def test_wrapping_keeps_words_whole_and_lists_and_buttons_readable() -> None:
    text = (
        "Some people give their inner child a name, or call them little me.\n"
        "\n"
        "• What you write is stored encrypted, for you alone, and nobody else reads it.\n"
        "  [12] A button whose label is rather long for a narrow window\n"
        "https://childhelplineinternational.org/helplines/some/long/path"
    )
    wrapped = wrap(text, 30)
    assert wrapped.split("\n") == [
        "Some people give their inner",
        "child a name, or call them",
        "little me.",
        "",
        "• What you write is stored",
        "  encrypted, for you alone,",
        "  and nobody else reads it.",
        "  [12] A button whose label is",
        "       rather long for a",
        "       narrow window",
        "https://childhelplineinternational.org/helplines/some/long/path",  # whole, to copy
    ]
    assert wrap(text, None) == text and wrap(text, 10) == text  # a pipe; a window too narrow to help


def test_the_console_wraps_only_when_given_a_width(companion) -> None:
    narrow, wide = io.StringIO(), io.StringIO()
    ConsoleChat(companion, "sam", narrow, interactive=False, width=lambda: 40).run([])
    ConsoleChat(companion, "ana", wide, interactive=False).run([])
    assert max(len(line) for line in narrow.getvalue().splitlines()) <= 40
    assert " ".join(narrow.getvalue().split()) == " ".join(wide.getvalue().split())
    assert any(len(line) > 100 for line in wide.getvalue().splitlines())

