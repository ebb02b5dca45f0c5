"""The adapter: update -> Event -> companion -> replies -> Telegram. No dialogue logic here.

``companion.handle`` is synchronous database work, so it runs in one of the turn workers
(``workers.py``: one thread on SQLite, one per pooled connection on PostgreSQL) and the
event loop keeps serving other people meanwhile; so do the outbox calls that follow it. The
person's lock (held by the update processor) spans the turn *and* the sending of its
replies, so bubbles of two turns never interleave.

A pressed button is answered at once (the spinner stops) and, once the turn has committed,
its keyboard is taken off the message so the old buttons cannot be pressed twice (while the
replies go out, not before them). A button
that is stale anyway goes to the companion like any other; it answers with a gentle note and
the current step.

Replies go through the outbox (``storage.outbox``): the turn commits them with its state,
then ``drain`` sends that person's waiting bubbles in order, marking each Telegram message
as it goes, so a crash, a restart or a redelivered update sends what was not sent, once. A
429 for one chat leaves its bubbles waiting (``not_before``) and the ``OutboxSweeper`` sends
them later; other chats never wait for it. A reply Telegram refuses as it is (a Bad Request)
is dropped and logged, so the replies after it still go out; other failures wait a little
longer each time before the sweeper tries again. The sweeper also sends what another process
left when it died.

Nothing here logs what a person wrote: errors are logged by class, update id and code
location only, and the person sees a short apology, never a traceback; when the failed turn's
words read as crisis or concern (``TurnFailed``), the crisis card instead of the apology.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeAlias

from datetime import timedelta

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, ChatMemberHandler, ContextTypes, MessageHandler, filters

from ..core import LAST_RESORT_SORRY, Companion, Deliveries, TurnFailed, describe_failure
from ..domain import Reply
from .processor import PersonLocks
from .sender import Sender, Unreachable
from .updates import chat_id_of, event_for, is_private, person_id
from .workers import TurnWorkers

log = logging.getLogger(__name__)

TelegramApp: TypeAlias = Application[Any, Any, Any, Any, Any, Any]  # PTB's defaults, untouched

SORRY = "something_went_wrong"  # the apology, in texts.yaml


class TelegramAdapter:
    """Handlers for the Application, and ``deliver`` for the check-in scheduler."""

    def __init__(self, companion: Companion, sender: Sender, locks: PersonLocks, outbox: Deliveries, workers: TurnWorkers):
        self.companion = companion
        self.sender = sender
        self.locks = locks
        self.outbox = outbox
        self.workers = workers
        self.application: TelegramApp | None = None

    def register(self, application: TelegramApp) -> None:
        self.application = application
        private = filters.ChatType.PRIVATE
        application.add_handler(CallbackQueryHandler(self.on_update))
        application.add_handler(MessageHandler(private & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE), self.on_update))
        application.add_handler(ChatMemberHandler(self.on_member, ChatMemberHandler.MY_CHAT_MEMBER))
        application.add_error_handler(self.on_error)

    # -- updates ------------------------------------------------------------------------------
    def acknowledge(self, update: object) -> None:
        """Stop a pressed button's spinner now, before the person's queue is reached (the
        processor calls this; the answer runs as an Application task, awaited at stop)."""
        if isinstance(update, Update) and update.callback_query is not None and self.application is not None:
            self.application.create_task(self._quietly(update.callback_query.answer()))

    async def on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message, an edit or a button press: one turn, then its replies."""
        query = update.callback_query
        event = event_for(update)
        if event is None:
            return
        result = await self.workers.run(self.companion.handle, event)
        message = query.message if query is not None else None
        removal: asyncio.Future[None] | None = None
        if message is not None and getattr(message, "reply_markup", None):  # not on inaccessible ones
            # Beside the replies, not before them: the person does not wait a round trip to
            # Telegram for buttons to vanish before the answer starts (best effort; awaited below).
            removal = asyncio.ensure_future(self._quietly(self.sender.remove_keyboard(message.chat.id, message.message_id)))
        try:
            if update.effective_chat is None:
                return
            if result.replies:  # not kept in the outbox (after /delete there is no one to keep them for)
                await self._send(event.user, update.effective_chat.id, result.replies, typing=True)
            # A redelivered update (a duplicate) sends whatever its first delivery left unsent.
            await self.drain_held(event.user, typing=True)
        finally:
            if removal is not None:
                await removal

    async def on_member(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """The person blocked the bot (Telegram calls it "kicked"): stop reaching out."""
        change = update.my_chat_member
        if change is None or not is_private(update):
            return
        if change.new_chat_member.status == ChatMemberStatus.BANNED:
            await self.workers.run(self.companion.mark_unreachable, person_id(change.from_user))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error class and where it happened (never content); apologise if we can."""
        error = context.error
        if isinstance(update, Update):
            log.error("update %s failed: %s", update.update_id, describe_failure(error))
        else:
            log.error("outside an update (e.g. while polling): %s", describe_failure(error))
        if not isinstance(update, Update) or not is_private(update) or isinstance(error, (Forbidden, Unreachable)):
            return
        if update.effective_chat is None:
            return
        if isinstance(error, TurnFailed) and error.replies:  # the crisis card, whatever broke
            try:
                await self.sender.send(update.effective_chat.id, error.replies)
                return
            except Exception as exc:  # noqa: BLE001 - then at least the apology below
                log.warning("could not send the crisis card: %s", type(exc).__name__)
        await self._apologise(update.effective_chat.id)

    async def _apologise(self, chat_id: int) -> None:
        """The short apology, as plain text; best effort."""
        try:
            await self.sender.call(self.sender.bot.send_message, chat_id=chat_id, text=self.sorry())
        except Exception as exc:  # noqa: BLE001 - nothing more we can do for this person
            log.warning("could not apologise: %s", type(exc).__name__)

    def sorry(self) -> str:
        try:
            return self.companion.library.texts.plain(SORRY)
        except Exception:  # noqa: BLE001 - texts.yaml broken as well: the last resort speaks
            return LAST_RESORT_SORRY

    # -- sending ------------------------------------------------------------------------------
    async def deliver(self, user: str, replies: list[Reply]) -> bool:
        """Send what was made outside an update (a check-in: stored in the outbox with its
        turn; ``replies`` only when it was not), under the person's lock and with the same
        pacing, but no "typing...": nobody is waiting for an answer. False when the person
        blocked the bot (they are marked unreachable). Must be awaited on the Application's
        event loop."""
        async with self.locks.hold(user):
            if replies and not await self._send(user, chat_id_of(user), replies):
                return False
            return await self.drain_held(user)

    async def drain(self, user: str) -> bool:
        """The person's waiting bubbles, under their lock (the sweeper's way in)."""
        async with self.locks.hold(user):
            return await self.drain_held(user)

    async def drain_held(self, user: str, *, typing: bool = False) -> bool:
        """Send the person's waiting bubbles in order; the caller holds their lock. False when
        they blocked the bot. A 429 leaves the rest waiting as Telegram asked. A Bad Request
        (Telegram refuses the message as it is: a button's data too long, a chat that is
        gone) drops that bubble, with an apology when the person is waiting, and goes on: a
        reply Telegram will never take must not hold back the ones after it, a crisis card
        among them. Any other failure (the network, Telegram's servers, the database) leaves
        the bubbles for the sweeper, after a wait that doubles with each failure in a row
        (``Deliveries.retry_later``). ``typing``: "typing..." before each message
        (answering the person's own update)."""
        chat_id = chat_id_of(user)
        outbox = self.outbox
        while True:
            waiting = outbox.handed_over(user)  # usually: a claim made with the turn or the last mark
            if waiting is None:
                waiting = await self.workers.run(outbox.claim, user)
            if not waiting:
                return True
            for bubble in waiting:
                last = len(self.sender.messages(chat_id, bubble.reply))

                async def progress(parts: int, bubble_id: int = bubble.id, last: int = last) -> None:
                    if parts < last:  # the last message is marked by forgetting the bubble (``sent``)
                        await self.workers.run(outbox.progress, bubble_id, parts)

                try:
                    await self.sender.send_reply(chat_id, bubble.reply, skip=bubble.parts_sent, sent=progress, typing=typing)
                except RetryAfter as exc:
                    wait = retry_after(exc)
                    log.info("Telegram asked one chat to wait %.0f s; its replies wait in the outbox", wait.total_seconds())
                    await self.workers.run(outbox.defer, user, wait)
                    return True
                except Unreachable:
                    log.info("a person blocked the bot; marking them unreachable")
                    await self.workers.run(outbox.drop, user)
                    await self.workers.run(self.companion.mark_unreachable, user)
                    return False
                except BadRequest as exc:  # refused as it is: sent again, it would be refused again
                    log.error("Telegram refused a reply (%s); it is dropped so that what follows is not held behind it", refusal(exc))
                    await self.workers.run(outbox.give_up, bubble.id)
                    if typing:  # the person is waiting for an answer: not silence
                        await self._apologise(chat_id)
                    continue
                except Exception as exc:  # noqa: BLE001 - the bubble stays; the sweeper tries again
                    wait = await self.workers.run(outbox.retry_later, user)
                    log.warning("sending from the outbox failed (%s); tried again in %.0f s", type(exc).__name__, wait.total_seconds())
                    return True
                await self.workers.run(outbox.sent, bubble.id)

    async def _send(self, user: str, chat_id: int, replies: list[Reply], *, typing: bool = False) -> bool:
        try:
            await self.sender.send(chat_id, replies, typing=typing)
        except Unreachable:
            log.info("a person blocked the bot; marking them unreachable")
            await self.workers.run(self.companion.mark_unreachable, user)
            return False
        return True

    @staticmethod
    async def _quietly(awaitable: Awaitable[object]) -> None:
        """Answering a callback query, taking a keyboard off: courtesies. An old query or
        message may fail, the turn goes on (and the person must not get an apology for it)."""
        try:
            await awaitable
        except Exception as exc:  # noqa: BLE001
            log.debug("callback answer failed: %s", type(exc).__name__)


def refusal(error: BadRequest) -> str:
    """Telegram's reason for a Bad Request, for the log: its first words only ("Chat not
    found", "Button_data_invalid"), since what follows a colon may quote the reply."""
    return str(error).split(":", 1)[0].strip()[:60] or "no reason given"


def retry_after(error: RetryAfter) -> timedelta:
    """How long Telegram asked this chat to wait (PTB keeps a timedelta; its public attribute
    is still seconds in v22, with a deprecation warning)."""
    value = getattr(error, "_retry_after", None)
    if isinstance(value, timedelta):
        return value
    return timedelta(seconds=float(str(error).rsplit(" ", 2)[-2]) if "Retry in" in str(error) else 1.0)
