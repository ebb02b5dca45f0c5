"""A long text a Telegram app split into several messages, read as one message.

Telegram apps send text over 4,096 UTF-16 units as several messages, one right after the
other. Telegram for Android cuts at exactly 4,096 units (inside a word when one is there);
Telegram Desktop cuts at the best break in the second half of the limit (a blank line, a line
break, a space after a sentence, any space ...). Telegram trims the whitespace at each cut, so
what stood there is lost and ``joiner`` puts back what most likely did.

``Coalescer`` is used by the update processor, which runs one person's updates in order under
their lock. Every update of a person is noted on arrival (``arrive``, before the lock), so the
turn holding the lock can see what came after it. A plain text of at least ``PART_MIN`` units
may be continued: its turn waits until ``WINDOW`` seconds after its arrival for the person's
next update, and when that is a plain text that came within the window, takes it in (up to
``MAX_PARTS``). The merged parts become one ``Event`` with every part's update key; the
updates taken in are skipped when their own turn comes (and reported done then, after the
merged turn). Shorter messages are never delayed, and nothing is merged across another kind
of update (a button, a command, a sticker) or out of order.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from telegram import Update

from ..domain import Event, EventKind, Part
from .updates import event_for

LIMIT = 4096  # Telegram's message limit, in UTF-16 units
PART_MIN = 2000  # Desktop cuts after half the limit; what is shorter was not cut
WINDOW = 1.5  # seconds: "about a second", plus the poller's pause while an update is in hand
DATE_SLACK = 2  # seconds between the parts' own dates (a backlog arrives all at once)
MAX_PARTS = 4
SENTENCE_END = ".!?…,;:"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def joiner(before: str) -> str:
    """What most likely stood at the cut after ``before``: nothing inside a word cut at the
    limit (Android), else the break Desktop prefers where the text has one."""
    if utf16_len(before) >= LIMIT and before[-1:] not in SENTENCE_END:
        return ""
    if "\n\n" in before:
        return "\n\n"
    if "\n" in before:
        return "\n"
    return " "


@dataclass(eq=False)
class Arrival:
    """One update of a person, noted when the processor received it."""

    update: object
    at: float  # the event loop's clock
    taken: bool = False  # merged into an earlier part's turn


class Coalescer:
    def __init__(self, *, window: float = WINDOW, part_min: int = PART_MIN, max_parts: int = MAX_PARTS):
        self.window = window
        self.part_min = part_min
        self.max_parts = max_parts
        self._waiting: dict[str, list[Arrival]] = {}  # per person, in arrival order
        self._arrived = asyncio.Event()  # set (and replaced) on every arrival: wakes waiters

    def arrive(self, person: str, update: object) -> Arrival:
        """Note an update of ``person`` as it arrives, before their lock is taken. It never
        yields to the event loop, so the person's updates still queue for the lock in order."""
        arrival = Arrival(update, asyncio.get_running_loop().time())
        self._waiting.setdefault(person, []).append(arrival)
        arrived, self._arrived = self._arrived, asyncio.Event()
        arrived.set()
        return arrival

    def leave(self, person: str, arrival: Arrival) -> None:
        queue = self._waiting.get(person, [])
        if arrival in queue:
            queue.remove(arrival)
        if not queue:
            self._waiting.pop(person, None)

    async def gather(self, person: str, first: Arrival) -> Event | None:
        """The merged event when ``first`` is the first part of a split text, else None."""
        parts = [first]
        while len(parts) < self.max_parts and self._may_continue(parts[-1]):
            following = await self._next(person, parts[-1])
            if following is None or not self._continues(parts[-1], following):
                break
            parts.append(following)
        event = merged(parts) if len(parts) > 1 else None
        if event is not None:
            for part in parts[1:]:
                part.taken = True  # its own turn, when it comes, is this one
        return event

    def _may_continue(self, arrival: Arrival) -> bool:
        text = plain_text(arrival.update)
        return text is not None and utf16_len(text) >= self.part_min

    def _continues(self, before: Arrival, after: Arrival) -> bool:
        if plain_text(after.update) is None or after.at - before.at > self.window:
            return False
        first, second = message_date(before.update), message_date(after.update)
        return first is None or second is None or abs(second - first) <= DATE_SLACK

    async def _next(self, person: str, arrival: Arrival) -> Arrival | None:
        """The person's update after ``arrival``, waiting for it until the window closes."""
        deadline = arrival.at + self.window
        loop = asyncio.get_running_loop()
        while True:
            following = self._after(person, arrival)
            remaining = deadline - loop.time()
            if following is not None or remaining <= 0:
                return following
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return self._after(person, arrival)

    def _after(self, person: str, arrival: Arrival) -> Arrival | None:
        queue = self._waiting.get(person, [])
        index = queue.index(arrival) if arrival in queue else -1
        return queue[index + 1] if 0 <= index < len(queue) - 1 else None


def plain_text(update: object) -> str | None:
    """The words of a new text message that is no command; None for anything else."""
    if not isinstance(update, Update) or update.message is None or update.message.text is None:
        return None
    event = event_for(update)
    return event.text if event is not None and event.kind is EventKind.TEXT else None


def message_date(update: object) -> float | None:
    if isinstance(update, Update) and update.message is not None:
        return update.message.date.timestamp()
    return None


def merged(arrivals: list[Arrival]) -> Event | None:
    """One text event of the parts, each kept with its update key and the joiner before it."""
    first = event_for(arrivals[0].update) if isinstance(arrivals[0].update, Update) else None
    if first is None or first.update_key is None:
        return None
    parts = [Part(first.update_key, first.text)]
    for arrival in arrivals[1:]:
        event = event_for(arrival.update) if isinstance(arrival.update, Update) else None
        if event is None or event.update_key is None:
            return None
        parts.append(Part(event.update_key, event.text, joiner(parts[-1].text)))
    text = parts[0].text + "".join(p.joiner + p.text for p in parts[1:])
    return replace(first, text=text, parts=tuple(parts))
