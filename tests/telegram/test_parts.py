"""The pure pieces: splitting long text, plain-text fallback, update -> Event mapping."""

from __future__ import annotations

from telegram import Bot, Update

from bot.domain import EventKind
from bot.telegram.sender import html_to_plain, split_text, utf16_len
from bot.telegram.updates import chat_id_of, event_for

from .helpers import STICKER, edited, message, press

BOT = Bot("123:ABC")


def test_short_text_is_one_part():
    assert split_text("hello") == ["hello"]


def test_split_prefers_paragraphs_then_lines_then_words():
    paragraphs = "\n\n".join(["a" * 60] * 3)
    assert split_text(paragraphs, limit=130) == ["a" * 60 + "\n\n" + "a" * 60, "a" * 60]
    lines = "\n".join(["b" * 60] * 3)
    assert split_text(lines, limit=100) == ["b" * 60] * 3
    words = " ".join(["c" * 9] * 20)
    parts = split_text(words, limit=50)
    assert all(len(p) <= 50 for p in parts) and " ".join(parts) == words


def test_split_counts_utf16_units_like_telegram():
    text = "🙂" * 3000  # 6000 UTF-16 units, no spaces
    parts = split_text(text)
    assert len(parts) == 2 and all(utf16_len(p) <= 4096 for p in parts) and "".join(parts) == text


def test_a_hard_cut_does_not_break_an_entity():
    text = "x" * 45 + "&amp;" + "y" * 20
    first, second = split_text(text, limit=48)
    assert first == "x" * 45 and second.startswith("&amp;")


def test_html_to_plain():
    assert html_to_plain("<b>Hi</b> &lt;3 &amp; <i>more</i>") == "Hi <3 & more"


def test_update_mapping():
    def event(data):
        return event_for(Update.de_json(data, BOT))

    start = event(message(7, "/start@innerchild_test_bot  safety_plan ", update_id=3))
    assert (start.user, start.kind, start.text, start.args, start.update_key) == ("tg:7", EventKind.COMMAND, "/start", "safety_plan", "tg:3")
    assert event(message(7, "a / slash")).kind is EventKind.TEXT
    assert (event(press(7, "m:grounding")).kind, event(press(7, "m:grounding")).data) == (EventKind.BUTTON, "m:grounding")
    sticker = event(message(7, **STICKER))
    assert (sticker.kind, sticker.what) == (EventKind.UNSUPPORTED, "sticker")
    photo = event(message(7, caption="look", photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]))
    assert (photo.what, photo.text) == ("photo", "look")
    change = event(edited(7, "new words"))
    assert (change.kind, change.what, change.text) == (EventKind.UNSUPPORTED, "edited", "new words")
    assert event(message(7, "hi", chat={"id": -5, "type": "supergroup", "title": "g"})) is None
    assert event(message(7)) is None  # a service message: nothing was said
    assert chat_id_of("tg:7") == 7


def test_the_log_filter_hides_the_token_and_shrinks_ptb_tracebacks():
    import logging

    from telegram.error import InvalidToken

    from bot.telegram.run import Redact

    redact = Redact("123:ABC")
    try:
        raise InvalidToken("The token `123:ABC` was rejected by the server.")
    except InvalidToken:
        import sys

        ours = logging.LogRecord("bot.checkins", logging.ERROR, __file__, 1, "failed for %s", ("123:ABC",), sys.exc_info())
        theirs = logging.LogRecord("telegram.ext", logging.ERROR, __file__, 1, "loop aborted", None, sys.exc_info())
    for record in (ours, theirs):
        redact.filter(record)
        assert "123:ABC" not in logging.Formatter().format(record)
    assert theirs.exc_info is None and theirs.getMessage() == "loop aborted (InvalidToken)"


def test_a_tag_open_at_a_cut_is_closed_and_reopened():
    letter = "<i>" + " ".join(["dear little one"] * 40) + "</i> <b>and</b> done"
    parts = split_text(letter, limit=200)
    assert len(parts) > 2
    for part in parts[:-1]:
        assert part.startswith("<i>") and part.endswith("</i>")
    assert parts[-1].endswith("<b>and</b> done")
    assert html_to_plain("".join(parts)).replace(" ", "") == html_to_plain(letter).replace(" ", "")


def test_a_link_keeps_its_address_in_the_next_part():
    text = '<a href="https://example.org">' + "word " * 30 + "</a>"
    first, *rest = split_text(text, limit=80)
    assert first.endswith("</a>") and all(p.startswith('<a href="https://example.org">') for p in rest)
