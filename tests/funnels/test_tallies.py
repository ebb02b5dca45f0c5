"""The funnel counts as the database keeps them (``bot/storage/stats.dialogue_tallies``):
each begin is a start, FINISHED is finished, every other status is unfinished and stopped at
its step; people are counted apart from sessions. On SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import select

from bot.funnels import dialogue_funnels
from bot.storage import DialogueSession, SessionStatus
from bot.storage.stats import Tally, dialogue_tallies
from tests.console.helpers import Person
from tests.funnels.helpers import ABANDONED, ACTIVE, FINISHED, PAUSED, rows, seed


def tallies(database) -> dict:
    with database.transaction() as repo:
        return {t.dialogue_id: t for t in dialogue_tallies(repo)}


def test_played_turns_count_each_begin_and_where_it_stopped(runtime) -> None:
    sam = Person(runtime.companion)
    sam.onboard()
    sam.say("/start grounding", "1")  # grounding waits at "breathe"
    sam.say("/start safety_plan", "1")  # grounding paused (switched); the plan waits at "signs"
    sam.say("/start grounding")  # a second start of grounding, waiting at "arrive"
    sam.say("/pause")  # pausing it abandons the older paused grounding
    sam.say("I want to kill myself tonight")  # the crisis card steps in: a start of its own
    alex = Person(runtime.companion, name="alex")
    alex.onboard()
    alex.say("/start grounding", *["1"] * 8)  # every step, to "A little calmer": finished

    counted = tallies(runtime.database)
    grounding = counted["grounding"]
    assert grounding.started == Tally(3, 2) and grounding.finished == Tally(1, 1) and grounding.unfinished == Tally(2, 1)
    assert grounding.stopped_at == {"breathe": Tally(1, 1), "arrive": Tally(1, 1)}
    assert counted["onboarding"].finished == Tally(2, 2) and counted["onboarding"].stopped_at == {}
    assert counted["safety_plan"].stopped_at == {"signs": Tally(1, 1)}
    assert counted["crisis"].started == Tally(1, 1) and set(counted["crisis"].stopped_at) == {"lines"}
    with runtime.database.transaction() as repo:  # the statuses behind those counts
        statuses = sorted(repo.session.execute(
            select(DialogueSession.state, DialogueSession.status).where(DialogueSession.dialogue_id == "grounding")
        ).all())
    assert statuses == [("arrive", SessionStatus.PAUSED), ("breathe", SessionStatus.ABANDONED), ("calmer", SessionStatus.FINISHED)]


def test_one_persons_many_sessions_are_one_person(database, clock) -> None:
    seed(database, rows("journaling", FINISHED, "end", [1], each=4) + rows("journaling", ACTIVE, "prompt", [2, 3]), clock.now)
    journaling = tallies(database)["journaling"]
    assert journaling.started == Tally(6, 3)
    assert journaling.finished == Tally(4, 1) and journaling.unfinished == Tally(2, 2)


def test_every_unfinished_status_counts_at_its_step(database, clock) -> None:
    seed(database, rows("play", ACTIVE, "a", [1]) + rows("play", PAUSED, "a", [2]) + rows("play", ABANDONED, "b", [3]), clock.now)
    play = tallies(database)["play"]
    assert play.unfinished == Tally(3, 3) and play.finished == Tally(0, 0)
    assert play.stopped_at == {"a": Tally(2, 2), "b": Tally(1, 1)}


def test_removed_scripts_and_steps_are_marked(database, library, clock) -> None:
    seed(
        database,
        rows("old_script", ABANDONED, "gone_step", range(5)) + rows("grounding", FINISHED, "calmer", range(5))
        + rows("grounding", ABANDONED, "renamed_step", range(5)) + rows("grounding", PAUSED, "breathe", range(5, 10)),
        clock.now,
    )
    with database.transaction() as repo:
        report = dialogue_funnels(repo, library)
    old = next(f for f in report.funnels if f.id == "old_script")
    assert old.group == "removed" and old.title == "" and old.started == "5+"  # none finished: "<5"
    grounding = next(f for f in report.funnels if f.id == "grounding")
    assert grounding.group == "scripts" and grounding.rate == 0.33
    assert [(s.step, s.count, s.in_script) for s in grounding.stops] == [("breathe", 5, True), ("renamed_step", 5, False)]
    assert {f.id for f in report.group("support")} == {"crisis", "concern", "danger", "self_harm", "disclosure", "distress", "sos", "youth", "reconsent"}
    assert [f.group for f in report.funnels] == sorted((f.group for f in report.funnels), key=("scripts", "support", "removed").index)
    assert set(library.scripts) <= {f.id for f in report.funnels}  # scripts no one began are there too (0)
