"""Safety events that cannot be linked to a person, and retention notices that count only
once delivered.

- ``safety_events`` kept one row per referral with its time to the microsecond: the same value
  as the person's ``last_safety_at``, so one join named who was in crisis, and its id (or
  SQLite's rowid) gave the order of the day's referrals, to line up against the order of
  people's times. Now it is a count per day, level, categories and source, with no id (and
  ``WITHOUT ROWID`` on SQLite). Existing rows are counted into their day; their times are
  gone. ``usage_counts`` already kept the day only; on SQLite it is rebuilt ``WITHOUT ROWID``
  too, so its hidden rowid no longer tells which count of a day began first.
- ``persons.retention_queued_at``: when the retention notice was put in the outbox;
  ``retention_notice_at`` now means when Telegram accepted it, marked by the outbox
  (``outbox.notice`` flags the bubble). Earlier versions set ``retention_notice_at`` when
  they *decided* to notify (the ``innerchild retention`` command never sent anything), so no
  stored value proves a delivery: they are cleared, and the next sweep sends a notice that
  is tracked.

Downgrade: one ``safety_events`` row per counted referral again, at midnight of its day (the
time of day is not kept, and cannot come back), and the rest as 0009 had it.

Revision ID: 0010
Revises: 0009
"""

from collections import Counter
from datetime import date, datetime, time

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

KEY_COLUMNS = ("day", "level", "categories", "source")


def _counts_table(name: str) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("categories", sa.String(255), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(*KEY_COLUMNS, name=f"pk_{name}"),
        sqlite_with_rowid=False,
    )


def _day_of(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()  # SQLite hands back text


def upgrade() -> None:
    connection = op.get_bind()
    events = sa.table("safety_events", *(sa.column(c) for c in ("level", "categories", "source", "created_at")))
    counted: Counter[tuple[date, str, str, str]] = Counter()
    for row in connection.execute(sa.select(events.c.level, events.c.categories, events.c.source, events.c.created_at)):
        counted[(_day_of(row.created_at), row.level, row.categories or "", row.source or "message")] += 1
    op.drop_table("safety_events")
    table = _counts_table("safety_events")
    if counted:
        op.bulk_insert(table, [dict(zip(KEY_COLUMNS, key, strict=True), count=n) for key, n in sorted(counted.items())])

    if connection.dialect.name == "sqlite":  # PostgreSQL keeps no rowid
        op.rename_table("usage_counts", "usage_counts_0009")
        op.create_table(
            "usage_counts",
            sa.Column("day", sa.Date, nullable=False),
            sa.Column("kind", sa.String(48), nullable=False),
            sa.Column("count", sa.Integer, nullable=False),
            sa.PrimaryKeyConstraint("day", "kind"),
            sqlite_with_rowid=False,
        )
        op.execute("INSERT INTO usage_counts (day, kind, count) SELECT day, kind, count FROM usage_counts_0009")
        op.drop_table("usage_counts_0009")

    # Plain ALTER TABLE, never a batch copy: on SQLite a copy drops ``persons``, and dropping
    # it deletes every row that cascades from it (moods, sessions, the journal).
    op.add_column("persons", sa.Column("retention_queued_at", sa.DateTime, nullable=True))
    op.execute("UPDATE persons SET retention_notice_at = NULL")  # never proved delivered
    op.add_column("outbox", sa.Column("notice", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("outbox", "notice")  # SQLite 3.35+ drops a column in place (see upgrade)
    op.drop_column("persons", "retention_queued_at")

    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.rename_table("usage_counts", "usage_counts_0010")
        op.create_table(
            "usage_counts",
            sa.Column("day", sa.Date, primary_key=True),
            sa.Column("kind", sa.String(48), primary_key=True),
            sa.Column("count", sa.Integer, nullable=False),
        )
        op.execute("INSERT INTO usage_counts (day, kind, count) SELECT day, kind, count FROM usage_counts_0010")
        op.drop_table("usage_counts_0010")

    counts = sa.table("safety_events", *(sa.column(c) for c in (*KEY_COLUMNS, "count")))
    rows = []
    for row in connection.execute(sa.select(counts).order_by(*(counts.c[c] for c in KEY_COLUMNS))):
        at = datetime.combine(_day_of(row.day), time())
        rows += [{"level": row.level, "categories": row.categories, "source": row.source, "created_at": at}] * int(row.count)
    op.drop_table("safety_events")
    table = op.create_table(
        "safety_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("categories", sa.String(255), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    if rows:
        op.bulk_insert(table, rows)
