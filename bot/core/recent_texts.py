"""The last few minutes of what each person wrote, in memory only, for the safety check.

Why: a thought split over two messages ("i just want to" + "die") is only risky
read together, so the detector reads each message with the person's previous one
(`safety.assess(previous=...)`). The words are never stored or logged: they live
in this process's memory for a few minutes at most, then go. Another replica or a
restart simply starts without them (the message is still read on its own). People are
kept in the order they last wrote, so each new message also lets go of everyone whose
last words are older than the window: memory holds who wrote lately, not everyone who
ever did (and at most ``MAX_PEOPLE`` of them).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from threading import Lock

KEEP_FOR = timedelta(minutes=5)
KEEP_PER_PERSON = 2
MAX_PEOPLE = 10_000


class RecentTexts:
    """Per person, their last messages from the last few minutes, newest last."""

    def __init__(self, keep_for: timedelta = KEEP_FOR, max_people: int = MAX_PEOPLE) -> None:
        self._keep_for = keep_for
        self._max_people = max_people
        self._texts: OrderedDict[str, list[tuple[datetime, str]]] = OrderedDict()
        self._lock = Lock()

    def previous(self, user: str, now: datetime) -> tuple[str, ...]:
        """What `user` wrote in the last few minutes, oldest first (nothing older is returned)."""
        with self._lock:
            items = [(at, text) for at, text in self._texts.get(user, []) if now - at <= self._keep_for]
            return tuple(text for _, text in items)

    def add(self, user: str, text: str, now: datetime) -> None:
        with self._lock:
            items = [(at, t) for at, t in self._texts.pop(user, []) if now - at <= self._keep_for]
            self._texts[user] = (items + [(now, text)])[-KEEP_PER_PERSON:]
            while len(self._texts) > self._max_people:
                self._texts.popitem(last=False)
            while self._texts and now - next(iter(self._texts.values()))[-1][0] > self._keep_for:
                self._texts.popitem(last=False)  # the one who wrote longest ago, gone quiet

    def __len__(self) -> int:
        """How many people are held."""
        with self._lock:
            return len(self._texts)

    def forget(self, user: str) -> None:
        """Drop what is held for `user` (on /delete)."""
        with self._lock:
            self._texts.pop(user, None)
