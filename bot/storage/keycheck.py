"""The key check: proof, stored in the database, that the configured key can read it.

The ``meta`` row ``key_check`` holds a Fernet token of a fixed text. The first start on an
empty database writes it; every later start decrypts it (any configured key may), and one
stored value of each encrypted column, so a process with the wrong key stops at start-up
instead of writing journal entries nobody else can read. A database made before the check
existed gets its row only if the data it already holds decrypts with the key; a new one (made
by ``innerchild db upgrade``, never started) takes any key, and the first start's is checked
from then on, even while no one is stored yet: a second process with another key would
otherwise write people its sibling cannot read.
"""

from __future__ import annotations

from sqlalchemy import Connection, Text, insert, select, type_coerce, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from .crypto import Cipher, KeyError_, active_cipher
from .database import Database, DatabaseError, unreachable
from .encrypted import ENCRYPTED
from .models import Meta

KEY_CHECK = "key_check"
PLAINTEXT = "innerchild key check v1"


class KeyMismatch(KeyError_):
    """The configured key(s) cannot read this database: it was encrypted with another key."""


def check_key(database: Database) -> str:
    """Verify the key against the database, writing the check on first use.

    Returns "checked" (the stored check decrypted), "written" (an empty or older database that
    the key reads got its check). Raises ``KeyMismatch`` when the key cannot read the data."""
    try:
        return _check(database, active_cipher())
    except DBAPIError as exc:
        raise unreachable(exc, database.url) from None


def _check(database: Database, cipher: Cipher) -> str:
    for _attempt in range(2):
        with database.engine.begin() as connection:
            samples = _encrypted_samples(connection)
            for token in samples:  # every kind of stored value, not the check alone
                _verify(cipher, token, plaintext=None)
            stored = _stored(connection)
            if stored is not None:
                _verify(cipher, stored)
                return "checked"
        try:
            with database.engine.begin() as connection:
                connection.execute(insert(Meta).values(key=KEY_CHECK, value=cipher.encrypt(PLAINTEXT)))
            return "written"
        except IntegrityError:
            continue  # another process wrote it first: check against theirs
    raise DatabaseError("the key check could neither be written nor read")  # pragma: no cover - two inserts both lost


def rotate_key_check(connection: Connection, cipher: Cipher) -> bool:
    """Re-encrypt the check under the first key (part of ``innerchild keys rotate``)."""
    stored = _stored(connection)
    if stored is None:
        return False
    connection.execute(update(Meta).where(Meta.key == KEY_CHECK).values(value=cipher.rotate(stored)))
    return True


def _stored(connection: Connection) -> str | None:
    return connection.execute(select(Meta.value).where(Meta.key == KEY_CHECK)).scalar_one_or_none()


def _encrypted_samples(connection: Connection) -> list[str]:
    """One stored token from each encrypted column that holds any, read raw (not decrypted):
    a value written under another key than the check's (a database whose check was lost or
    rewritten) stops the start too, rather than a turn later."""
    found: list[str] = []
    for table, _key, columns in ENCRYPTED:
        for column in columns:
            raw = type_coerce(table.c[column], Text)
            token = connection.execute(select(raw).where(table.c[column].is_not(None)).limit(1)).scalar_one_or_none()
            if token is not None:
                found.append(str(token))
    return found


def _verify(cipher: Cipher, token: str, plaintext: str | None = PLAINTEXT) -> None:
    try:
        value = cipher.decrypt(token)
    except KeyError_:
        raise KeyMismatch("the configured key cannot read this database") from None
    if plaintext is not None and value != plaintext:
        raise KeyMismatch("the key check value is not the one this program writes")
