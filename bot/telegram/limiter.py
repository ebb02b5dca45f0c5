"""Every Bot API call that speaks in a chat waits for the one sending budget of all processes.

PTB hands every call the bot makes (except ``getUpdates``) to the Application's rate
limiter, so this is the one place that sees them all: replies and pictures, keyboard edits,
"typing...", check-ins, retention notices, the apology after a failed turn.

- A call with a ``chat_id`` takes a slot that both the overall budget (every message of
  every process: Telegram allows about 30 a second) and that chat's (about one a second,
  with a small burst: a keyboard edit and the reply after it) allow, then waits for it with
  ``asyncio.sleep``: the event loop keeps serving, and no transaction is open (the slot was
  taken and committed in a worker thread; ``core.budget``).
- A caller that wakes more than ``LATE`` after its overall slot (a busy machine, a slow
  database) gives that slot up and takes a new one rather than sending late, as a late
  message would crowd the next ones into the same second.
- "typing..." (``sendChatAction``) is a courtesy: it takes an overall slot only when one
  comes within ``COURTESY_WAIT`` (the bot is not behind), and is dropped rather than sent
  late; otherwise ``NotNow`` (the sender ignores it). It counts like a message, as Telegram
  counts every call.
- Telegram's ``RetryAfter`` for a chat holds that chat in every process for as long as it
  asked, then goes to the caller as before (the outbox keeps the bubble).
- Calls without a chat (answering a button press, the command menu, webhooks, files) are
  not messages in a chat and go at once: a pressed button's spinner must stop quickly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from ..core import SendBudget
from .handlers import retry_after

LATE = 0.1  # seconds after its overall slot a message may still go
COURTESY_WAIT = 0.25  # seconds a "typing..." may wait for its slot
COURTESY = frozenset({"sendChatAction"})

JSON = bool | dict[str, Any] | list[dict[str, Any]]


class NotNow(Exception):
    """A courtesy call skipped: no slot was free at once."""


class SharedLimiter(BaseRateLimiter[None]):
    def __init__(self, budget: SendBudget, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.budget = budget
        self._sleep = sleep

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,  # noqa: ANN401 - as PTB declares it
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> JSON:
        chat_id = chat_of(data)
        if chat_id is None:
            return await callback(*args, **kwargs)
        if endpoint in COURTESY:
            wait = await asyncio.to_thread(self.budget.take_if_soon, COURTESY_WAIT)
            answered = time.monotonic()
            if wait is None:
                raise NotNow(endpoint)
            await self._wait(wait, answered)
            if time.monotonic() - answered - wait > LATE:
                raise NotNow(endpoint)
            return await callback(*args, **kwargs)
        await self.wait_turn(chat_id)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as exc:
            await asyncio.to_thread(self.budget.hold, chat_id, retry_after(exc).total_seconds())
            raise

    async def wait_turn(self, chat_id: int) -> None:
        """Until this message may go: a slot both its chat and the overall budget allow,
        caught on time."""
        while True:
            slot = await asyncio.to_thread(self.budget.take, chat_id)
            answered = time.monotonic()
            await self._wait(slot.wait, answered)
            if slot.taken and time.monotonic() - answered - slot.wait <= LATE:
                return
            # the chat was not free yet, or we woke too late and the slot has passed: again

    async def _wait(self, seconds: float, since: float) -> None:
        left = seconds - (time.monotonic() - since)
        if left > 0:
            await self._sleep(left)


def chat_of(data: dict[str, Any]) -> int | None:
    """The chat a call speaks in (private chats and groups have numeric ids)."""
    value = data.get("chat_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None

