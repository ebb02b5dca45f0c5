"""The journal's index also orders each key's entries by time, so the newest answer under a
key is one step down the index however many a person wrote (``Repository.latest_journal``).

It replaces ``ix_journal_person_key`` (person, key): the new one starts with the same two
columns, so every query the old one served, it serves.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_journal_person_key_newest", "journal_entries", ["person_id", "key", "created_at", "id"])
    op.drop_index("ix_journal_person_key", table_name="journal_entries")


def downgrade() -> None:
    op.create_index("ix_journal_person_key", "journal_entries", ["person_id", "key"])
    op.drop_index("ix_journal_person_key_newest", table_name="journal_entries")
