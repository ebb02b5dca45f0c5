"""Check-ins: each person's rhythm and next due time, and the moods they share.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkin_settings",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("rhythm", sa.String(16), nullable=False),
        sa.Column("days", sa.String(32), nullable=False),
        sa.Column("minute", sa.Integer, nullable=False),
        sa.Column("quiet_start", sa.Integer),
        sa.Column("quiet_end", sa.Integer),
        sa.Column("next_due_at", sa.DateTime),
        sa.Column("slot_at", sa.DateTime),
        sa.Column("last_sent_at", sa.DateTime),
        sa.Column("missed", sa.Integer, nullable=False),
        sa.Column("rhythm_asked_at", sa.DateTime),
        sa.Column("last_opening", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_checkin_settings_due", "checkin_settings", ["enabled", "next_due_at"])
    op.create_table(
        "checkin_moods",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
        sa.Column("mood", sa.SmallInteger, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_checkin_moods_person_at", "checkin_moods", ["person_id", "created_at"])


def downgrade() -> None:
    op.drop_table("checkin_moods")
    op.drop_table("checkin_settings")
