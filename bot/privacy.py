"""What is kept about a person, in their own readable form, and what operators may count.

``export_documents`` gives a person everything stored about them: a readable document of
their journal and safety plan, and a JSON file of the rest; each feature adds its part
(``ExportPart``: keys of the JSON, a section of the readable document, files of its own, such
as the mood chart). ``operator_stats`` counts and never shows content; ``data_counts`` is
what ``/mydata`` tells a person about themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .domain import Document
from .engine import DialogueLibrary
from .storage import Person, Repository
from .storage.stats import counts_since, people_counts

SAFETY_PLAN = "safety_plan"



@dataclass(frozen=True)
class ExportPart:
    """What one feature adds to /export: keys of the JSON record, a section of the readable
    document (plain lines, its heading included), and files of its own (the mood chart)."""

    record: dict[str, object] = field(default_factory=dict)
    lines: tuple[str, ...] = ()
    documents: tuple[Document, ...] = ()


# A feature's part of /export, for this person at this moment (words from the library's texts).
ExportSection = Callable[[Repository, Person, DialogueLibrary, datetime], ExportPart]


def data_counts(repo: Repository, person: Person) -> dict[str, object]:
    return {
        "journal": repo.journal_count(person),
        "has_name": bool(person.name),
        "has_child_name": bool(person.child_name),
        "country": person.country or "",
        "timezone": person.timezone or "",
        "since": person.created_at.strftime("%d %b %Y"),
    }


def export_documents(
    repo: Repository, person: Person, library: DialogueLibrary, now: datetime, sections: Iterable[ExportSection] = ()
) -> list[Document]:
    """The journal as a readable document, and everything else as JSON; ``sections`` add
    what features keep (check-ins add their settings and moods)."""
    entries = list(reversed(repo.journal(person)))  # oldest first reads like a diary

    def title(dialogue_id: str) -> str:
        compiled = library.get(dialogue_id)
        return compiled.script.title if compiled else dialogue_id

    def words(key: str, **extra: object) -> str:  # the document's own words, from texts.yaml
        return library.texts.plain(key, {"name": person.name or ""} | extra)

    def heading(key: str) -> list[str]:
        text = words(key)
        return [text, "=" * len(text), ""]

    lines = [words("export_title"), words("export_date", at=f"{now:%d %B %Y, %H:%M}"), ""]
    plan = [e for e in entries if e.dialogue_id == SAFETY_PLAN]
    if plan:
        lines += heading("export_safety_plan")
        latest: dict[str, str] = {}
        for entry in plan:
            latest[entry.key] = entry.text
        for key, text in latest.items():
            lines += [key.replace("_", " ").capitalize() + ":", text, ""]
    lines += heading("export_journal")
    if not entries:
        lines.append(words("export_empty"))
    for entry in entries:
        lines.append(f"{entry.created_at:%d %b %Y %H:%M} · {title(entry.dialogue_id)} · {entry.key.replace('_', ' ')}")
        if entry.question:
            lines.append(words("export_question", question=entry.question))
        lines += [entry.text, ""]
    sessions = [
        {
            "dialogue": s.dialogue_id,
            "status": s.status,
            "step": s.state,
            "started_at": s.started_at.isoformat(),
            "finished_at": s.finished_at.isoformat() if s.finished_at else None,
        }
        for s in person.sessions
    ]
    record: dict[str, object] = {
        "exported_at": now.isoformat(),
        "profile": {
            "id": person.external_id,
            "created_at": person.created_at.isoformat(),
            "last_seen_at": person.last_seen_at.isoformat(),
            "name": person.name,
            "inner_child_name": person.child_name,
            "country": person.country,
            "timezone": person.timezone,
            "adult": person.adult,
            "consent_version": person.consent_version,
            "consented_at": person.consented_at.isoformat() if person.consented_at else None,
            "last_safety_level": person.last_safety_level,
            "last_safety_at": person.last_safety_at.isoformat() if person.last_safety_at else None,
        },
        "dialogue_sessions": sessions,
        "journal": [
            {"dialogue": e.dialogue_id, "key": e.key, "question": e.question, "text": e.text, "created_at": e.created_at.isoformat()}
            for e in entries
        ],
    }
    files: list[Document] = []
    for section in sections:
        part = section(repo, person, library, now)
        record.update(part.record)
        if part.lines:
            lines += ["", *part.lines]
        files += part.documents
    text = "\n".join(lines).rstrip() + "\n"
    return [
        Document("innerchild-journal.txt", text.encode("utf-8"), "text/plain"),
        Document("innerchild-data.json", json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"), "application/json"),
        *files,
    ]


def operator_stats(repo: Repository, now: datetime) -> dict[str, object]:
    """Counts only: people, active people, dialogues, check-ins, safety referrals by level."""
    people = people_counts(repo, active_since=now - timedelta(days=30))
    totals = counts_since(repo, None)
    week = counts_since(repo, (now - timedelta(days=7)).date())
    return {"people": people, "totals": totals, "week": week}
