"""Replies to Telegram calls: pacing, splitting, keyboards, pictures, documents, and gentle failure.

- Messages: one bubble (a ``Reply``) becomes Telegram messages in a fixed order: its text
  (split, see below), then its picture as a photo with the caption under it, then its
  document; the keyboard goes on the last of them. A caption over Telegram's 1024 units
  cannot go under a photo: the photo goes without it and the caption follows at once as
  text message(s). The order depends only on the reply, so ``skip``/``sent(n)`` (how the
  outbox resumes a bubble cut off by a crash or a 429) count the same messages every time.
- Pacing: before each message of an answer a chat action ("typing...", "sending a
  photo...", "sending a file...") and a pause, so the bubbles of one answer come about
  ``pause`` seconds apart, as if written. A message nobody is waiting for (a check-in, a
  notice, what the outbox sweeper sends) gets no chat action (``typing=False``). Telegram's
  limits (about one message a second per chat, about 30 a second in all, across every
  process) are kept by the shared sending budget in the Application's rate limiter
  (``limiter.py``), which every call passes. Tests use ``pause=0``: no chat actions, no waiting.
- Splitting: a reply over 4096 characters is cut at paragraph, then line, then word
  boundaries. A tag open at a cut (a long letter read
  back in ``<i>``) is closed at the end of its part and opened again at the start of the
  next, so each part is valid HTML and keeps its formatting. Lengths are counted in UTF-16 units on the
  raw HTML, which is never shorter than what Telegram counts.
- HTML: replies and captions are sent with parse_mode HTML (the engine already escaped user
  text). If Telegram still answers "can't parse entities" (a tag cut by a split, an
  operator's typo), the message goes out again as plain text rather than not at all.
- Failures: ``RetryAfter`` (a 429 for this chat) is raised to the caller, who leaves the
  bubble in the outbox for later, so one chat's limit never holds another's replies
  (the rate limiter never retries: a retry there would halt every chat); a transient ``NetworkError`` /
  ``TimedOut`` is retried a couple of times with backoff (a timed-out send may rarely arrive
  twice, which is kinder than a missing answer); ``Forbidden`` means the person blocked the
  bot and becomes ``Unreachable`` for the caller to record.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TypeAlias, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError

from ..domain import Button, Document, Picture, Reply

log = logging.getLogger(__name__)

LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH  # 1024
NETWORK_RETRIES = 2
BACKOFF = 0.5  # seconds, doubled each retry
T = TypeVar("T")
_TAG = re.compile(r"<[^>]*>")
Send: TypeAlias = Callable[[InlineKeyboardMarkup | None], Awaitable[None]]  # one message, given its keyboard


class Unreachable(Exception):
    """Telegram refused to deliver to this chat (the person blocked the bot)."""


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One button per row, in order; ``Button.data`` is the callback data (<= 64 bytes)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)] for b in buttons])


def html_to_plain(text: str) -> str:
    """Telegram HTML as plain text: tags dropped, entities unescaped."""
    return html.unescape(_TAG.sub("", text))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Parts of at most ``limit`` UTF-16 units, cut where a reader would pause."""
    parts: list[str] = []
    rest = text.strip()
    while utf16_len(rest) > limit:
        fits = _fitting_prefix(rest, limit)
        window = rest[:fits]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > 0:
                break
        if cut <= 0:
            cut = _safe_hard_cut(window)
        part, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if part:
            parts.append(part)
    if rest:
        parts.append(rest)
    return balance_tags(parts)


_TAG_PARTS = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>")


def balance_tags(parts: list[str]) -> list[str]:
    """Close the tags still open at the end of each part, and reopen them (with their
    attributes) at the start of the next."""
    balanced: list[str] = []
    carried: list[tuple[str, str]] = []  # (name, the opening tag as written)
    for part in parts:
        opened = list(carried)
        for match in _TAG_PARTS.finditer(part):
            closing, name = match.group(1) == "/", match.group(2).lower()
            if not closing:
                opened.append((name, match.group(0)))
            elif any(n == name for n, _ in opened):
                index = max(i for i, (n, _) in enumerate(opened) if n == name)
                del opened[index]
        head = "".join(tag for _, tag in carried)
        tail = "".join(f"</{name}>" for name, _ in reversed(opened))
        balanced.append(head + part + tail)
        carried = opened
    return balanced


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _safe_hard_cut(window: str) -> int:
    """A cut in a word with no spaces: at least do not cut a tag or an ``&entity;`` in half."""
    cut = len(window)
    for opener, closer in (("<", ">"), ("&", ";")):
        start = window.rfind(opener)
        if start > 0 and window.find(closer, start) == -1:
            cut = min(cut, start)
    return cut


