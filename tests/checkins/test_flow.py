"""Check-ins end to end through the companion's own API: events in, replies out, with the
clock moved by hand. Runs on SQLite, and on PostgreSQL when it is configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text as sql

from bot.domain import Event, EventKind
from bot.privacy import export_documents

from .helpers import add_person, command, labels, moods, press, say, settings, sweep, text

MOOD_BUTTONS = ["Really low", "Low", "Okay", "Good", "Really good", "A one-minute practice", "Not now"]


def test_setting_up_through_the_dialogue_then_one_nudge_at_the_chosen_time(runtime, clock) -> None:
    companion, user = runtime.companion, "console:ana"
    replies = companion.handle(Event(user, EventKind.OPEN)).replies
    for label in ("Tell me more", "Okay", "Yes, I'm 18 or over"):
        replies = press(companion, user, replies, label)
    replies = press(companion, user, replies, labels(replies)[0])  # consent: agree
    replies = say(companion, user, "Germany")
    replies = say(companion, user, "Berlin")
    replies = say(companion, user, "Ana")
    replies = say(companion, user, "Little Ana")
    replies = press(companion, user, replies, "Set up check-ins")  # onboarding's last step offers it
    assert "check in with you now and then" in text(replies)
    replies = press(companion, user, replies, "Set them up")
    replies = press(companion, user, replies, "A few days a week")
    replies = press(companion, user, replies, "Evening, 20:30")
    assert "Europe/Berlin" in text(replies)
    replies = press(companion, user, replies, "That's right")
    replies = press(companion, user, replies, "23:00 to 7:00")
    assert "Mondays, Wednesdays and Fridays at 20:30 (Europe/Berlin)" in text(replies)
    row = settings(runtime, user)
    assert row.enabled and row.rhythm == "few" and row.minute == 20 * 60 + 30 and (row.quiet_start, row.quiet_end) == (23 * 60, 7 * 60)
    # Thursday 15 Jan 2026 10:00 UTC: the next Mon/Wed/Fri 20:30 in Berlin is Fri 16th, 19:30 UTC
    assert row.next_due_at == datetime(2026, 1, 16, 19, 30, tzinfo=UTC)

    assert sweep(runtime) == []  # nothing due yet
    clock.now = row.next_due_at
    nudges = sweep(runtime)
    assert [n.user for n in nudges] == [user]
    (reply,) = nudges[0].replies  # the opening joins the question: one message
    assert "How are you, right now?" in reply.text and "Ana" in reply.text
    assert labels(nudges[0].replies) == MOOD_BUTTONS
    assert sweep(runtime) == []  # never twice
    clock.advance(minutes=2)
    replies = press(companion, user, nudges[0].replies, "Okay")
    assert "Okay is a perfectly good place to be" in text(replies) and "Little Ana" in text(replies)
    assert moods(runtime, user) == [3]
    assert settings(runtime, user).next_due_at == datetime(2026, 1, 19, 19, 30, tzinfo=UTC)  # Monday


def test_openings_vary_and_never_repeat_twice_in_a_row(runtime, clock) -> None:
    add_person(runtime, "console:bo", clock())
    seen = []
    for _ in range(8):
        clock.now = settings(runtime, "console:bo").next_due_at
        (nudge,) = sweep(runtime)
        seen.append(settings(runtime, "console:bo").last_opening)
        press(runtime.companion, "console:bo", nudge.replies, "Good")  # an answer keeps the rhythm daily
        clock.advance(minutes=1)
    assert all(a != b for a, b in zip(seen, seen[1:])), seen
    assert len(set(seen)) >= 3


def test_typed_answers_go_through_safety_and_the_next_check_in_is_soft(runtime, clock) -> None:
    companion, user = runtime.companion, "console:cy"
    add_person(runtime, user, clock())
    clock.now = settings(runtime, user).next_due_at
    (nudge,) = sweep(runtime)
    clock.advance(minutes=3)
    replies = say(companion, user, "honestly I want to end my life")
    assert "safe" in text(replies).lower()  # the crisis flow took over
    with runtime.database.transaction() as repo:
        assert repo.find_person(user).last_safety_level == "crisis"
    clock.now = settings(runtime, user).next_due_at
    (soft,) = sweep(runtime)
    assert soft.mode == "soft"
    assert labels(soft.replies)[:2] == ["Someone to talk to", "A calming minute"]  # support first
    assert "exercises" in soft.replies[0].text
    replies = press(companion, user, soft.replies, "Tell you how I am")
    assert labels(replies) == MOOD_BUTTONS


def test_not_now_and_snoozes(runtime, clock) -> None:
    companion, user = runtime.companion, "console:di"
    add_person(runtime, user, clock(), minute=11 * 60)  # 11:00 London
    clock.now = settings(runtime, user).next_due_at
    (nudge,) = sweep(runtime)
    replies = press(companion, user, nudge.replies, "Not now")
    assert "This evening" in labels(replies)  # it is still morning
    press(companion, user, replies, "In an hour")
    assert settings(runtime, user).next_due_at == clock() + timedelta(hours=1)
    clock.advance(minutes=59)
    assert sweep(runtime) == []
    clock.advance(minutes=1)
    (again,) = sweep(runtime)
    replies = press(companion, user, again.replies, "Not now")
    press(companion, user, replies, "This evening")
    assert settings(runtime, user).next_due_at == datetime(2026, 1, 15, 19, 0, tzinfo=UTC)
    clock.now = settings(runtime, user).next_due_at
    (evening,) = sweep(runtime)
    # after the evening one, the regular 11:00 slot the next day
    assert settings(runtime, user).next_due_at.hour == 11
    replies = press(companion, user, evening.replies, "Not now")
    assert "This evening" not in labels(replies)
    press(companion, user, replies, "Skip this one")


def test_someone_writing_or_mid_dialogue_is_not_interrupted(runtime, clock) -> None:
    companion, user = runtime.companion, "console:ed"
    add_person(runtime, user, clock())
    due = settings(runtime, user).next_due_at
    clock.now = due - timedelta(minutes=20)
    command(companion, user, "ground")  # starts grounding: mid-dialogue and wrote just now
    clock.now = due
    assert sweep(runtime) == []
    postponed = settings(runtime, user).next_due_at
    assert postponed == due - timedelta(minutes=20) + timedelta(hours=1)
    clock.now = postponed + timedelta(minutes=10)  # quiet since, but grounding is still open
    assert sweep(runtime) == []
    # another hour would reach 22:20, in the quiet hours: let this one go until tomorrow
    assert settings(runtime, user).next_due_at == due + timedelta(days=1)
    clock.now = settings(runtime, user).next_due_at  # the next evening: grounding is stale, nudge
    (nudge,) = sweep(runtime)
    assert nudge.user == user
    replies = command(companion, user, "resume")  # grounding was kept, paused
    assert "grounding" in text(replies).lower() or labels(replies)


def test_unanswered_check_ins_back_off_and_ask_once_about_the_rhythm(runtime, clock) -> None:
    companion, user = runtime.companion, "console:fa"
    add_person(runtime, user, clock())
    sent = []
    for _ in range(4):
        clock.now = settings(runtime, user).next_due_at
        (nudge,) = sweep(runtime)
        sent.append((clock(), nudge.mode))
    assert [m for _, m in sent] == ["normal", "normal", "normal", "rhythm"]
    assert [t.day for t, _ in sent] == [15, 16, 17, 18]
    assert "without hearing back" in nudge.replies[0].text
    # still no answer: every second day now, and the rhythm question is not asked again
    clock.now = settings(runtime, user).next_due_at
    assert clock().day == 20
    (nudge,) = sweep(runtime)
    assert nudge.mode == "normal"
    clock.advance(minutes=5)
    replies = press(companion, user, nudge.replies, "Not now")
    replies = press(companion, user, replies, "Fewer check-ins")
    assert "Keep it as it is" not in labels(replies)
    press(companion, user, replies, "Less often")
    row = settings(runtime, user)
    assert row.rhythm == "few" and row.missed == 0 and row.rhythm_asked_at is not None


def test_an_answer_after_back_off_brings_the_rhythm_back(runtime, clock) -> None:
    companion, user = runtime.companion, "console:ga"
    add_person(runtime, user, clock())
    for _ in range(4):
        clock.now = settings(runtime, user).next_due_at
        (nudge,) = sweep(runtime)
    assert settings(runtime, user).next_due_at.day == 20  # backed off
    clock.advance(minutes=5)
    press(companion, user, nudge.replies, "Keep it as it is")
    assert settings(runtime, user).next_due_at.day == 19  # tomorrow again


def test_grace_after_downtime_sends_once_or_lets_go(runtime, clock) -> None:
    add_person(runtime, "console:ha", clock())
    add_person(runtime, "console:ib", clock(), minute=19 * 60)
    # down from 18:00 to 20:45: ib's 19:00 is 105 min late (grace 60), ha's 20:30 is 15 min late
    clock.now = datetime(2026, 1, 15, 20, 45, tzinfo=UTC)
    nudges = sweep(runtime)
    assert [n.user for n in nudges] == ["console:ha"]
    assert settings(runtime, "console:ib").next_due_at == datetime(2026, 1, 16, 19, 0, tzinfo=UTC)
    assert settings(runtime, "console:ha").next_due_at == datetime(2026, 1, 16, 20, 30, tzinfo=UTC)
    assert sweep(runtime) == []
    # down for three days: one nudge at most, never a burst, and the slot is tomorrow's
    clock.now = datetime(2026, 1, 19, 20, 40, tzinfo=UTC)
    nudges = sweep(runtime)
    assert [n.user for n in nudges] == []  # both long past grace
    assert settings(runtime, "console:ha").next_due_at == datetime(2026, 1, 20, 20, 30, tzinfo=UTC)


def test_someone_who_blocked_the_bot_gets_nothing_and_start_restores_them(runtime, clock) -> None:
    companion, user = runtime.companion, "console:jo"
    add_person(runtime, user, clock())
    companion.mark_unreachable(user)
    for _ in range(3):
        clock.now = settings(runtime, user).next_due_at
        assert sweep(runtime) == []
    row = settings(runtime, user)
    assert row.enabled and row.last_sent_at is None  # no attempts, settings kept
    clock.advance(hours=2)
    command(companion, user, "start")
    clock.now = settings(runtime, user).next_due_at
    (nudge,) = sweep(runtime)
    assert nudge.user == user


def test_a_dst_change_keeps_the_local_time(runtime, clock) -> None:
    user = "console:ny"
    clock.now = datetime(2026, 3, 6, 12, tzinfo=UTC)
    add_person(runtime, user, clock(), zone="America/New_York")
    hours = []
    for _ in range(4):
        clock.now = settings(runtime, user).next_due_at
        (nudge,) = sweep(runtime)
        press(runtime.companion, user, nudge.replies, "Good")
        hours.append(clock().hour)
    assert hours == [1, 1, 0, 0]  # 20:30 EST, then 20:30 EDT


def test_the_checkins_command(runtime, clock) -> None:
    companion, user = runtime.companion, "console:ka"
    replies = command(companion, user, "checkins")
    assert "Tell me more" in labels(replies)  # consent first: onboarding
    add_person(runtime, user, clock())
    replies = command(companion, user, "checkins", "7.15am")
    assert "every day at 07:15" in text(replies) and "quiet hours 22:00 to 08:00" in text(replies)
    # 07:15 is inside their quiet hours (22:00-08:00): quiet hours win, and the status says so
    assert settings(runtime, user).next_due_at == datetime(2026, 1, 16, 8, 0, tzinfo=UTC)
    assert "The next one: Fri 16 Jan, 08:00" in text(replies)
    assert "Morning or evening" in text(command(companion, user, "checkins", "8"))
    assert "off" in text(command(companion, user, "checkins", "off"))
    assert not settings(runtime, user).enabled and settings(runtime, user).next_due_at is None
    clock.now = datetime(2026, 1, 16, 8, 0, tzinfo=UTC)
    assert sweep(runtime) == []
    replies = command(companion, user, "checkins", "on")
    assert "07:15" in text(replies) and settings(runtime, user).enabled
    replies = command(companion, user, "checkins")
    assert "Your check-ins are on" in text(replies) and "Set them up" in labels(replies)


def test_export_has_check_in_settings_and_moods_and_delete_erases_them(runtime, clock) -> None:
    import json

    companion, user = runtime.companion, "console:lu"
    add_person(runtime, user, clock())
    other = add_person(runtime, "console:mo", clock(), name="Mo")
    clock.now = settings(runtime, user).next_due_at
    nudges = {n.user: n for n in sweep(runtime)}
    press(companion, user, nudges[user].replies, "Low")
    press(companion, "console:mo", nudges["console:mo"].replies, "Good")
    with runtime.database.transaction() as repo:
        docs = export_documents(repo, repo.find_person(user), runtime.library, clock(), runtime.features.export_sections)
    data = json.loads(docs[1].content)
    assert data["checkins"]["settings"]["time"] == "20:30"
    assert [m["mood"] for m in data["checkins"]["moods"]] == [2]
    replies = command(companion, user, "delete")
    press(companion, user, replies, "Yes, delete everything")
    with runtime.database.transaction() as repo:
        assert repo.find_person(user) is None
    with runtime.database.engine.connect() as connection:  # the rows themselves: only the other person's are left
        for table in ("checkin_moods", "checkin_settings"):
            assert connection.execute(sql(f"SELECT person_id FROM {table}")).scalars().all() == [other], table
    assert moods(runtime, "console:mo") == [4]
    clock.advance(days=1)
    assert [n.user for n in sweep(runtime)] == ["console:mo"]
