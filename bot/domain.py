"""Plain values every layer shares: what a person sent, and what the companion says back.

Standard library only, so adapters, the service and the engine can all speak it without
importing each other. Replies are transport-neutral: text is a small subset of HTML (the
subset Telegram understands); the console turns it into plain text.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace

SURROGATE = re.compile("[\ud800-\udfff]")  # never in text that can be stored or sent


class EventKind(str, enum.Enum):
    """What kind of thing arrived from an adapter."""

    TEXT = "text"  # free text the person typed
    BUTTON = "button"  # a button press; ``data`` holds the button's callback data
    COMMAND = "command"  # "/menu", "/pause" ...; ``text`` holds the command, ``args`` the rest
    UNSUPPORTED = "unsupported"  # sticker, photo, voice, file, location, edited message ...
    OPEN = "open"  # an adapter opened a conversation (console start): show where we are


@dataclass(frozen=True)
class Part:
    """One message of a text an app split into several (Telegram splits at 4,096 characters)."""

    update_key: str
    text: str
    joiner: str = ""  # what stood between it and the part before (the app's cut lost it)


@dataclass(frozen=True)
class Event:
    """One thing a person did, as an adapter saw it. A text an app split into several
    messages is one event: ``text`` is the parts joined, ``parts`` keeps each with its own
    update key, so every one is marked processed (and a part seen before is left out)."""

    user: str  # adapter-neutral person id, e.g. "tg:1234" or "console:sam"
    kind: EventKind
    text: str = ""
    data: str = ""
    args: str = ""
    update_key: str | None = None  # unique per delivery source; a repeat is a no-op
    what: str = ""  # for UNSUPPORTED: "sticker", "photo", "voice", "edited" ...
    parts: tuple[Part, ...] = ()  # a split text read as one (``update_key`` is the first's)

    def __post_init__(self) -> None:
        # A lone surrogate (half an emoji in a Telegram update's JSON, a byte that was not
        # UTF-8 read with surrogateescape) cannot be encoded or stored: it becomes "\ufffd".
        for name in ("text", "args"):
            value = getattr(self, name)
            if SURROGATE.search(value):
                object.__setattr__(self, name, SURROGATE.sub("\ufffd", value))

    @property
    def update_keys(self) -> tuple[str, ...]:
        """Every update this event stands for."""
        if self.parts:
            return tuple(p.update_key for p in self.parts)
        return (self.update_key,) if self.update_key else ()

    def without(self, keys: set[str]) -> Event | None:
        """The event without the parts whose update key is in ``keys`` (already processed);
        None when nothing is left."""
        if not self.parts:
            return None if self.update_key in keys else self
        kept = [p for p in self.parts if p.update_key not in keys]
        if len(kept) == len(self.parts):
            return self
        if not kept:
            return None
        text = kept[0].text + "".join(p.joiner + p.text for p in kept[1:])
        first = replace(kept[0], joiner="")
        return replace(self, text=text, update_key=first.update_key, parts=(first, *kept[1:]))


@dataclass(frozen=True)
class Button:
    """A choice shown under a message. ``data`` fits Telegram's 64-byte callback data."""

    label: str
    data: str


@dataclass(frozen=True)
class Document:
    """A file to hand to the person (their export)."""

    filename: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Picture:
    """A picture to show the person (their mood chart, their path): PNG bytes and the words
    under it. ``caption`` is the same small HTML subset as ``Reply.text``; ``name`` names the
    file where an adapter writes one (the console: ``<name>.png``)."""

    png: bytes
    caption: str = ""
    name: str = "picture"


@dataclass(frozen=True)
class Reply:
    """One bubble from the companion. ``buttons`` are rows of one button each, in order.

    What a reply carries is shown in this order: ``text``, then ``picture`` (with its
    caption), then ``document``; the buttons go under the last of them."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    document: Document | None = None
    expects_text: bool = False  # the current step waits for free text
    picture: Picture | None = None


@dataclass
class TurnResult:
    """What one turn produced for the adapter to deliver, after the turn committed."""

    replies: list[Reply] = field(default_factory=list)
    duplicate: bool = False  # the update was seen before: nothing changed, nothing to send
    deactivate: bool = False  # adapters may stop talking to this person (e.g. after /delete)
    stored: bool = False  # the replies wait in the outbox (the adapter drains it) instead of in ``replies``


class Unreadable(ValueError):
    """What a person typed could not be read. ``key`` names the sentence in texts.yaml that
    asks again; ``values`` are the extra names that sentence may use."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


class Ambiguous(Unreadable):
    """What a person typed can mean more than one thing ("EST": New York's clocks, or UTC-5
    all year). ``choices`` are (value, place) pairs to offer as buttons, best first; ``key``
    names the question (it reads without the buttons too, for a caller that shows none)."""

    def __init__(self, key: str, choices: tuple[tuple[str, str], ...], **values: object):
        super().__init__(key, **values)
        self.choices = choices


# Callback data namespaces. Kept here so adapters and the service agree on them.
DIALOGUE_BUTTON = "d"  # d:<step count>:<button key>  a button of the current dialogue step
MENU_BUTTON = "m"  # m:<dialogue id>     start a dialogue from the menu
COMMAND_BUTTON = "c"  # c:<command>         the same as typing /<command>
