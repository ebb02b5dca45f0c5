"""The names every template reads, built by one function for a person's turn and for the
validator's made-up person, so the two can never drift apart.

The core fills ``template_context`` from the person, their journal and their country's
crisis lines; ``dialogues check`` fills it from ``SAMPLE``. Each compiled script then adds
its own ``answers``, ``vars`` and ``title`` (``CompiledScript.context_for``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DIRECTORY = "https://findahelpline.com"
VIOLENCE_DIRECTORY = "https://www.hotpeachpages.net"  # domestic-violence help worldwide
SHOWN_LINES = 2  # crisis lines shown in a message; the rest are "more"


class Blanks(dict[str, str]):
    """Values by key; a key with no value reads as ``default`` ("" unless told) instead of
    failing, so ``{{ answers.letter }}`` or ``{{ journal.need }}`` is empty until written."""

    def __init__(self, values: Mapping[str, str] | Iterable[tuple[str, str]] = (), *, default: str = ""):
        super().__init__(values)
        self._default = default  # underscored: the sandbox never shows it as ``answers._default``

    def __missing__(self, key: str) -> str:
        return self._default


def helpline(name: str, *, phone: str | None = "", sms: str | None = "", url: str | None = "", hours: str | None = "") -> dict[str, str]:
    """One line as templates read it (``support.lines``, ``support.violence_lines``, ``support.abuse_lines``)."""
    return {"name": name, "phone": phone or "", "sms": sms or "", "url": url or "", "hours": hours or ""}


def support_values(
    *,
    known: bool,
    country_name: str | None,
    emergency: str | None,
    lines: list[dict[str, str]],
    last_checked: str = "",
    police: str | None = "",
    violence_lines: list[dict[str, str]] | None = None,
    abuse_lines: list[dict[str, str]] | None = None,
    violence_directory: str = VIOLENCE_DIRECTORY,
) -> dict[str, object]:
    """Crisis resources in the shape templates use: one or two lines and a way to see more;
    the police number and the domestic-violence and abuse lines (all of them, in order), ""
    and empty lists when unknown."""
    return {
        "known": bool(known),
        "country_name": country_name or "",
        "emergency": emergency or "",
        "lines": lines[:SHOWN_LINES],
        "more": max(0, len(lines) - SHOWN_LINES),
        "all_lines": lines,
        "directory": DIRECTORY,
        "last_checked": last_checked,
        "police": police or "",
        "violence_lines": list(violence_lines or []),
        "abuse_lines": list(abuse_lines or []),
        "violence_directory": violence_directory,
    }


def template_context(
    *,
    name: str | None,
    child_name: str | None,
    country: str | None,
    country_name: str,
    timezone: str | None,
    journal: Mapping[str, str],
    support: Mapping[str, object],
    part_of_day: str,
    visits: int,
) -> dict[str, object]:
    """Every name a template may use (``BASE_NAMES``) but a script's own answers, vars and title."""
    return {
        "visits": visits,
        "name": name or "",
        "child_name": child_name or "",
        "country": country or "",
        "country_name": country_name,
        "timezone": timezone or "",
        "journal": Blanks(journal),
        "support": support,
        "part_of_day": part_of_day,
    }


SHORT_ANSWER = "a few words"  # for the writing guide's limits: the writer's words count
LONG_ANSWER = "I remember the garden. " * 20  # for Telegram's hard limit: answers can be long
LONG_NAME = "Maximiliana Fairweather-Montgomery Smith"  # 40 characters: bot/profile.py's NAME_LIMIT


def sample_context(answer: str = SHORT_ANSWER) -> dict[str, object]:
    """A made-up person with every optional value filled in, for rendering every template;
    every journal answer they could have written reads as ``answer``."""
    sample = template_context(
        name="Alex",
        child_name="Little Alex",
        country="GB",
        country_name="United Kingdom",
        timezone="Europe/London",
        journal={},
        support=_full_support(),
        part_of_day="evening",
        visits=3,
    )
    sample["journal"] = Blanks(default=answer)
    return sample


@dataclass(frozen=True)
class SamplePerson:
    """One made-up person the check renders every template for.

    ``who`` names them in a problem ("template does not render for a person who gave no
    names"); ``context`` is what ``template_context`` gives for them; ``answer`` is what each
    of their answers in the dialogue reads as ("" for none written yet)."""

    who: str
    context: dict[str, object]
    answer: str


def sample_people() -> tuple[SamplePerson, ...]:
    """Everyone a template must work for, the full sample person first.

    A template written and tried for one person with a name fails for the people who chose
    none (``{{ name[0] }}``), who wrote nothing yet, whose names are as long as the profile
    allows, or whose country we don't know (no lines, no emergency number) or know only a
    little of (one line, no police number, no violence or abuse lines)."""
    full = sample_context()
    nothing = template_context(
        name=None, child_name=None, country=None, country_name="", timezone=None, journal={},
        support=support_values(known=False, country_name=None, emergency=None, lines=[]),
        part_of_day="morning", visits=0,
    )
    sparse = template_context(
        name="Alex", child_name=None, country="XK", country_name="Kosovo", timezone="Europe/Belgrade", journal={},
        support=support_values(known=True, country_name="Kosovo", emergency="112", lines=[helpline("Helpline", url="https://example.org")]),
        part_of_day="night", visits=1,
    )
    sparse["journal"] = full["journal"]
    return (
        SamplePerson("a sample person", full, SHORT_ANSWER),
        SamplePerson("a person who gave no names", full | {"name": "", "child_name": ""}, SHORT_ANSWER),
        SamplePerson(f"a person with {len(LONG_NAME)}-character names", full | {"name": LONG_NAME, "child_name": LONG_NAME}, SHORT_ANSWER),
        SamplePerson("a person who has written nothing yet", full | {"journal": Blanks()}, ""),
        SamplePerson("a person whose country has one line and no police number", sparse, SHORT_ANSWER),
        SamplePerson("a person who skipped every question (no names, country, time zone or answers)", nothing, ""),
    )


def _full_support() -> dict[str, object]:
    return support_values(
        known=True,
        country_name="United Kingdom",
        emergency="999",
        lines=[
            helpline("Samaritans", phone="116 123", url="https://www.samaritans.org", hours="24/7"),
            helpline("Shout", sms="Text SHOUT to 85258", hours="24/7"),
            helpline("CALM", phone="0800 58 58 58", url="https://www.thecalmzone.net", hours="5pm to midnight"),
        ],
        last_checked="2026-11-29",
        police="999",
        violence_lines=[
            helpline(
                "Refuge National Domestic Abuse Helpline",
                phone="0808 2000 247",
                url="https://www.nationaldahelpline.org.uk",
                hours="24/7",
            ),
        ],
        abuse_lines=[helpline("NAPAC (support for adults abused in childhood)", url="https://napac.org.uk")],
    )
