"""The sending budget as adapters see it: how long a message waits for its slot.

Every process of the bot shares it through the database (``storage.budget``, on the
database's clock); the adapter waits for its slots itself, outside any transaction.
"""

from __future__ import annotations

from ..storage import Database
from ..storage import budget as store
from ..storage.budget import Rate, Slot

__all__ = ["Rate", "SendBudget", "Slot"]

PRUNE_EVERY = 1000  # messages between two clean-ups of quiet chats' rows (per process)


class SendBudget:
    """``overall``: every message of every process; ``chat``: each chat's (None: no per-chat
    limit, as in tests that send without pauses)."""

    def __init__(self, db: Database, overall: Rate, chat: Rate | None):
        self.db = db
        self.overall = overall
        self.chat = chat
        self._taken = 0

    def take(self, chat_id: int) -> Slot:
        """A slot for one message to ``chat_id``: when both its chat and the overall budget
        allow it (taken), or when to ask again."""
        self._taken += 1
        if self._taken % PRUNE_EVERY == 0:
            store.prune(self.db)
        return store.take(self.db, chat_id, self.chat, self.overall)

    def take_if_soon(self, within: float) -> float | None:
        """An overall slot if it comes within ``within`` seconds (the wait), else None."""
        return store.take_if_soon(self.db, self.overall, within)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked ``chat_id`` to wait ``seconds``: every process waits with it."""
        store.hold(self.db, chat_id, seconds, self.chat)
