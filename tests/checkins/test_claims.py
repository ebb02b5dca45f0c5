"""The claim under load: the claim query reads the index on (enabled, next_due_at,
person_id) in order however many are due (migration 0008); one person's failed nudge moves
only their slot on and everyone else's goes out, once (on PostgreSQL, from inside the batch
its transaction claimed). On SQLite and, when configured,
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text

from bot.checkins import service_for
from bot.storage.models import UsageCount

from .helpers import add_person, settings

PEOPLE = [f"console:p{i}" for i in range(7)]
FAILING = "console:p3"


def test_a_failed_nudge_moves_only_its_own_slot_on(runtime, clock, monkeypatch) -> None:
    for user in PEOPLE:
        add_person(runtime, user, clock())
    clock.now = datetime(2026, 1, 15, 20, 31, tzinfo=UTC)
    service = service_for(runtime)
    compose = service.compose

    def failing(repo, row, person, mode, now):
        nudge = compose(repo, row, person, mode, now)  # its writes are in the transaction ...
        if person.external_id == FAILING:
            raise RuntimeError("a broken template")  # ... and rolled back with it
        return nudge

    monkeypatch.setattr(service, "compose", failing)
    nudges = service.sweep(limit=100)
    assert sorted(n.user for n in nudges) == sorted(set(PEOPLE) - {FAILING})
    assert settings(runtime, FAILING).next_due_at == datetime(2026, 1, 16, 20, 30, tzinfo=UTC)
    assert settings(runtime, FAILING).last_sent_at is None
    with runtime.database.transaction() as repo:
        counts = {kind: n for kind, n in repo.session.execute(select(UsageCount.kind, UsageCount.count))}
        assert counts["checkin_sent"] == len(PEOPLE) - 1 and counts["checkin_failed"] == 1
        assert counts["dialogue_started"] == len(PEOPLE) - 1  # the failed one's count was rolled back with it
        assert repo.active_session(repo.find_person(FAILING)) is None  # the check-in it began was undone
    assert service.sweep(limit=100) == []  # nothing twice, and no loop on the failed one


def test_the_claim_query_reads_the_three_column_index(runtime) -> None:
    """The plan walks ix_checkin_settings_claim in order: no sort of every due row."""
    database = runtime.database
    query = (
        "SELECT checkin_settings.person_id FROM checkin_settings JOIN persons ON persons.id = checkin_settings.person_id "
        "WHERE checkin_settings.enabled = :on AND checkin_settings.next_due_at <= :at "
        "ORDER BY checkin_settings.next_due_at, checkin_settings.person_id LIMIT 10"
    )
    explain = "EXPLAIN QUERY PLAN " if database.is_sqlite else "EXPLAIN "
    with database.transaction() as repo:
        if not database.is_sqlite:
            repo.session.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table: ask as if it were large
        plan = " ".join(str(row[-1]) for row in repo.session.execute(text(explain + query), {"on": True, "at": datetime(2026, 1, 1)}))
    assert "ix_checkin_settings_claim" in plan, plan
    assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan, plan
