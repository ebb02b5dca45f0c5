"""Persistence: the only package that imports SQLAlchemy.

``Database`` opens and migrates; ``Database.transaction()`` yields a ``Repository`` for one
unit of work (``Database.connect()``: a bare connection, for a few Core statements). Free text is encrypted by the column types in ``types.py``.
"""

from .crypto import KEY_FILE, Cipher, KeyError_, key_file_keys, new_key, use_cipher
from .database import Database, DatabaseError
from .keycheck import KeyMismatch, check_key
from .models import DialogueSession, JournalEntry, Person
from .outbox import Outbox, Waiting
from .repository import Repository, SafetyHistory
from .states import RETURN_AFTER, PauseReason, SessionStatus

__all__ = [
    "KEY_FILE", "Cipher", "Database", "DatabaseError", "DialogueSession",
    "JournalEntry", "KeyError_", "KeyMismatch", "Outbox", "Waiting", "PauseReason", "Person", "RETURN_AFTER", "Repository",
    "SafetyHistory", "SessionStatus", "check_key", "key_file_keys", "new_key", "use_cipher",
]
