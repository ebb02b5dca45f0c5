"""What every piece of a turn receives: one ``TurnContext`` (like python-telegram-bot's
``CallbackContext``), and the ``Features`` the composition root filled before the first turn.

A ``TurnContext`` lives for one event of one person, inside one database transaction: the
repository, the person, the moment, the dialogue library, the settings and the features.
Commands, actions, the safety step and the session functions all take it as their first
argument, and nothing else of the core: a feature needs no more than this to take part.

What a turn reads many times is read once: the person's active session (``active_session``,
kept current by ``sessions``, the one module that changes a session's status) and their
country's crisis lines; the repository keeps the journal answers and visit counts it read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from safety.resources import Helpline, helplines_for

from ..domain import COMMAND_BUTTON, Button, Unreadable
from ..engine import DialogueLibrary, Vocabulary
from ..engine.context import helpline, support_values, template_context
from ..engine.machine import CompiledScript
from ..engine.texts import Texts
from ..privacy import ExportSection
from ..storage import DialogueSession, Person, Repository
from .commands.registry import Command, CommandRegistry

# In a session's context: how often the person began its dialogue before it. It cannot change
# while the session lasts, so it is counted when the session begins, not at every turn.
VISITS = "visits"

Action = Callable[["TurnContext"], None]  # a ``do:`` action scripts may run
ProfileParser = Callable[[str], object]  # reads what a person typed; ValueError: ask again
ProfileSetter = Callable[["TurnContext", object], None]  # keeps a profile answer elsewhere
EndOffer = Callable[["TurnContext"], tuple[Button, ...]]  # buttons under a dialogue's last bubble, or none


@dataclass(frozen=True)
class CoreSettings:
    """The few settings a turn reads."""

    default_country: str = ""
    admin_ids: frozenset[str] = frozenset()
    retention_days: int = 0
    consent_version: int = 0  # of the onboarding script; older consent asks again


@dataclass
class Features:
    """Everything the companion offers, filled explicitly by ``app.build()``: the core
    first (``core.install``), then each feature (``checkins.install``). Nothing registers
    itself at import, and a name taken twice is refused."""

    commands: CommandRegistry[TurnContext] = field(default_factory=CommandRegistry)
    actions: dict[str, Action] = field(default_factory=dict)
    parsers: dict[str, ProfileParser] = field(default_factory=dict)
    setters: dict[str, ProfileSetter] = field(default_factory=dict)
    export_sections: list[ExportSection] = field(default_factory=list)
    texts: set[str] = field(default_factory=set)  # keys the companion needs from texts.yaml
    # What a feature read from the operator's folder (the check-in openings), by name: kept
    # here so that a reload swaps it together with the scripts.
    assets: dict[str, object] = field(default_factory=dict)
    # What a feature offers when a dialogue ends (the check-in's "See your week"), by dialogue id.
    end_offers: dict[str, EndOffer] = field(default_factory=dict)

    def add_command(self, command: Command[TurnContext]) -> None:
        self.commands.add(command)
        if command.description:
            self.texts.add(command.description)

    def add_action(self, name: str, action: Action) -> None:
        if name in self.actions:
            raise ValueError(f"action '{name}' is registered twice")
        self.actions[name] = action

    def add_profile_field(self, name: str, parser: ProfileParser, setter: ProfileSetter | None = None) -> None:
        """``ask: profile.<name>``: ``parser`` reads it; ``setter`` keeps it (default: on the person)."""
        if name in self.parsers:
            raise ValueError(f"profile field '{name}' is registered twice")
        self.parsers[name] = parser
        if setter is not None:
            self.setters[name] = setter

    def add_end_offer(self, dialogue_id: str, offer: EndOffer) -> None:
        """``offer(turn)`` gives buttons to show, above the menu button, under the last bubble
        of ``dialogue_id`` when it ends and nothing more pressing is offered there."""
        if dialogue_id in self.end_offers:
            raise ValueError(f"an end offer for '{dialogue_id}' is registered twice")
        self.end_offers[dialogue_id] = offer

    def add_export_section(self, section: ExportSection) -> None:
        self.export_sections.append(section)

    def need_texts(self, *keys: str) -> None:
        self.texts.update(keys)

    def vocabulary(self) -> Vocabulary:
        """What scripts may use, for the validator."""
        return Vocabulary(actions=frozenset(self.actions), texts=frozenset(self.texts), profile_fields=frozenset(self.parsers))


@dataclass
class TurnContext:
    """One event of one person, inside one transaction."""

    repo: Repository
    person: Person
    now: datetime
    library: DialogueLibrary
    features: Features
    settings: CoreSettings
    deleted: bool = False  # the person erased everything (/delete): nothing more is kept
    _active: DialogueSession | None = field(default=None, init=False, repr=False)
    _active_read: bool = field(default=False, init=False, repr=False)
    _support: dict[str, dict[str, object]] = field(default_factory=dict, init=False, repr=False)

    # -- the active session, read once ---------------------------------------------------------
    def active_session(self) -> DialogueSession | None:
        """The person's active session (at most one), read on first use and then kept by
        ``activated``/``deactivated``, which ``sessions`` calls whenever a status changes."""
        if self.deleted:
            return None
        if not self._active_read:
            self._active, self._active_read = self.repo.active_session(self.person), True
        return self._active

    def found_active(self, session: DialogueSession | None) -> None:
        """What the turn's first read found (``Repository.person_for_turn``)."""
        self._active, self._active_read = session, True

    def activated(self, session: DialogueSession) -> None:
        """``session`` is the active one now (begun or resumed)."""
        self._active, self._active_read = session, True

    def deactivated(self, session: DialogueSession) -> None:
        """``session`` was paused, finished or abandoned."""
        if self._active is session:
            self._active = None

    @property
    def texts(self) -> Texts:
        return self.library.texts

    def say(self, key: str, **extra: object) -> str:
        """A sentence from texts.yaml, for this person."""
        return self.texts.render(key, self.template_context() | extra)

    def label(self, key: str, **extra: object) -> str:
        """A button label from texts.yaml: plain text, not HTML."""
        return self.texts.plain(key, self.template_context() | extra)

    def explain(self, error: ValueError) -> str:
        """What to tell a person whose typing could not be read (a parser's ``Unreadable``)."""
        if isinstance(error, Unreadable) and error.key in self.texts:
            return self.say(error.key, **error.values)
        return str(error)

    def has_consent(self) -> bool:
        return (self.person.consent_version or 0) >= self.settings.consent_version

    def is_admin(self) -> bool:
        user = self.person.external_id
        return user.startswith("tg:") and user[3:] in self.settings.admin_ids

    def menu_button(self) -> tuple[Button, ...]:
        return (Button(self.label("button_open_menu"), f"{COMMAND_BUTTON}:menu"),)

    def template_context(self, compiled: CompiledScript | None = None) -> dict[str, object]:
        """The names templates read, for this person (and ``compiled``'s journal keys and visits)."""
        person = self.person
        support = self.support(person.country or self.settings.default_country)
        reads = compiled.journal_reads if compiled is not None else frozenset()
        visits = 0
        if compiled is not None:
            active = self.active_session()
            current = active if active is not None and active.dialogue_id == compiled.script.id else None
            remembered = (current.context or {}).get(VISITS) if current is not None else None
            if isinstance(remembered, int):
                visits = remembered
            else:  # a session begun before it was remembered, or none of this dialogue
                visits = self.repo.visits_before(person, compiled.script.id, current.id if current is not None else None)
        return template_context(
            name=person.name,
            child_name=person.child_name,
            country=person.country,
            country_name=str(support["country_name"]) if person.country else "",
            timezone=person.timezone,
            journal=self.repo.latest_journal(person, set(reads)) if reads else {},
            support=support,
            part_of_day=part_of_day(self.now, person.timezone),
            visits=visits,
        )

    def support(self, country: str) -> dict[str, object]:
        """``support_context`` for ``country``, made once a turn (``say`` asks for every sentence)."""
        if country not in self._support:
            self._support[country] = support_context(country)
        return self._support[country]


def support_context(country: str | None) -> dict[str, object]:
    """Crisis resources for a country, in the shape templates use."""
    resources = helplines_for(country or None)

    def dicts(lines: list[Helpline]) -> list[dict[str, str]]:
        return [helpline(h.name, phone=h.phone, sms=h.sms, url=h.url, hours=h.hours) for h in lines]

    shown = [*resources.lines, *resources.violence_lines, *resources.abuse_lines]
    return support_values(
        known=bool(resources.known),
        country_name=resources.country_name,
        emergency=resources.emergency,
        lines=dicts(resources.lines),
        last_checked=max((h.last_checked or "" for h in shown), default=""),
        police=resources.police,
        violence_lines=dicts(resources.violence_lines),
        abuse_lines=dicts(resources.abuse_lines),
        violence_directory=resources.violence_directory,
    )


def part_of_day(now: datetime, timezone: str | None) -> str:
    local = now
    if timezone:
        try:
            local = now.astimezone(ZoneInfo(timezone))
        except Exception:  # noqa: BLE001 - an unknown zone is only a greeting less precise
            local = now
    hour = local.hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 18:
        return "afternoon"
    if 18 <= hour < 23:
        return "evening"
    return "night"
