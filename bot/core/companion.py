"""One turn of the companion: one event of one person, one database transaction.

``Companion.handle`` is the door every adapter (Telegram, the console, the check-in
scheduler) knocks on. It opens the transaction, drops a redelivered update, builds the
``TurnContext`` and dispatches by event kind; the replies go back to the adapter to send
*after* the commit. The new dialogue state, journal entries, the safety event and the
processed update id land together or not at all, so a redelivered update changes nothing twice.

First in every turn, the words of a message, caption or edit are assessed for safety
(``safety_step.assess``, pure: it could run before the transaction as well). Dispatch, top
to bottom: text goes to the safety step's response first (``safety_step.respond``), in every
state; buttons press the current step, open a dialogue from the menu or run a
command; commands come from the one registry, behind the consent gate when they need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from ..domain import COMMAND_BUTTON, DIALOGUE_BUTTON, MENU_BUTTON, Event, EventKind, Reply, TurnResult
from ..engine import DialogueLibrary
from ..storage import Database, Person, Repository
from ..storage.types import utcnow
from . import safety_step, sessions
from .commands.navigation import welcome_back
from .context import CoreSettings, Features, TurnContext
from .effects import set_profile
from .recent_texts import RecentTexts
from .safety_step import Screened
from .dialogues import ONBOARDING

MAX_TEXT = 16_000

Clock = Callable[[], datetime]


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
        self.library = library
        self.features = features
        self.clock = clock
        self.recent_texts = RecentTexts()
        onboarding = library.get(ONBOARDING)
        self.settings = CoreSettings(
            default_country=default_country,
            admin_ids=admin_ids,
            retention_days=retention_days,
            consent_version=onboarding.script.consent_version if onboarding else 0,
        )

    @property
    def consent_version(self) -> int:
        return self.settings.consent_version

    @consent_version.setter
    def consent_version(self, version: int) -> None:
        """As if the operator raised the onboarding script's consent_version (tests do)."""
        self.settings = replace(self.settings, consent_version=version)

    @property
    def retention_days(self) -> int:
        return self.settings.retention_days

    def turn(self, repo: Repository, person: Person, now: datetime) -> TurnContext:
        """The context for one turn of ``person`` inside the transaction of ``repo``."""
        return TurnContext(repo, person, now, self.library, self.features, self.settings)

    def handle(self, event: Event) -> TurnResult:
        """Play one event as one transaction; returns what to send once it has committed."""
        now = self.clock()
        with self.db.transaction() as repo:
            if event.update_key and repo.update_seen(event.update_key):
                return TurnResult(duplicate=True)
            person, _created = repo.get_or_create_person(event.user, now)
            person.last_seen_at = now
            person.active = True
            person.retention_notice_at = None
            screened = safety_step.assess(  # every text, first
                event,
                person.recent_safety,
                now,
                previous=self.recent_texts.previous(event.user, now),
                answering=repo.active_session(person) is not None,
            )
            if screened is not None and event.text:
                self.recent_texts.add(event.user, event.text, now)
            ctx = self.turn(repo, person, now)
            replies = dispatch(ctx, event, screened)
            if ctx.deleted:
                self.recent_texts.forget(event.user)
            if event.update_key and not ctx.deleted:
                repo.mark_update(event.update_key, person, now)
        return TurnResult(replies=replies, deactivate=ctx.deleted)

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
    stepped_in = safety_step.respond(ctx, screened, answer="" if too_long else text)
    if stepped_in is not None:
        return stepped_in
    if too_long:
        return [Reply(ctx.say("too_long"))]
    active = ctx.repo.active_session(ctx.person)
    if active is None and ctx.person.adult is False:
        return sessions.through_gate(ctx) or []
    if active is None:
        return [Reply(ctx.say("idle"), ctx.menu_button())]
    compiled = ctx.library.get(active.dialogue_id)
    if compiled is None:
        return sessions.lost(ctx, active)

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


def on_button(ctx: TurnContext, data: str) -> list[Reply]:
    kind, _, rest = data.partition(":")
    if kind == DIALOGUE_BUTTON:
        step_text, _, index = rest.partition(":")
        active = ctx.repo.active_session(ctx.person)
        if active is None or step_text != str(active.step):
            return sessions.stale(ctx, active)
        compiled = ctx.library.get(active.dialogue_id)
        if compiled is None:
            return sessions.lost(ctx, active)
        result = compiled.press(sessions.state_of(active), index, ctx.template_context(compiled))
        if result is None:
            return sessions.stale(ctx, active)
        return sessions.apply(ctx, active, result)
    if kind == MENU_BUTTON:
        return sessions.start(ctx, rest)
    if kind == COMMAND_BUTTON:
        command, _, args = rest.partition(":")
        return on_command(ctx, command, args)
    return sessions.stale(ctx, ctx.repo.active_session(ctx.person))


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
        stepped_in = safety_step.respond(ctx, screened, answer="")
        if stepped_in is not None:
            return stepped_in
    key = "edited" if event.what == "edited" else "unsupported"
    active = ctx.repo.active_session(ctx.person)
    if active is None:
        return [Reply(ctx.say(key), ctx.menu_button())]
    return [Reply(ctx.say(key))] + sessions.view(ctx, active, last_only=True)


def on_open(ctx: TurnContext) -> list[Reply]:
    """An adapter opened the conversation (the console starting): where the person is."""
    if not ctx.has_consent() or ctx.person.adult is False:
        return sessions.through_gate(ctx) or []
    return welcome_back(ctx)
