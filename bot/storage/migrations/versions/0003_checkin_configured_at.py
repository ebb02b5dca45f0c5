"""Check-ins remember when the person last chose their settings.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checkin_settings") as batch:
        batch.add_column(sa.Column("configured_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkin_settings") as batch:
        batch.drop_column("configured_at")
