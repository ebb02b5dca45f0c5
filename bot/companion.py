"""One turn of the companion: safety first, then the dialogue, then everything saved.

This is the one place that orchestrates. Every adapter (Telegram, the console, the
check-in scheduler) hands in an ``Event`` and gets back the replies to send *after* the
turn has committed. A turn is one database transaction: the new dialogue state, journal
entries, the safety event and the processed update id land together or not at all, so a
redelivered update (after a crash) changes nothing twice.

Every text a person sends goes through ``safety.assess`` before the dialogue sees it, in
every state. When it finds distress, concern or crisis, the current dialogue is paused
(its place kept, any answer saved) and the matching support script takes over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import safety

from .domain import COMMAND_BUTTON, DIALOGUE_BUTTON, MENU_BUTTON, Button, Event, EventKind, Reply, TurnResult
from .engine import DialogueLibrary, RunAction, SaveAnswer, SessionState, SetProfile, StepResult
from .engine.context import helpline, support_values, template_context
from .engine.script import PHASES
from .profile import PARSERS
from .vocabulary import ACTIONS, REQUIRED_TEXTS  # noqa: F401 - re-exported
from .storage import RETURN_AFTER, Database, DialogueSession, PauseReason, Person, Repository, SessionStatus
from .storage.types import utcnow

log = logging.getLogger(__name__)

ONBOARDING = "onboarding"
RECONSENT = "reconsent"
YOUTH = "youth"
SOS = "sos"
GROUNDING = "grounding"
SAFETY_FLOWS = {safety.Level.CRISIS: "crisis", safety.Level.CONCERN: "concern", safety.Level.DISTRESS: "distress"}
FLOW_LEVEL = {name: level for level, name in SAFETY_FLOWS.items()}
SUPPORT_DIALOGUES = frozenset(SAFETY_FLOWS.values()) | {SOS}
OPEN_WITHOUT_CONSENT = frozenset({ONBOARDING, RECONSENT, YOUTH, SOS, GROUNDING, "safety_plan"} | set(SAFETY_FLOWS.values()))
MAX_TEXT = 16_000
RECENT_WINDOW = timedelta(minutes=30)
RECENT_KEEP = 6
JOURNAL_PAGE_CHARS = 3000
PHASE_TITLES = {
    "arrive": "Arrive",
    "safety": "Safety and noticing",
    "contact": "Making contact",
    "reparenting": "Reparenting and grief",
    "integration": "Integration",
    "always": "Always there",
}



Clock = Callable[[], datetime]


class Companion:
    """The service every adapter calls. Thread-safe as long as one person's turns don't overlap."""

    def __init__(
        self,
        db: Database,
        library: DialogueLibrary,
        *,
        default_country: str = "",
        clock: Clock = utcnow,
        admin_ids: frozenset[str] = frozenset(),
        retention_days: int = 0,
    ):
        self.db = db
        self.library = library
        self.default_country = default_country
        self.clock = clock
        self.admin_ids = admin_ids
        self.retention_days = retention_days
        onboarding = library.get(ONBOARDING)
        self.consent_version = onboarding.script.consent_version if onboarding else 0
        self.extra_commands: dict[str, Callable[[Turn, str], list[Reply]]] = {}
        self.extra_actions: dict[str, Callable[[Turn], None]] = {}
        # Profile answers a feature keeps itself (check-ins keep "checkin_time" in their table).
        self.profile_setters: dict[str, Callable[[Turn, object], None]] = {}

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
            turn = Turn(self, repo, person, now)
            replies = turn.play(event)
            if event.update_key and not turn.deleted:
                repo.mark_update(event.update_key, person, now)
        return TurnResult(replies=replies, deactivate=turn.deleted)

    def mark_unreachable(self, user: str) -> None:
        """The person blocked the bot: stop reaching out until they write again."""
        with self.db.transaction() as repo:
            person = repo.find_person(user)
            if person is not None:
                person.active = False


class Turn:
    """Everything that happens for one event of one person, inside one transaction."""

    def __init__(self, companion: Companion, repo: Repository, person: Person, now: datetime):
        self.companion = companion
        self.repo = repo
        self.person = person
        self.now = now
        self.library = companion.library
        self.texts = companion.library.texts
        self.deleted = False

    # -- dispatch --------------------------------------------------------------------------
    def play(self, event: Event) -> list[Reply]:
        if event.kind is EventKind.TEXT:
            return self.on_text(event.text)
        if event.kind is EventKind.BUTTON:
            return self.on_button(event.data)
        if event.kind is EventKind.COMMAND:
            return self.on_command(event.text.lstrip("/").split("@", 1)[0].lower(), event.args.strip())
        if event.kind is EventKind.UNSUPPORTED:
            return self.on_unsupported(event)
        if event.kind is EventKind.OPEN:
            return self.on_open()
        return []

    # -- text: safety first -----------------------------------------------------------------
    def on_text(self, text: str, source: str = "message") -> list[Reply]:
        assessment = safety.assess(text, recent=self.recent_assessments())  # every text, first
        self.remember_assessment(assessment, source)
        active = self.repo.active_session(self.person)
        too_long = len(text) > MAX_TEXT
        if assessment.level > safety.Level.NONE and self.should_step_in(assessment.level, active):
            return self.step_in(assessment.level, active, "" if too_long else text)
        if too_long:
            return [Reply(self.say("too_long"))]
        if active is None and self.person.adult is False:
            return self.gate() or []
        if active is None:
            return [Reply(self.say("idle"), self.menu_button())]
        compiled = self.library.get(active.dialogue_id)
        if compiled is None:
            return self.lost_dialogue(active)
        try:
            result = compiled.answer(self.state_of(active), text, self.context(compiled), PARSERS, self.refresh_for(compiled))
        except ValueError as exc:
            return [Reply(str(exc))] + self.view(active, last_only=True)
        if result is None:
            return [Reply(self.say("buttons_please"))] + self.view(active, last_only=True)
        return self.apply(active, result)

    def refresh_for(self, compiled):  # noqa: ANN001, ANN201
        def refresh(field: str, value: object) -> dict:
            self.set_profile(field, value)
            return self.context(compiled)

        return refresh

    def should_step_in(self, level: safety.Level, active: DialogueSession | None) -> bool:
        if active is None or active.dialogue_id not in FLOW_LEVEL:
            return True
        current = FLOW_LEVEL[active.dialogue_id]
        return level > current or level == safety.Level.CRISIS

    def step_in(self, level: safety.Level, active: DialogueSession | None, text: str) -> list[Reply]:
        """Pause what was going on (keeping any answer) and start the support script."""
        if active is not None:
            if active.dialogue_id in FLOW_LEVEL or active.dialogue_id == SOS:
                self.finish(active, completed=False)
            else:
                self.keep_answer(active, text)
                self.pause(active, reason=PauseReason.SAFETY)
        return self.begin(SAFETY_FLOWS[level], pause_current=False)

    def keep_answer(self, active: DialogueSession, text: str) -> None:
        """A free-text answer that raised a safety flag is still the person's answer: keep it."""
        compiled = self.library.get(active.dialogue_id)
        if compiled is None or not text:
            return
        try:
            result = compiled.answer(self.state_of(active), text, self.context(compiled), PARSERS)
        except ValueError:
            return
        if result is None or result.finished or result.start:
            return
        self.save_state(active, result.session)
        self.apply_effects(active, result)

    def recent_assessments(self) -> list[safety.Assessment]:
        cutoff = self.now - RECENT_WINDOW
        recent = []
        for item in self.person.recent_safety or []:
            if datetime.fromisoformat(item["at"]) >= cutoff:
                recent.append(safety.Assessment(safety.Level(item["level"]), tuple(item["categories"]), ()))
        return recent

    def remember_assessment(self, assessment: safety.Assessment, source: str) -> None:
        entry = {"level": int(assessment.level), "categories": list(assessment.categories), "at": self.now.isoformat()}
        self.person.recent_safety = (list(self.person.recent_safety or []) + [entry])[-RECENT_KEEP:]
        if assessment.level > safety.Level.NONE:
            label = assessment.level.label
            self.repo.record_safety(label, assessment.categories, source, self.now)
            self.repo.count(f"safety_{label}", self.now)
            self.person.last_safety_level = label
            self.person.last_safety_at = self.now

    # -- buttons ----------------------------------------------------------------------------
    def on_button(self, data: str) -> list[Reply]:
        kind, _, rest = data.partition(":")
        if kind == DIALOGUE_BUTTON:
            step_text, _, index = rest.partition(":")
            active = self.repo.active_session(self.person)
            if active is None or step_text != str(active.step):
                return self.stale(active)
            compiled = self.library.get(active.dialogue_id)
            if compiled is None:
                return self.lost_dialogue(active)
            result = compiled.press(self.state_of(active), index, self.context(compiled))
            if result is None:
                return self.stale(active)
            return self.apply(active, result)
        if kind == MENU_BUTTON:
            return self.start_dialogue(rest)
        if kind == COMMAND_BUTTON:
            command, _, args = rest.partition(":")
            return self.on_command(command, args)
        return self.stale(self.repo.active_session(self.person))

    def stale(self, active: DialogueSession | None) -> list[Reply]:
        if active is None:
            return [Reply(self.say("stale_button"), self.menu_button())]
        return [Reply(self.say("stale_button"))] + self.view(active, last_only=True)

    # -- commands ---------------------------------------------------------------------------
    def on_command(self, command: str, args: str) -> list[Reply]:
        handler = {
            "start": self.cmd_start,
            "help": self.cmd_help,
            "menu": self.cmd_menu,
            "pause": self.cmd_pause,
            "resume": self.cmd_resume,
            "sos": self.cmd_sos,
            "ground": self.cmd_ground,
            "journal": self.cmd_journal,
            "mydata": self.cmd_mydata,
            "export": self.cmd_export,
            "delete": self.cmd_delete,
            "stats": self.cmd_stats,
            "notnow": self.cmd_not_now,
        }.get(command)
        if handler is None and command in self.companion.extra_commands:
            return self.companion.extra_commands[command](self, args)
        if handler is None:
            return [Reply(self.say("unknown_command"))]
        return handler(args)

    def cmd_start(self, args: str) -> list[Reply]:
        if args in OPEN_WITHOUT_CONSENT and self.person.adult is not False:
            return self.start_dialogue(args)
        gate = self.gate()
        if gate is not None:
            return gate
        if args and args in self.library:
            return self.start_dialogue(args)
        active = self.repo.active_session(self.person)
        if active is not None:
            return [Reply(self.say("welcome_back"))] + self.view(active)
        return [Reply(self.say("welcome_back"), self.menu_button())]

    def cmd_help(self, _args: str) -> list[Reply]:
        return [Reply(self.say("help"))]

    def cmd_menu(self, args: str) -> list[Reply]:
        gate = self.gate()
        if gate is not None:
            return gate
        return self.menu(args)

    def cmd_pause(self, _args: str) -> list[Reply]:
        active = self.repo.active_session(self.person)
        if active is None:
            return [Reply(self.say("nothing_to_pause"), self.menu_button())]
        title = self.title_of(active)
        self.pause(active, reason=PauseReason.USER)
        return [Reply(self.say("paused", paused_title=title), (Button("Resume", f"{COMMAND_BUTTON}:resume"),))]

    def cmd_resume(self, _args: str) -> list[Reply]:
        active = self.repo.active_session(self.person)
        if active is not None:
            return self.view(active)
        for paused in self.repo.paused_sessions(self.person):
            if paused.dialogue_id in self.library:
                paused.status = SessionStatus.ACTIVE
                paused.updated_at = self.now
                compiled = self.library.get(paused.dialogue_id)
                key = "resumed_heavy" if compiled and compiled.script.heavy else "resumed"
                return [Reply(self.say(key, paused_title=self.title_of(paused)))] + self.view(paused)
        return [Reply(self.say("nothing_to_resume"), self.menu_button())]

    def cmd_sos(self, _args: str) -> list[Reply]:
        return self.begin(SOS, pause_reason=PauseReason.SAFETY)

    def cmd_ground(self, _args: str) -> list[Reply]:
        return self.begin(GROUNDING, pause_reason=PauseReason.USER)

    def cmd_not_now(self, _args: str) -> list[Reply]:
        return [Reply(self.say("not_now"))]

    def cmd_journal(self, args: str) -> list[Reply]:
        page = int(args) if args.isdigit() and int(args) > 0 else 1
        entries = self.repo.journal(self.person)
        if not entries:
            return [Reply(self.say("journal_empty"))]
        pages = _paginate(entries, JOURNAL_PAGE_CHARS)
        page = min(page, len(pages))
        shown = [
            {
                "dialogue": self.library.get(e.dialogue_id).script.title if e.dialogue_id in self.library else e.dialogue_id,
                "date": e.created_at.strftime("%d %b %Y"),
                "text": e.text,
            }
            for e in pages[page - 1]
        ]
        buttons = []
        if page < len(pages):
            buttons.append(Button("Older entries", f"{COMMAND_BUTTON}:journal:{page + 1}"))
        if page > 1:
            buttons.append(Button("Newer entries", f"{COMMAND_BUTTON}:journal:{page - 1}"))
        return [Reply(self.say("journal_page", entries=shown, page=page, pages=len(pages)), tuple(buttons))]

    def cmd_mydata(self, _args: str) -> list[Reply]:
        from .privacy import data_counts

        return [Reply(self.say("mydata", counts=data_counts(self.repo, self.person), retention_days=self.companion.retention_days),
                      (Button("Export my data", f"{COMMAND_BUTTON}:export"), Button("Delete everything", f"{COMMAND_BUTTON}:delete")))]

    def cmd_export(self, _args: str) -> list[Reply]:
        from .privacy import export_documents

        documents = export_documents(self.repo, self.person, self.library, self.now)
        return [Reply(document=doc) for doc in documents]

    def cmd_delete(self, args: str) -> list[Reply]:
        if args == "confirm":
            self.repo.delete_person(self.person)
            self.repo.count("people_deleted", self.now)
            self.deleted = True
            return [Reply(self.say("deleted"))]
        if args == "cancel":
            return [Reply(self.say("delete_cancelled"))]
        return [Reply(self.say("delete_confirm"), (
            Button("Yes, delete everything", f"{COMMAND_BUTTON}:delete:confirm"),
            Button("No, keep it", f"{COMMAND_BUTTON}:delete:cancel"),
        ))]

    def cmd_stats(self, _args: str) -> list[Reply]:
        user = self.person.external_id
        if not user.startswith("tg:") or user[3:] not in self.companion.admin_ids:
            return [Reply(self.say("unknown_command"))]
        from .privacy import operator_stats

        return [Reply(self.say("stats", stats=operator_stats(self.repo, self.now)))]

    # -- the consent and age gate ---------------------------------------------------------
    def gate(self) -> list[Reply] | None:
        """Who may not go on to the program yet, and what they see instead."""
        if self.person.adult is False:
            return [Reply(self.say("youth_stop"))] + self.begin(YOUTH, pause_current=False)
        if self.has_consent():
            return None
        active = self.repo.active_session(self.person)
        if active is not None and active.dialogue_id in (ONBOARDING, RECONSENT):
            return self.view(active)
        for paused in self.repo.paused_sessions(self.person):
            if paused.dialogue_id in (ONBOARDING, RECONSENT) and paused.dialogue_id in self.library:
                if active is not None:
                    self.pause(active, reason=PauseReason.SWITCHED)
                paused.status = SessionStatus.ACTIVE
                paused.updated_at = self.now
                return self.view(paused)
        if self.person.consent_version:  # agreed to an older version
            return self.begin(RECONSENT)
        return self.begin(ONBOARDING)

    def has_consent(self) -> bool:
        return (self.person.consent_version or 0) >= self.companion.consent_version

    def on_open(self) -> list[Reply]:
        if not self.has_consent() or self.person.adult is False:
            return self.gate() or []
        active = self.repo.active_session(self.person)
        if active is not None:
            return [Reply(self.say("welcome_back"))] + self.view(active)
        return [Reply(self.say("welcome_back"), self.menu_button())]

    def on_unsupported(self, event: Event) -> list[Reply]:
        """Stickers, photos, files, edits: nothing changes, but any words on them are read for safety."""
        if event.text:
            assessment = safety.assess(event.text, recent=self.recent_assessments())
            self.remember_assessment(assessment, "edited" if event.what == "edited" else "caption")
            active = self.repo.active_session(self.person)
            if assessment.level > safety.Level.NONE and self.should_step_in(assessment.level, active):
                return self.step_in(assessment.level, active, "")
        key = "edited" if event.what == "edited" else "unsupported"
        active = self.repo.active_session(self.person)
        if active is None:
            return [Reply(self.say(key), self.menu_button())]
        return [Reply(self.say(key))] + self.view(active, last_only=True)

    # -- dialogues --------------------------------------------------------------------------
    def start_dialogue(self, dialogue_id: str) -> list[Reply]:
        if dialogue_id not in OPEN_WITHOUT_CONSENT:
            gate = self.gate()
            if gate is not None:
                return gate
        if dialogue_id not in self.library:
            return self.stale(self.repo.active_session(self.person))
        active = self.repo.active_session(self.person)
        if active is not None and active.dialogue_id == dialogue_id:
            return self.view(active)
        compiled = self.library.get(dialogue_id)
        if compiled is not None and compiled.script.heavy and not self.safety_phase_done():
            return [Reply(self.say("heavy_note"))] + self.begin(dialogue_id)
        return self.begin(dialogue_id)

    def safety_phase_done(self) -> bool:
        """Whether the person has done any of the safety-and-noticing conversations."""
        done = self.repo.finished_dialogues(self.person)
        return any(s.phase == "safety" and s.id in done for s in self.library.listed())

    def begin(self, dialogue_id: str, *, pause_current: bool = True, pause_reason: PauseReason = PauseReason.SWITCHED) -> list[Reply]:
        compiled = self.library.get(dialogue_id)
        if compiled is None:
            log.error("dialogue %s is not loaded", dialogue_id)
            return [Reply(self.say("unknown_command"))]
        active = self.repo.active_session(self.person)
        if active is not None:
            if pause_current and active.dialogue_id not in SUPPORT_DIALOGUES:
                self.pause(active, reason=pause_reason)
            else:
                self.finish(active, completed=False)
        result = compiled.begin(self.context(compiled))
        session = self.repo.add_session(
            DialogueSession(
                person_id=self.person.id,
                dialogue_id=dialogue_id,
                state=result.session.state,
                step=result.session.step,
                status=SessionStatus.ACTIVE,
                context={"vars": result.session.vars, "answers": result.session.answers},
                started_at=self.now,
                updated_at=self.now,
            )
        )
        self.repo.count("dialogue_started", self.now)
        return self.apply(session, result)

    def apply(self, session: DialogueSession, result: StepResult) -> list[Reply]:
        """Keep what a step produced, then follow where it leads."""
        self.save_state(session, result.session)
        self.apply_effects(session, result)
        replies = list(result.replies)
        if result.pause:
            title = self.title_of(session)
            self.pause(session, reason=PauseReason.USER)
            return replies + [Reply(self.say("paused", paused_title=title), (Button("Resume", f"{COMMAND_BUTTON}:resume"),))]
        if result.visit:
            self.pause(session, reason=PauseReason.DETOUR)
            return replies + self.start_dialogue(result.visit)
        if result.start:
            self.finish(session, completed=True)
            return replies + self.start_dialogue(result.start)
        if result.finished:
            self.finish(session, completed=True)
            return self.after_finish(session, replies)
        return replies

    def apply_effects(self, session: DialogueSession, result: StepResult) -> None:
        for effect in result.effects:
            if isinstance(effect, SaveAnswer):
                self.repo.add_journal(self.person, session.dialogue_id, effect.key, effect.text, self.now)
            elif isinstance(effect, SetProfile):
                self.set_profile(effect.field, effect.value)
            elif isinstance(effect, RunAction):
                self.run_action(effect.name)

    def set_profile(self, field: str, value: object) -> None:
        setter = self.companion.profile_setters.get(field)
        if setter is not None:
            setter(self, value)
        else:
            setattr(self.person, field, value)

    def run_action(self, name: str) -> None:
        if name == "give_consent":
            self.person.consent_version = self.companion.consent_version
            self.person.consented_at = self.now
        elif name == "confirm_adult":
            self.person.adult = True
        elif name == "under_18":
            self.person.adult = False
        elif name in self.companion.extra_actions:
            self.companion.extra_actions[name](self)
        else:
            log.error("unknown action %s", name)

    def after_finish(self, session: DialogueSession, replies: list[Reply]) -> list[Reply]:
        """A dialogue ended: offer to return to one that safety paused, or somewhere to go."""
        if self.person.adult is False or self.deleted:
            return replies
        waiting = [p for p in self.repo.paused_sessions(self.person) if p.reason in RETURN_AFTER and p.dialogue_id in self.library]
        if waiting:
            title = self.title_of(waiting[0])
            offer = Reply(self.say("resume_offer", paused_title=title), (
                Button("Yes, go back", f"{COMMAND_BUTTON}:resume"),
                Button("Not now", f"{COMMAND_BUTTON}:notnow"),
            ))
            return replies + [offer]
        if replies and not replies[-1].buttons and self.has_consent():
            last = replies[-1]
            replies[-1] = Reply(last.text, self.menu_button(), document=last.document)
        return replies

    def pause(self, session: DialogueSession, reason: PauseReason) -> None:
        for older in self.repo.paused_sessions(self.person):
            if older.dialogue_id == session.dialogue_id:
                older.status = SessionStatus.ABANDONED
                older.context = None
        session.status = SessionStatus.PAUSED
        session.reason = reason
        session.updated_at = self.now

    def finish(self, session: DialogueSession, *, completed: bool) -> None:
        session.status = SessionStatus.FINISHED if completed else SessionStatus.ABANDONED
        session.finished_at = self.now
        session.updated_at = self.now
        session.context = None  # answers live on in the journal; nothing else is needed
        if completed:
            self.repo.count("dialogue_finished", self.now)

    def save_state(self, session: DialogueSession, state: SessionState) -> None:
        session.state = state.state
        session.step = state.step
        session.context = {"vars": state.vars, "answers": state.answers}
        session.updated_at = self.now

    def state_of(self, session: DialogueSession) -> SessionState:
        context = session.context or {}
        return SessionState(
            dialogue=session.dialogue_id,
            state=session.state,
            step=session.step,
            vars=dict(context.get("vars", {})),
            answers=dict(context.get("answers", {})),
        )

    def view(self, session: DialogueSession, *, last_only: bool = False) -> list[Reply]:
        compiled = self.library.get(session.dialogue_id)
        if compiled is None or session.state not in compiled.script.steps:
            return self.lost_dialogue(session)
        replies = compiled.view(self.state_of(session), self.context(compiled))
        return replies[-1:] if last_only else replies

    def lost_dialogue(self, session: DialogueSession) -> list[Reply]:
        """The operator removed or renamed what this person was in: end it gently."""
        self.finish(session, completed=False)
        return [Reply(self.say("stale_button"), self.menu_button())]

    def title_of(self, session: DialogueSession) -> str:
        compiled = self.library.get(session.dialogue_id)
        return compiled.script.title if compiled else session.dialogue_id

    # -- menu -------------------------------------------------------------------------------
    def menu(self, phase: str = "") -> list[Reply]:
        done = self.repo.finished_dialogues(self.person)
        scripts = [s for s in self.library.listed() if s.phase in PHASE_TITLES]
        if phase in PHASE_TITLES:
            listed = [s for s in scripts if s.phase == phase]
            shown = [{"title": s.title, "description": s.description, "minutes": s.minutes, "done": s.id in done} for s in listed]
            buttons = tuple(Button(("✓ " if s.id in done else "") + s.title, f"{MENU_BUTTON}:{s.id}") for s in listed)
            back = Button("All phases", f"{COMMAND_BUTTON}:menu")
            return [Reply(self.say("menu_phase", phase=PHASE_TITLES[phase], scripts=shown), buttons + (back,))]
        suggestion = self.suggest(scripts, done)
        phases = []
        for key in PHASES:
            if key not in PHASE_TITLES:
                continue
            in_phase = [s for s in scripts if s.phase == key]
            if in_phase:
                phases.append({"key": key, "title": PHASE_TITLES[key], "done": sum(s.id in done for s in in_phase), "total": len(in_phase)})
        buttons: list[Button] = []
        if suggestion is not None:
            buttons.append(Button(f"Next: {suggestion.title}"[:60], f"{MENU_BUTTON}:{suggestion.id}"))
        buttons += [Button(p["title"], f"{COMMAND_BUTTON}:menu:{p['key']}") for p in phases]
        text = self.say(
            "menu",
            phases=phases,
            suggestion={"title": suggestion.title, "description": suggestion.description, "minutes": suggestion.minutes, "heavy": suggestion.heavy} if suggestion else None,
            done_count=sum(1 for s in scripts if s.id in done),
            total=len(scripts),
        )
        return [Reply(text, tuple(buttons))]

    def suggest(self, scripts, done):  # noqa: ANN001, ANN201
        """The next step along the arc: the first unfinished script in program order."""
        for script in scripts:
            if script.phase not in ("always", "arrive") and script.id not in done:
                return script
        return None

    def menu_button(self) -> tuple[Button, ...]:
        return (Button("Open the menu", f"{COMMAND_BUTTON}:menu"),)

    # -- rendering --------------------------------------------------------------------------
    def context(self, compiled=None) -> dict:  # noqa: ANN001
        person = self.person
        country = person.country or self.companion.default_country
        support = support_context(country)
        reads = compiled.journal_reads if compiled is not None else frozenset()
        visits = 0
        if compiled is not None:
            active = self.repo.active_session(person)
            current = active.id if active is not None and active.dialogue_id == compiled.script.id else None
            visits = self.repo.visits_before(person, compiled.script.id, current)
        return template_context(
            name=person.name,
            child_name=person.child_name,
            country=person.country,
            country_name=str(support["country_name"]) if person.country else "",
            timezone=person.timezone,
            journal=self.repo.latest_journal(person, set(reads)),
            support=support,
            part_of_day=part_of_day(self.now, person.timezone),
            visits=visits,
        )

    def say(self, key: str, **extra: object) -> str:
        return self.texts.render(key, self.context() | extra)


def support_context(country: str | None) -> dict:
    """Crisis resources in the shape templates use: one or two lines and a way to see more."""
    from safety.resources import helplines_for

    resources = helplines_for(country or None)
    lines = [helpline(h.name, phone=h.phone, sms=h.sms, url=h.url, hours=h.hours) for h in resources.lines]
    return support_values(
        known=bool(resources.known),
        country_name=resources.country_name,
        emergency=resources.emergency,
        lines=lines,
        last_checked=max((h.last_checked or "" for h in resources.lines), default=""),
    )


def part_of_day(now: datetime, timezone: str | None) -> str:
    from zoneinfo import ZoneInfo

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


def _paginate(entries, limit: int):  # noqa: ANN001, ANN202
    pages, current, size = [], [], 0
    for entry in entries:
        length = len(entry.text) + 60
        if current and size + length > limit:
            pages.append(current)
            current, size = [], 0
        current.append(entry)
        size += length
    if current:
        pages.append(current)
    return pages
