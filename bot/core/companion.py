"""One turn of the companion: one event of one person, one database transaction.

``Companion.handle`` is the door every adapter (Telegram, the console, the check-in
scheduler) knocks on. It assesses the words first, then opens the transaction, drops a
redelivered update, builds the
``TurnContext`` and dispatches by event kind; the replies go back to the adapter to send
*after* the commit. The new dialogue state, journal entries, the safety event and the
processed update id land together or not at all, so a redelivered update changes nothing twice.

First in every turn, before any database or script work, the words of a message, caption or
edit are assessed for safety (``safety_step.assess``, pure), with the person's recent levels
from a short read of plain columns (none when the database cannot be read). If the turn then
fails, ``TurnFailed`` carries the crisis card the words call for (``fallback``), so a person
in crisis gets their lines even when the database, the key or a script is broken. Dispatch, top
to bottom: text goes to the safety step's response first (``safety_step.respond``), in every
state; buttons press the current step, open a dialogue from the menu or run a
command; commands come from the one registry, behind the consent gate when they need it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime


from ..domain import COMMAND_BUTTON, DIALOGUE_BUTTON, MENU_BUTTON, Event, EventKind, Reply, TurnResult
from ..engine import DialogueLibrary
from ..ops import metrics
from ..storage import Database, DialogueSession, Person, Repository, SafetyHistory, outbox
from ..storage.types import utcnow
from . import name_check, name_prompt, safety_step, sessions, zone_check, zone_prompt
from .commands.navigation import welcome_back
from .context import CoreSettings, Features, TurnContext
from .deliveries import Deliveries
from .effects import set_profile
from .fallback import TurnFailed, crisis_card, load_card_texts
from .idle import idle
from .recent_texts import RecentTexts
from .safety_step import Screened
from .dialogues import ONBOARDING

MAX_TEXT = 16_000
REAL_PERSON = "real_person"  # the meaning (dialogues/meanings.yaml) of "are you a real person?"

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scripts:
    """The operator's files as one turn uses them: the scripts, what the features offer
    (check-in openings included), the crisis card's plain texts (read now, not when a turn
    is failing) and the consent version the onboarding script names."""

    library: DialogueLibrary
    features: Features
    card_texts: dict[str, str]
    consent_version: int

    @classmethod
    def of(cls, library: DialogueLibrary, features: Features) -> "Scripts":
        onboarding = library.get(ONBOARDING)
        return cls(library, features, load_card_texts(library.folder / "texts.yaml"), onboarding.script.consent_version if onboarding else 0)


class Companion:
    """The service every adapter calls. Thread-safe as long as one person's turns don't overlap."""

    def __init__(
        self,
        db: Database,
        library: DialogueLibrary,
        features: Features,
        *,
        default_country: str = "",
        clock: Clock = utcnow,
        admin_ids: frozenset[str] = frozenset(),
        retention_days: int = 0,
    ):
        self.db = db
        self.use_outbox = False  # Telegram: replies commit with their turn, a sender drains them
        self.deliveries: Deliveries | None = None  # that sender's claims (``start_outbox``)
        self.clock = clock
        self.recent_texts = RecentTexts()
        self.scripts = Scripts.of(library, features)
        self.settings = CoreSettings(default_country=default_country, admin_ids=admin_ids, retention_days=retention_days)

    # -- the operator's files, swapped whole between turns -------------------------------
    def use(self, library: DialogueLibrary, features: Features) -> None:
        """Serve a newly loaded (and already checked) set of scripts from the next turn on.
        One assignment, so a turn sees the old set or the new one, never half of each."""
        self.scripts = Scripts.of(library, features)

    @property
    def library(self) -> DialogueLibrary:
        return self.scripts.library

    @property
    def features(self) -> Features:
        return self.scripts.features

    @property
    def card_texts(self) -> dict[str, str]:
        return self.scripts.card_texts

    @property
    def consent_version(self) -> int:
        return self.scripts.consent_version

    @consent_version.setter
    def consent_version(self, version: int) -> None:
        """As if the operator raised the onboarding script's consent_version (tests do)."""
        self.scripts = replace(self.scripts, consent_version=version)

    @property
    def retention_days(self) -> int:
        return self.settings.retention_days

    def turn(self, repo: Repository, person: Person, now: datetime, scripts: Scripts | None = None) -> TurnContext:
        """The context for one turn of ``person`` inside the transaction of ``repo``, on the
        scripts the turn began with."""
        scripts = scripts or self.scripts
        settings = replace(self.settings, consent_version=scripts.consent_version)
        return TurnContext(repo, person, now, scripts.library, scripts.features, settings)

    def handle(self, event: Event) -> TurnResult:
        """Play one event as one transaction; returns what to send once it has committed.

        Raises ``TurnFailed`` (carrying the crisis card when the words call for one) when
        anything after the assessment fails. Counted for ``/metrics`` by kind and outcome."""
        started = time.monotonic()
        outcome = "failed"
        try:
            result = self._handle(event)
            outcome = "duplicate" if result.duplicate else "ok"
            return result
        finally:
            metrics.turn(event.kind, outcome, time.monotonic() - started)

    def _handle(self, event: Event) -> TurnResult:
        now = self.clock()
        scripts = self.scripts  # this turn's scripts, even if new ones arrive meanwhile
        # the person's recent levels, only for words to assess (a button's turn needs none)
        history = self.safety_history(event.user) if safety_step.words_in(event) else None
        screened = safety_step.assess(  # every text, first, before any database or script work
            event,
            history.recent_safety if history else None,
            now,
            previous=self.recent_texts.previous(event.user, now),
            answering=history.answering if history else False,
        )
        try:
            result = self.play(event, now, screened, scripts)
        except Exception as exc:
            self.remember_text(event, screened, now)
            assessment = screened.assessment if screened else None
            countries = (history.country if history else None, self.settings.default_country)
            raise TurnFailed(exc, crisis_card(scripts.card_texts, assessment, countries)) from exc
        if not result.duplicate and not result.deactivate:
            self.remember_text(event, screened, now)
        return result

    def remember_text(self, event: Event, screened: Screened | None, now: datetime) -> None:
        """Keep a message's words in memory a few minutes, so the next one is read with it."""
        if screened is not None and event.text:
            self.recent_texts.add(event.user, event.text, now)

    def safety_history(self, user: str) -> SafetyHistory | None:
        """The person's recent levels, country and whether they are inside a dialogue, in a
        short read of its own; None for someone new or when the database cannot be read
        (the words are then assessed on their own)."""
        try:
            return self.db.safety_history(user)
        except Exception as exc:  # noqa: BLE001 - the turn will fail on it too, and be logged there
            log.debug("safety history unreadable: %s", type(exc).__name__)
            return None

    def play(self, event: Event, now: datetime, screened: Screened | None, scripts: Scripts | None = None) -> TurnResult:
        """The turn itself, in one transaction."""
        with self.db.transaction() as repo:
            first = repo.person_for_turn(event.user, now)  # locked: their turns one at a time
            person = first.person
            # Marked first, one statement a key: a key already there is a redelivery. /delete
            # takes the marks back with the person (a redelivered /delete finds no one).
            seen = {key for key in event.update_keys if not repo.mark_update(key, person, now)}
            fresh = event.without(seen) if seen else event
            if fresh is None:
                return TurnResult(duplicate=True)
            event = fresh  # a split text: the parts a crash left unhandled
            person.last_seen_at = now
            person.active = True
            if person.retention_queued_at is not None:  # they are here: the notice is void, sent or not
                person.retention_queued_at = None
                outbox.forget_notices(repo, person)
            person.retention_notice_at = None
            ctx = self.turn(repo, person, now, scripts)
            ctx.found_active(first.active)
            replies = dispatch(ctx, event, screened)
            if ctx.deleted:
                self.recent_texts.forget(event.user)
            stored = self.use_outbox and bool(replies) and not ctx.deleted
            # stored claimed by this process's sender, unless older ones wait (then claimed in order)
            sender = self.deliveries.owner if self.deliveries and not first.replies_waiting else None
            claimed = outbox.keep(repo, person, replies, now, claim_for=sender) if stored else []
        if claimed and self.deliveries:  # committed: the adapter's drain takes them as they are
            self.deliveries.hand_over(event.user, claimed)
        if stored:
            return TurnResult(deactivate=ctx.deleted, stored=True)
        return TurnResult(replies=replies, deactivate=ctx.deleted)

    def start_outbox(self, owner: str) -> Deliveries:
        """From now on replies commit with their turn; the adapter sends them (``owner``
        names this process in its claims)."""
        self.use_outbox = True
        self.deliveries = Deliveries(self.db, self.clock, owner)
        return self.deliveries

    def keep_replies(self, repo: Repository, person: Person, replies: list[Reply], now: datetime, *, notice: bool = False) -> bool:
        """With the outbox on, the replies join the turn's transaction (``storage.outbox``);
        ``notice``: a retention notice, marked delivered when Telegram has it."""
        if not self.use_outbox or not replies:
            return False
        outbox.keep(repo, person, replies, now, notice=notice)
        return True

    def mark_unreachable(self, user: str) -> None:
        """The person blocked the bot: stop reaching out until they write again."""
        with self.db.transaction() as repo:
            person = repo.find_person(user)
            if person is not None:
                person.active = False


