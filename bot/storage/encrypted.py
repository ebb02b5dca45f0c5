"""Every encrypted column, in one list, for key rotation and the key check.

Its own module because the list spans the core tables (``models``) and the check-in tables
(``checkin_models``, which import ``models``): kept in ``models`` it could not name the moods
without an import cycle.
"""

from __future__ import annotations

from sqlalchemy import Table

from .checkin_models import CheckinMood
from .models import DialogueSession, JournalEntry, OutboxBubble, Person

# Every encrypted column, as (table, primary key column, encrypted columns): key rotation
# re-encrypts these and the key check reads one of them in a database made before it existed.
# A new encrypted column is added here, by hand: nothing registers itself.
ENCRYPTED: list[tuple[Table, str, list[str]]] = [
    (Person.__table__, "id", ["name", "child_name"]),  # type: ignore[list-item]
    (JournalEntry.__table__, "id", ["text", "question"]),  # type: ignore[list-item]
    (DialogueSession.__table__, "id", ["context"]),  # type: ignore[list-item]
    (OutboxBubble.__table__, "id", ["reply"]),  # type: ignore[list-item]
    (CheckinMood.__table__, "id", ["mood"]),  # type: ignore[list-item]
]
