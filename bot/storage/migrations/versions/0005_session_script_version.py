"""Each dialogue session remembers the version of the script it runs on.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dialogue_sessions") as batch:
        batch.add_column(sa.Column("script_version", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dialogue_sessions") as batch:
        batch.drop_column("script_version")
