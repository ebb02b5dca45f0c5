"""A failed turn still gives the crisis card (issue 11): the assessment runs before any
database or script work, so whatever breaks after it (the database, the key, a renamed step,
a template), a crisis or concern message gets its country's lines, an ordinary one the
usual apology, and nobody sees a traceback or finds their words in the log."""

from __future__ import annotations

import logging
from dataclasses import replace

import jinja2
import pytest
from sqlalchemy import select, update

from bot.storage import Cipher, Database, new_key, use_cipher
from bot.storage.models import DialogueSession
from bot.storage.models import Person as PersonRow

from .helpers import Person

USER = "console:sam"

CRISIS = "I am going to kill myself tonight"
CONCERN = "honestly i don't want to be here anymore"
ORDINARY = "I had a quiet day and made some tea"
DANGER = "my partner is threatening to hurt me tonight"
SORRY = "Something went wrong on my side"


def closed_database() -> Database:
    """A PostgreSQL URL where nothing listens: every connection is refused."""
    return Database("postgresql+psycopg://nobody@127.0.0.1:9/innerchild?connect_timeout=2")


def no_traceback(out: str) -> None:
    assert "Traceback" not in out and "Error" not in out and 'File "' not in out


# -- the faults --------------------------------------------------------------------------------
def database_down(companion, monkeypatch, user: str) -> None:
    monkeypatch.setattr(companion, "db", closed_database())


def wrong_key(companion, monkeypatch, user: str) -> None:
    use_cipher(Cipher([new_key()]))  # as if INNERCHILD_ENCRYPTION_KEY changed (the conftest resets it)


def missing_step(companion, monkeypatch, user: str) -> None:
    """An operator renamed the step the person is at (they are in the safety plan)."""
    person = select(PersonRow.id).where(PersonRow.external_id == user).scalar_subquery()
    at_step = update(DialogueSession).where(DialogueSession.person_id == person, DialogueSession.status == "active")
    with companion.db.transaction() as repo:
        repo.session.execute(at_step.values(state="renamed_by_operator"))


def template_error(companion, monkeypatch, user: str) -> None:
    def broken(self, *args, **kwargs):
        raise jinja2.exceptions.UndefinedError("'support' is undefined")

    monkeypatch.setattr(jinja2.Template, "render", broken)


FAULTS = [database_down, wrong_key, missing_step, template_error]


def onboarded(companion) -> Person:
    person = Person(companion)
    person.onboard()  # United Kingdom
    person.say("/start safety_plan", "1")  # inside a dialogue, at a step that waits for words
    return person


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_a_crisis_under_each_fault_gets_the_crisis_card(companion, monkeypatch, caplog, fault) -> None:
    person = onboarded(companion)
    fault(companion, monkeypatch, USER)
    caplog.set_level(logging.DEBUG)
    out = person.say(CRISIS)
    no_traceback(out)
    if fault is missing_step:  # flagged words are never the renamed step's answer: the turn goes on, whole card
        assert "Samaritans" in out and "116 123" in out and "999" in out and "Are you safe right now?" in out
        return
    assert "I'm a program and something went wrong on my side" in out
    if fault is database_down:  # the profile cannot be read, and no default country is set
        assert "findahelpline.com" in out and "your local emergency number" in out
    else:  # the country column is plain, so even a wrong key leaves it readable
        assert "Samaritans: 116 123" in out and "call 999" in out
    no_traceback(out)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "turn failed" in logged
    assert "kill" not in logged.lower() and "tonight" not in logged


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_a_concern_under_each_fault_gets_its_card(companion, monkeypatch, fault) -> None:
    person = onboarded(companion)
    fault(companion, monkeypatch, USER)
    out = person.say(CONCERN)
    no_traceback(out)
    if fault is missing_step:
        assert "Are you having thoughts of ending your life?" in out
        return
    assert "I'm a program and something went wrong on my side" in out
    assert "What you wrote matters" in out
    assert ("116 123" in out) if fault is not database_down else ("findahelpline.com" in out)
    no_traceback(out)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_an_ordinary_message_under_each_fault_gets_the_kind_apology(companion, monkeypatch, fault) -> None:
    person = onboarded(companion)
    fault(companion, monkeypatch, USER)
    out = person.say(ORDINARY)
    if fault is missing_step:  # not a failure any more: the person continues at a step that exists
        assert "updated since you were last here" in out and SORRY not in out
    else:
        assert SORRY in out
    assert "116 123" not in out and "findahelpline" not in out
    no_traceback(out)


