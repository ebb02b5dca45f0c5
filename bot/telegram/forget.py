"""Memory that stays O(people active now): python-telegram-bot's per-update id sets, emptied.

For a persistence, PTB notes the chat and user id of every handled update in two sets
(``_chat_ids_to_be_updated_in_persistence``, ``_user_ids_to_be_updated_in_persistence``;
two more note dropped chat and user data) that only ``Application.update_persistence``
empties, and only when a persistence is configured. This bot configures none (its state is
in the database), so the sets only grow: every person who ever wrote, about 170 bytes
each (170 MiB per million people).

Emptying them is safe without a persistence: PTB reads them nowhere else
(``update_persistence`` returns at once without one), and every write to them happens on the
event loop, where ``Forgetter`` runs too, so none is lost halfway. With a persistence set
they are PTB's to empty and are left alone. The names are PTB's (22.x, pinned): a test holds
them, so an upgrade that renames them fails there instead of leaking quietly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram.ext import Application

log = logging.getLogger(__name__)

ID_SETS = (
    "_chat_ids_to_be_updated_in_persistence",
    "_user_ids_to_be_updated_in_persistence",
    "_chat_ids_to_be_deleted_in_persistence",
    "_user_ids_to_be_deleted_in_persistence",
)
EVERY = 60.0  # seconds: what the sets hold between two emptyings is who wrote in that minute


def forget_ids(application: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Empty PTB's per-update id sets when no persistence is configured; how many ids were held.
    Call it on the application's event loop."""
    if application.persistence is not None:
        return 0
    held = 0
    for name in ID_SETS:
        ids = getattr(application, name)
        held += len(ids)
        ids.clear()
    return held


class Forgetter:
    """Runs ``forget_ids`` every ``every`` seconds on the running loop, until stopped."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], every: float = EVERY):
        self.application = application
        self.every = every
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="forget-update-ids")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            held = forget_ids(self.application)
            if held:
                log.debug("forgot %d update ids python-telegram-bot kept for a persistence", held)
