"""Check-in claims that stay flat, and the sending budget every process shares.

- ``ix_checkin_settings_claim`` on (enabled, next_due_at, person_id) replaces the index on
  (enabled, next_due_at): the claim query orders by all three, so PostgreSQL reads the first
  due row straight from the index instead of sorting every due row (47 ms per claim with
  30,000 due, 0.1 ms with the index). SQLite already had ``person_id`` (the rowid) at the
  end of every index; it gets the same index so both read alike.
- ``send_budget``: one row per key (0: every message of the bot; a chat id: that chat) with
  the moment its next message may go (seconds since the epoch), advanced atomically by each
  message (``bot/storage/budget.py``). Rows of quiet chats are deleted as they go stale.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_checkin_settings_claim", "checkin_settings", ["enabled", "next_due_at", "person_id"])
    op.drop_index("ix_checkin_settings_due", table_name="checkin_settings")
    op.create_table(
        "send_budget",
        sa.Column("chat_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("next_at", sa.Double, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("send_budget")
    op.create_index("ix_checkin_settings_due", "checkin_settings", ["enabled", "next_due_at"])
    op.drop_index("ix_checkin_settings_claim", table_name="checkin_settings")