class Sender:
    """Sends a turn's replies to one chat. Callers hold the person's lock around ``send``."""

    def __init__(self, bot: Bot, *, pause: float, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.bot = bot
        self.pause = max(0.0, pause)
        self._sleep = sleep
        self._last_sent: dict[int, float] = {}  # chat id -> monotonic time of our last message

    async def send(self, chat_id: int, replies: Sequence[Reply], *, typing: bool = True) -> None:
        """Every bubble of every reply, in order. Raises ``Unreachable`` on ``Forbidden``."""
        for reply in replies:
            await self.send_reply(chat_id, reply, typing=typing)

    async def send_reply(
        self,
        chat_id: int,
        reply: Reply,
        *,
        skip: int = 0,
        sent: Callable[[int], Awaitable[None]] | None = None,
        typing: bool = True,
    ) -> None:
        """One bubble: its Telegram messages in order (see ``messages``), leaving out the
        first ``skip`` (sent before a crash or a 429); ``sent(n)`` after each, with how many
        are out; ``typing``: a chat action before each (an answer, not a nudge). Raises
        ``RetryAfter`` (this chat must wait) and ``Unreachable``."""
        markup = keyboard(reply.buttons)
        messages = self.messages(chat_id, reply)
        for index, (action, send) in enumerate(messages):
            if index < skip:
                continue
            await self._pace(chat_id, action if typing else None)
            await send(markup if index == len(messages) - 1 else None)
            self._sent(chat_id)
            if sent is not None:
                await sent(index + 1)

    def messages(self, chat_id: int, reply: Reply) -> list[tuple[ChatAction, Send]]:
        """The bubble's Telegram messages, each with the chat action shown before it: the text
        parts, the photo (its caption after it as text when too long for a caption), the
        document. The same reply always gives the same list: the outbox counts in it."""
        messages: list[tuple[ChatAction, Send]] = [
            (ChatAction.TYPING, partial(self._send_text, chat_id, part)) for part in split_text(reply.text)
        ] if reply.text else []
        if reply.picture is not None:
            caption = reply.picture.caption.strip()
            fits = utf16_len(caption) <= CAPTION_LIMIT  # the raw HTML: never shorter than what Telegram counts
            messages.append((ChatAction.UPLOAD_PHOTO, partial(self._send_photo, chat_id, reply.picture, caption if fits else "")))
            if not fits:
                messages += [(ChatAction.TYPING, partial(self._send_text, chat_id, part)) for part in split_text(caption)]
        if reply.document is not None:
            messages.append((ChatAction.UPLOAD_DOCUMENT, partial(self._send_document, chat_id, reply.document)))
        return messages

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """Take the buttons off a message so they cannot be pressed twice. Best effort: the
        message may be too old to edit, or already without buttons."""
        try:
            await self.call(self.bot.edit_message_reply_markup, chat_id=chat_id, message_id=message_id, reply_markup=None)
        except (BadRequest, Unreachable) as exc:  # a blocked bot shows when the replies go out
            log.debug("keyboard not removed: %s", type(exc).__name__)

    async def _send_text(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        await self._html_or_plain(self.bot.send_message, "text", text, chat_id=chat_id, reply_markup=markup)

    async def _send_photo(self, chat_id: int, picture: Picture, caption: str, markup: InlineKeyboardMarkup | None) -> None:
        photo = InputFile(picture.png, filename=f"{picture.name}.png")
        if not caption:
            await self.call(self.bot.send_photo, chat_id=chat_id, photo=photo, reply_markup=markup)
            return
        await self._html_or_plain(self.bot.send_photo, "caption", caption, chat_id=chat_id, photo=photo, reply_markup=markup)

    async def _send_document(self, chat_id: int, document: Document, markup: InlineKeyboardMarkup | None) -> None:
        file = InputFile(document.content, filename=document.filename)
        await self.call(self.bot.send_document, chat_id=chat_id, document=file, reply_markup=markup)

    async def _html_or_plain(self, method: Callable[..., Awaitable[object]], field: str, text: str, **kwargs: object) -> None:
        """``method`` with ``field`` as HTML; as plain text when Telegram cannot parse it."""
        try:
            await self.call(method, **{field: text}, parse_mode=ParseMode.HTML, **kwargs)
        except BadRequest as exc:
            if "parse entities" not in str(exc).lower():
                raise
            log.warning("a reply was not valid Telegram HTML; sent as plain text")
            plain = html_to_plain(text).strip()
            await self.call(method, **{field: plain or ("…" if field == "text" else None)}, **kwargs)

    async def _pace(self, chat_id: int, action: str | None) -> None:
        if not self.pause:
            return
        if action is not None:
            try:
                await self.call(self.bot.send_chat_action, chat_id=chat_id, action=action)
            except Unreachable:
                raise
            except Exception as exc:  # noqa: BLE001 - "typing..." is a courtesy (skipped when the budget is short), never a failure
                log.debug("chat action not shown: %s", type(exc).__name__)
        wait = self._last_sent.get(chat_id, float("-inf")) + self.pause - time.monotonic()
        if wait > 0:
            await self._sleep(wait)

    def _sent(self, chat_id: int) -> None:
        now = time.monotonic()
        self._last_sent[chat_id] = now
        if len(self._last_sent) > 10_000:  # forget chats that have been quiet for a while
            self._last_sent = {c: t for c, t in self._last_sent.items() if now - t < self.pause}

    async def call(self, method: Callable[..., Awaitable[T]], /, **kwargs: object) -> T:
        """One Bot API call with transient network errors retried and Forbidden translated."""
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                return await method(**kwargs)
            except Forbidden as exc:
                raise Unreachable(str(exc)) from exc
            except BadRequest:
                raise  # our request is wrong; sending it again will not help
            except NetworkError as exc:  # includes TimedOut
                if attempt == NETWORK_RETRIES:
                    raise
                log.info("Telegram call failed (%s), retrying", type(exc).__name__)
                await asyncio.sleep(BACKOFF * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover
