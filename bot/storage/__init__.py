"""Persistence: the only package that imports SQLAlchemy.

``Database`` opens and migrates; ``Database.transaction()`` yields a ``Repository`` for one
unit of work. Free text is encrypted by the column types in ``types.py``.
"""

from .crypto import Cipher, KeyError_, key_file_keys, new_key, use_cipher
from .database import Database, DatabaseError
from .models import DialogueSession, JournalEntry, Person
from .repository import ACTIVE, FINISHED, PAUSED, Repository

__all__ = [
    "ACTIVE", "FINISHED", "PAUSED", "Cipher", "Database", "DatabaseError", "DialogueSession",
    "JournalEntry", "KeyError_", "Person", "Repository", "key_file_keys", "new_key", "use_cipher",
]
