"""Making people with check-ins quickly, and talking to the companion as they would."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.checkins import service_for
from bot.checkins.actions import reschedule
from bot.domain import Event, EventKind, Reply
from bot.storage import checkins as store


def add_person(
    runtime, user: str, now: datetime, *, zone: str | None = "Europe/London", minute: int = 20 * 60 + 30,
    rhythm: str = "daily", quiet: tuple[int, int] | None = (22 * 60, 8 * 60), name: str = "Sam",
) -> int:
    """An onboarded person with daily check-ins, scheduled from ``now``; returns their id."""
    with runtime.database.transaction() as repo:
        person, _ = repo.get_or_create_person(user, now)
        person.consent_version = runtime.companion.consent_version
        person.adult = True
        person.timezone = zone
        person.name = name
        person.child_name = "Little " + name
        person.last_seen_at = now - timedelta(days=1)
        row = store.ensure_settings(repo, person, now)
        row.enabled = True
        row.rhythm = rhythm
        row.minute = minute
        row.quiet_start, row.quiet_end = quiet if quiet else (None, None)
        reschedule(row, zone, now)
        return person.id


def settings(runtime, user: str):
    with runtime.database.transaction() as repo:
        person = repo.find_person(user)
        return store.settings_for(repo, person)


def moods(runtime, user: str) -> list[int]:
    with runtime.database.transaction() as repo:
        return [m.mood for m in store.moods(repo, repo.find_person(user))]


def press(companion, user: str, replies: list[Reply], label: str) -> list[Reply]:
    """Tap the button called ``label`` on the last reply that shows it."""
    for reply in reversed(replies):
        for button in reply.buttons:
            if button.label == label:
                return companion.handle(Event(user, EventKind.BUTTON, data=button.data)).replies
    raise AssertionError(f"no button {label!r} in {[b.label for r in replies for b in r.buttons]}")


def say(companion, user: str, text: str) -> list[Reply]:
    return companion.handle(Event(user, EventKind.TEXT, text=text)).replies


def command(companion, user: str, name: str, args: str = "") -> list[Reply]:
    return companion.handle(Event(user, EventKind.COMMAND, text="/" + name, args=args)).replies


def labels(replies: list[Reply]) -> list[str]:
    return [b.label for r in replies for b in r.buttons]


def text(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def sweep(runtime, **kwargs):
    return service_for(runtime).sweep(**kwargs)
