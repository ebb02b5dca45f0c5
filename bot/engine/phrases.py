"""Stock phrases: the same words of four or more in many scripts.

A person who does several conversations hears "Of course. This will be here whenever" or
"feet on the floor" again and again, and a companion that repeats itself sounds like a
recording. This is a warning, not a problem: a phrase may be worth repeating, and the
operator decides; ``dialogues check`` prints it after its verdict, and the shipped folder
keeps none (tests/engine/test_shipped_scripts_listen.py; the rule itself in
tests/engine/test_listening_checks.py).

The writer's own words count: the text of every bubble of a script (names in ``{{ }}`` and
tags left out, so a phrase is not made across them), once per script however often the
script says it. Shared ``templates/*.j2`` files are said on purpose wherever they are used
and are not counted, nor are the support cards: someone in crisis should meet the same
clear words ("your local emergency number") on every card. Grammar that carries no voice
("would you like to") is not a stock phrase (``GLUE``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from .script import Problem, Script

PHRASE_WORDS = 4  # a phrase is this many words or more
MOST_SCRIPTS = 5  # more scripts than this with one phrase is a stock phrase

_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]+>", re.S)
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_BREAK = re.compile(r"[.!?:;()\"“”\n]")

UNCOUNTED_PHASES = ("support",)
GLUE = frozenset(
    tuple(p.split())
    for p in ("would you like to", "you don't have to", "you don't need to", "if you'd like to", "do you want to", "you'd like to", "if you want to")
)

Gram = tuple[str, ...]


def _runs(text: str) -> Iterable[list[str]]:
    """The words of a text, in runs a phrase may not cross (a sentence end, a name or tag)."""
    for piece in _CODE.split(text):
        for clause in _BREAK.split(piece.lower()):
            words = [w.replace("’", "'") for w in _WORD.findall(clause)]
            if words:
                yield words


def _grams(script: Script) -> dict[Gram, int]:
    """Every run of ``PHRASE_WORDS`` words the script says, with the line it is first on."""
    found: dict[Gram, int] = {}
    for step in script.steps.values():
        for bubble in step.say:
            if bubble.source is None:
                continue
            for words in _runs(bubble.source):
                for i in range(len(words) - PHRASE_WORDS + 1):
                    found.setdefault(tuple(words[i : i + PHRASE_WORDS]), bubble.text_line or bubble.line)
    return found


def repeated_phrases(scripts: Mapping[str, Script], most: int = MOST_SCRIPTS) -> list[Problem]:
    """One warning per stock phrase, at its first place, naming the scripts that say it.
    Overlapping runs said by the same scripts are joined into one longer phrase."""
    where: dict[Gram, dict[str, int]] = defaultdict(dict)
    for script in scripts.values():
        if script.phase in UNCOUNTED_PHASES:
            continue
        for gram, line in _grams(script).items():
            if gram not in GLUE:
                where[gram][script.id] = line
    common = {gram: ids for gram, ids in where.items() if len(ids) > most}
    warnings: list[Problem] = []
    for phrase, ids in _joined(common):
        first = min(ids)
        script = scripts[first]
        names = ", ".join(sorted(ids))
        warnings.append(Problem(script.path, ids[first], f"warning: '{' '.join(phrase)}' is in {len(ids)} scripts ({names}): say it in other words in some of them"))
    return sorted(warnings, key=lambda p: (str(p.path), p.line, p.message))


def _joined(common: dict[Gram, dict[str, int]]) -> list[tuple[Gram, dict[str, int]]]:
    """Chain grams that overlap by all but one word and are said by the same scripts."""
    by_start: dict[tuple[Gram, frozenset[str]], Gram] = {(g[:-1], frozenset(ids)): g for g, ids in common.items()}
    has_before = {by_start[(g[1:], frozenset(ids))] for g, ids in common.items() if (g[1:], frozenset(ids)) in by_start}
    out: list[tuple[Gram, dict[str, int]]] = []
    for gram, ids in common.items():
        if gram in has_before:
            continue  # part of a longer phrase, reported from its start
        phrase, key, seen = gram, frozenset(ids), {gram}
        nxt = by_start.get((phrase[-(PHRASE_WORDS - 1):], key))
        while nxt is not None and nxt not in seen:
            seen.add(nxt)
            phrase = phrase + nxt[-1:]
            nxt = by_start.get((nxt[1:], key))
        out.append((phrase, ids))
    return out