def dispatch(ctx: TurnContext, event: Event, screened: Screened | None) -> list[Reply]:
    match event.kind:
        case EventKind.TEXT:
            assert screened is not None  # every text is assessed
            return on_text(ctx, event.text, screened)
        case EventKind.BUTTON:
            return on_button(ctx, event.data)
        case EventKind.COMMAND:
            return on_command(ctx, event.text.lstrip("/").split("@", 1)[0].lower(), event.args.strip())
        case EventKind.UNSUPPORTED:
            return on_unsupported(ctx, event, screened)
        case EventKind.OPEN:
            return on_open(ctx)


def on_text(ctx: TurnContext, text: str, screened: Screened) -> list[Reply]:
    too_long = len(text) > MAX_TEXT
    stepped_in = safety_step.respond(ctx, screened, "" if too_long else text)
    if stepped_in is not None:
        return stepped_in
    if too_long:
        return [Reply(ctx.say("too_long"))]
    active = ctx.active_session()
    if ctx.library.meanings.heard(text, REAL_PERSON):
        return real_person(ctx, active)
    if active is None and ctx.person.adult is False:
        return sessions.through_gate(ctx) or []
    if active is None:
        return idle(ctx, text)
    compiled = ctx.library.get(active.dialogue_id)
    if compiled is None:
        return sessions.lost(ctx, active)
    moved = sessions.moved_on(ctx, active)
    if moved is not None:
        return moved  # the words answered a step the writer removed: the new place, asked afresh
    named = name_check.read(ctx, active, compiled, text)  # a name that is not one is confirmed first
    if named is not None:
        return named
    zoned = zone_check.read(ctx, active, compiled, text)  # a time zone that can mean several is asked about
    if zoned is not None:
        return zoned

    def refresh(field: str, value: object) -> dict[str, object]:
        """A profile answer applies at once, so the next step already speaks with it."""
        set_profile(ctx, field, value)
        return ctx.template_context(compiled)

    try:
        result = compiled.answer(sessions.state_of(active), text, ctx.template_context(compiled), ctx.features.parsers, refresh)
    except ValueError as exc:
        return [Reply(ctx.explain(exc))] + sessions.view(ctx, active, last_only=True)
    if result is None:
        return [Reply(ctx.say("buttons_please"))] + sessions.view(ctx, active, last_only=True)
    return sessions.apply(ctx, active, result)