def test_with_the_database_down_the_default_country_speaks(companion, monkeypatch) -> None:
    person = onboarded(companion)
    monkeypatch.setattr(companion, "settings", replace(companion.settings, default_country="US"))
    database_down(companion, monkeypatch, USER)
    out = person.say(CRISIS)
    assert "988" in out and "call 911" in out
    assert "Samaritans" not in out


def test_the_card_needs_no_texts_yaml(companion, monkeypatch, tmp_path) -> None:
    """texts.yaml unreadable (or its card words using templates): the built-in words speak."""
    from bot.core.fallback import DEFAULTS, load_card_texts

    assert load_card_texts(tmp_path / "missing.yaml") == dict(DEFAULTS)
    broken = tmp_path / "texts.yaml"
    broken.write_text("fallback_crisis: '{% if x %}help{% endif %}'\nfallback_line: '{{ name }} {{ other }}'\n: [", encoding="utf-8")
    assert load_card_texts(broken) == dict(DEFAULTS)
    odd = tmp_path / "odd.yaml"
    odd.write_text("fallback_crisis: '{% if x %}help{% endif %}'\nfallback_line: '{{ name }} / {{ other }}'\nfallback_concern: 'Help: {{lines}} {{ emergency }}'\n", encoding="utf-8")
    texts = load_card_texts(odd)
    assert texts["fallback_crisis"] == DEFAULTS["fallback_crisis"]
    assert texts["fallback_line"] == DEFAULTS["fallback_line"]
    assert texts["fallback_concern"] == "Help: {{lines}} {{ emergency }}"

    person = onboarded(companion)
    monkeypatch.setattr(companion, "scripts", replace(companion.scripts, card_texts=load_card_texts(tmp_path / "missing.yaml")))
    template_error(companion, monkeypatch, USER)  # the apology's own template fails as well
    out = person.say(CRISIS)
    assert "I'm a program and something went wrong on my side" in out and "116 123" in out
    assert SORRY in person.say(ORDINARY)


def test_the_card_words_are_the_operators(companion) -> None:
    """The shipped texts.yaml holds the card, and its names match what the code fills in."""
    from bot.core.fallback import NAMES
    from bot.engine.texts import TEXT_NAMES

    for key, names in NAMES.items():
        assert key in companion.library.texts
        assert companion.card_texts[key].strip()
        assert TEXT_NAMES.get(key, frozenset()) == names


def test_opening_the_console_with_the_database_down_apologises_without_a_traceback(companion, monkeypatch) -> None:
    database_down(companion, monkeypatch, USER)
    person = Person(companion)  # the console opens the conversation first
    assert SORRY in person.out.getvalue()
    no_traceback(person.out.getvalue())
    out = person.say(CRISIS)
    assert "findahelpline.com" in out and "your local emergency number" in out


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_danger_from_someone_under_each_fault_gets_the_police_and_a_violence_line(companion, monkeypatch, fault) -> None:
    person = onboarded(companion)
    fault(companion, monkeypatch, USER)
    out = person.say(DANGER)
    shows_the_danger_card(out, fault)


def shows_the_danger_card(out: str, fault) -> None:
    """Danger from someone, whatever broke: the police and a violence line (UK), or the
    directories when even the country could not be read."""
    assert "deserve to be safe" in out and "might act on these thoughts" not in out
    if fault is database_down:
        assert "findahelpline.com" in out and "your local emergency number" in out
    else:
        assert "999" in out and "0808 2000 247" in out  # the police, and Refuge's helpline
    no_traceback(out)
