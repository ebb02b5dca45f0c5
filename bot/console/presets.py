"""What a writer asks of a preview, read and checked before anything plays.

``innerchild dialogues play ID --step STEP --set KEY=VALUE ...``: each mistake (an unknown
id or step, a ``--set`` that is not ``KEY=VALUE``, a variable the script does not have) is
one ``PresetError`` whose message is the line the command prints, naming what would be right,
so a writer fixes it without opening the code.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..domain import Unreadable
from ..engine import DialogueLibrary, Script
from ..engine.machine import CompiledScript
from ..profile import NAME_LIMIT, parse_country, parse_name

VARS = "vars."
JOURNAL_ALIASES = ("journal.", "answers.")  # copied from a template, they mean the bare key
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class PresetError(ValueError):
    """A preview request that cannot play; the message is one line for the writer."""


@dataclass(frozen=True)
class Presets:
    """The ``--set`` values: journal entries by key, and script variables as typed."""

    journal: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)


def parse_sets(items: Iterable[str]) -> Presets:
    """``KEY=VALUE`` (also ``journal.KEY=`` or ``answers.KEY=``) and ``vars.NAME=VALUE``."""
    presets = Presets()
    for item in items:
        key, equals, value = item.partition("=")
        key = key.strip()
        if not equals or not key:
            raise PresetError(f"--set '{item}': write KEY=VALUE (a journal value) or vars.NAME=VALUE (a script variable)")
        target = presets.journal
        if key.startswith(VARS):
            key, target = key[len(VARS):], presets.variables
        else:
            key = next((key[len(a):] for a in JOURNAL_ALIASES if key.startswith(a)), key)
        if not _NAME.match(key):
            raise PresetError(f"--set '{item}': '{key}' is not a key (lower-case letters, digits and _, as in journal.need_ask or vars.when)")
        target[key] = value
    return presets


def find_dialogue(library: DialogueLibrary, dialogue_id: str) -> CompiledScript:
    """The script to play; else the close ids (a typo), or every id."""
    compiled = library.get(dialogue_id)
    if compiled is not None:
        return compiled
    known = sorted(library.scripts)
    close = difflib.get_close_matches(dialogue_id, known, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(known)}"
    raise PresetError(f"no dialogue '{dialogue_id}' in {library.folder} ({hint})")


def check_step(script: Script, step: str | None) -> None:
    if step is not None and step not in script.steps:
        raise PresetError(f"{script.id} has no step '{step}' (its steps: {', '.join(script.steps)})")


def typed_variables(script: Script, raw: dict[str, str]) -> dict[str, object]:
    """Each ``vars.NAME`` as the type the script gives it (its ``vars:`` default, or the
    value a button sets): ``true``/``false`` for a yes-or-no, a number for a number."""
    examples = variable_examples(script)
    typed: dict[str, object] = {}
    for name, value in raw.items():
        if name not in examples:
            known = ", ".join(sorted(examples)) or "none"
            raise PresetError(f"{script.id} has no variable '{name}' (its variables: {known})")
        typed[name] = _as_type_of(examples[name], value, f"vars.{name}")
    return typed


def variable_examples(script: Script) -> dict[str, object]:
    """Every variable the script declares or a button sets, with a value showing its type."""
    examples: dict[str, object] = {}
    for step in script.steps.values():
        for button in step.buttons:
            for key, value in button.sets:
                examples.setdefault(key, value)
    return examples | dict(script.variables)


def _as_type_of(example: object, value: str, what: str) -> object:
    if isinstance(example, bool):
        word = value.strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise PresetError(f"{what} is true or false, not '{value}'")
    if isinstance(example, int | float):
        try:
            return type(example)(value.strip())
        except ValueError:
            raise PresetError(f"{what} is a number, not '{value}'") from None
    return value


def unread_keys(script: Script, journal_reads: frozenset[str], journal: dict[str, str]) -> list[str]:
    """Journal keys set that this script neither reads (journal.KEY) nor asks (answers.KEY):
    a likely typo, though a dialogue it visits may read them."""
    return [key for key in journal if key not in journal_reads and key not in script.journal_keys]


def profile_value(option: str, value: str | None) -> str | None:
    """``--name``, ``--child-name`` or ``--country``, read as onboarding reads them."""
    if value is None:
        return None
    try:
        return parse_country(value) if option == "--country" else parse_name(value)
    except Unreadable:
        if option == "--country":
            raise PresetError(f"--country '{value}': not a country I know (a two-letter code such as GB, or its name)") from None
        raise PresetError(f"{option}: a name of 1 to {NAME_LIMIT} characters") from None