def real_person(ctx: TurnContext, active: DialogueSession | None) -> list[Reply]:
    """A plain answer, in every state; the question is never kept as an exercise's answer,
    and the step that was waiting asks again."""
    answer = Reply(ctx.say("real_person"))
    if active is None:
        return [Reply(answer.text, ctx.menu_button())]
    return [answer] + sessions.view(ctx, active, last_only=True)


def on_button(ctx: TurnContext, data: str) -> list[Reply]:
    kind, _, rest = data.partition(":")
    if kind == DIALOGUE_BUTTON:
        step_text, _, key = rest.partition(":")
        active = ctx.active_session()
        if active is None or step_text != str(active.step):
            return sessions.stale(ctx, active)
        compiled = ctx.library.get(active.dialogue_id)
        if compiled is None:
            return sessions.lost(ctx, active)
        moved = sessions.moved_on(ctx, active)
        if moved is not None:
            return moved
        if key in name_prompt.KEYS:
            return name_check.press(ctx, active, compiled, key)
        if key in zone_prompt.KEYS:
            return zone_check.press(ctx, active, compiled, key)
        result = compiled.press(sessions.state_of(active), key, ctx.template_context(compiled))
        if result is None:
            return sessions.stale(ctx, active)
        return sessions.apply(ctx, active, result)
    if kind == MENU_BUTTON:
        return sessions.start(ctx, rest)
    if kind == COMMAND_BUTTON:
        command, _, args = rest.partition(":")
        return on_command(ctx, command, args)
    return sessions.stale(ctx, ctx.active_session())


def on_command(ctx: TurnContext, name: str, args: str) -> list[Reply]:
    """A typed ``/command`` or a command button: the registry's handler, behind its guards."""
    command = ctx.features.commands.get(name)
    if command is None or (command.admin_only and not ctx.is_admin()):
        return [Reply(ctx.say("unknown_command"))]
    if command.needs_consent:
        gate = sessions.through_gate(ctx)
        if gate is not None:
            return gate
    return command.handler(ctx, args)


def on_unsupported(ctx: TurnContext, event: Event, screened: Screened | None) -> list[Reply]:
    """Stickers, photos, files, edits: nothing changes, but any words on them are read for safety."""
    if screened is not None:
        stepped_in = safety_step.respond(ctx, screened, "")
        if stepped_in is not None:
            return stepped_in
    key = "edited" if event.what == "edited" else "unsupported"
    active = ctx.active_session()
    if active is None:
        return [Reply(ctx.say(key), ctx.menu_button())]
    return [Reply(ctx.say(key))] + sessions.view(ctx, active, last_only=True)


def on_open(ctx: TurnContext) -> list[Reply]:
    """An adapter opened the conversation (the console starting): where the person is."""
    if not ctx.has_consent() or ctx.person.adult is False:
        return sessions.through_gate(ctx) or []
    return welcome_back(ctx)
