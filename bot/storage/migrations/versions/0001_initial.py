"""The first tables: people, dialogue sessions, journal, processed updates, counts.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("external_id", sa.String(80), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("consent_version", sa.Integer),
        sa.Column("consented_at", sa.DateTime),
        sa.Column("adult", sa.Boolean),
        sa.Column("name", sa.Text),
        sa.Column("child_name", sa.Text),
        sa.Column("country", sa.String(2)),
        sa.Column("timezone", sa.String(64)),
        sa.Column("recent_safety", sa.JSON, nullable=False),
        sa.Column("last_safety_level", sa.String(16)),
        sa.Column("last_safety_at", sa.DateTime),
        sa.Column("retention_notice_at", sa.DateTime),
    )
    op.create_table(
        "dialogue_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
        sa.Column("dialogue_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(16)),
        sa.Column("context", sa.Text),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
    )
    op.create_index("ix_sessions_person_status", "dialogue_sessions", ["person_id", "status"])
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
        sa.Column("dialogue_id", sa.String(64), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_journal_person_key", "journal_entries", ["person_id", "key"])
    op.create_table(
        "processed_updates",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_processed_updates_person_id", "processed_updates", ["person_id"])
    op.create_table(
        "safety_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("categories", sa.String(255), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "usage_counts",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("kind", sa.String(48), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("usage_counts", "safety_events", "processed_updates", "journal_entries", "dialogue_sessions", "persons"):
        op.drop_table(table)
