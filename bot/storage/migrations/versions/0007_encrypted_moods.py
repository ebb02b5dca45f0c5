"""Check-in moods are encrypted at rest like the journal: each plain number becomes a Fernet token.

It needs the process's key (``crypto.use_cipher``, set by ``app.build`` and by
``innerchild db upgrade`` before they migrate), and first proves that key reads this
database (its key check, or any older token), so moods are never encrypted under a key
nothing else here is in. A row already holding a token (a run cut short) is left as it is;
the downgrade decrypts back to numbers.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.crypto import Cipher, KeyError_, active_cipher
from bot.storage.keycheck import KeyMismatch

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

moods = sa.table("checkin_moods", sa.column("id", sa.Integer), sa.column("mood", sa.Text))


def upgrade() -> None:
    cipher = _cipher()
    _check_key(cipher)
    with op.batch_alter_table("checkin_moods") as batch:
        batch.alter_column(
            "mood", type_=sa.Text(), existing_type=sa.SmallInteger(), existing_nullable=False, postgresql_using="mood::text"
        )
    connection = op.get_bind()
    rows = connection.execute(sa.select(moods.c.id, moods.c.mood)).all()
    plain = [{"row": id_, "token": cipher.encrypt(str(int(mood)))} for id_, mood in rows if _is_number(mood)]
    if plain:
        connection.execute(moods.update().where(moods.c.id == sa.bindparam("row")).values(mood=sa.bindparam("token")), plain)


def downgrade() -> None:
    cipher = _cipher()
    connection = op.get_bind()
    rows = connection.execute(sa.select(moods.c.id, moods.c.mood)).all()
    try:
        numbers = [{"row": id_, "number": str(int(cipher.decrypt(mood)))} for id_, mood in rows if not _is_number(mood)]
    except KeyError_:
        raise KeyMismatch("cannot decrypt the check-in moods to downgrade below 0007: set the key this database was created with") from None
    if numbers:
        connection.execute(moods.update().where(moods.c.id == sa.bindparam("row")).values(mood=sa.bindparam("number")), numbers)
    with op.batch_alter_table("checkin_moods") as batch:
        batch.alter_column(
            "mood", type_=sa.SmallInteger(), existing_type=sa.Text(), existing_nullable=False, postgresql_using="mood::smallint"
        )


def _cipher() -> Cipher:
    try:
        return active_cipher()
    except KeyError_:
        raise KeyError_(
            "migration 0007 encrypts check-in moods and needs the encryption key: run it through `innerchild db upgrade` "
            "or a start, with INNERCHILD_ENCRYPTION_KEY set (or the embedded default's key file)"
        ) from None


def _check_key(cipher: Cipher) -> None:
    """Stop unless the key reads this database: its key check, else one older token."""
    connection = op.get_bind()
    token = connection.execute(sa.text("SELECT value FROM meta WHERE key = 'key_check'")).scalar()
    if token is None:  # a database from before the key check
        token = connection.execute(sa.text("SELECT text FROM journal_entries LIMIT 1")).scalar()
    if token is None:
        token = connection.execute(sa.text("SELECT name FROM persons WHERE name IS NOT NULL LIMIT 1")).scalar()
    if token is None:
        return  # nothing encrypted yet: any key will do
    try:
        cipher.decrypt(token)
    except KeyError_:
        raise KeyMismatch(
            "the configured key cannot read this database (it was encrypted with another key), so migration 0007 "
            "will not encrypt check-in moods with it: set the key this database was created with"
        ) from None


def _is_number(value: object) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit())
