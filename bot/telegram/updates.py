"""Telegram updates as the companion's ``Event`` values: the adapter's one translation step.

Pure functions, no I/O, so every mapping rule can be tested on a plain ``Update``.

- A person is ``tg:<user id>``; an update is ``tg:<update id>`` (the companion ignores a
  key it has already committed, so a redelivered update changes nothing twice).
- Only private chats: this is a one-to-one companion, and a reply meant for one person must
  never land in a group where others read it.
- Stickers, photos, voice notes, files, locations ... become ``UNSUPPORTED`` with ``what``
  naming the kind; an edited message becomes ``UNSUPPORTED(what="edited")`` carrying the new
  text, so safety still reads it but the dialogue never moves on an edit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from telegram import Message, MessageEntity, Update, User
from telegram.constants import ChatType, MessageAttachmentType

from ..domain import Event, EventKind

PREFIX = "tg:"

# The event an update is read as while its turn runs, when that is not the update alone: the
# parts of a split text, merged (``coalesce.py``). Set by the update processor around the
# handler, in the same task, so no handler needs to know.
_READ_AS: ContextVar[tuple[int, Event] | None] = ContextVar("read_as", default=None)


@contextmanager
def read_as(update: Update, event: Event) -> Iterator[None]:
    """While this runs (in this task), ``event_for(update)`` is ``event``."""
    token = _READ_AS.set((update.update_id, event))
    try:
        yield
    finally:
        _READ_AS.reset(token)


def person_id(user: User) -> str:
    return f"{PREFIX}{user.id}"


def update_key(update: Update) -> str:
    return f"{PREFIX}{update.update_id}"


def chat_id_of(person: str) -> int:
    """The private chat of a person id (in a private chat the chat id is the user id)."""
    if not person.startswith(PREFIX):
        raise ValueError(f"not a Telegram person id: {person!r}")
    return int(person[len(PREFIX):])


def person_of(update: object) -> str | None:
    """Whose update this is, for the per-person lock; ``None`` for updates without a person."""
    if isinstance(update, Update) and update.effective_user is not None:
        return person_id(update.effective_user)
    return None


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def event_for(update: Update) -> Event | None:
    """The companion event for an update, or ``None`` when there is nothing to tell it."""
    instead = _READ_AS.get()
    if instead is not None and instead[0] == update.update_id:
        return instead[1]
    user = update.effective_user
    if user is None or user.is_bot or not is_private(update):
        return None
    who, key = person_id(user), update_key(update)
    if update.callback_query is not None:
        return Event(who, EventKind.BUTTON, data=update.callback_query.data or "", update_key=key)
    if update.edited_message is not None:
        edited = update.edited_message
        return Event(who, EventKind.UNSUPPORTED, what="edited", text=edited.text or edited.caption or "", update_key=key)
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        command = _command(message)
        if command is not None:
            name, args = command
            return Event(who, EventKind.COMMAND, text=name, args=args, update_key=key)
        return Event(who, EventKind.TEXT, text=message.text, update_key=key)
    what = attachment_kind(message)
    if what is None:
        return None  # a service message (auto-delete timer changed ...): nothing was said
    return Event(who, EventKind.UNSUPPORTED, what=what, text=message.caption or "", update_key=key)


def attachment_kind(message: Message) -> str | None:
    """"sticker", "photo", "voice", "document", "location" ... or ``None`` for service messages.

    Checked in PTB's order, where an animation (which also carries a ``document``) comes
    before the document.
    """
    for kind in MessageAttachmentType:
        if getattr(message, kind.value, None):
            return str(kind.value)
    return None


def _command(message: Message) -> tuple[str, str] | None:
    """``("/start", "safety_plan")`` for "/start@bot safety_plan"; Telegram marks commands
    with a bot_command entity at offset 0, which is exactly what its clients show as one."""
    text = message.text or ""
    entity = next(iter(message.entities or ()), None)
    if entity is None or entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
        return None
    command = text[: entity.length].split("@", 1)[0]
    return command, text[entity.length :].strip()
