"""Typed answers at a step of buttons: what "no", "nope, not really" or "I'm not safe" means.

Why: a person at "Are you safe right now?" may type instead of tapping, and the worst
moment to answer "please tap a button" is that one. Operators name what a button means
(``means: [no, "not safe"]``, words from ``dialogues/meanings.yaml`` or phrases of their
own) and the engine presses it when the words say so.

The reading is careful rather than clever, because a wrong guess here is costly:

- a whole message equal to a button's label presses it;
- a phrase counts where it stands on its own words, within one clause; a one-word phrase
  ("no", "yes") only among the first words of the message, and a one-letter phrase ("y")
  only as the whole message;
- a phrase with a negation shortly before it in its clause ("don't feel safe"), or right
  after it ("i am not"), does not count;
- a phrase inside a longer one that matched ("safe" in "not safe") does not count;
- every meaning in the file is listened for on every step: when the words say something no
  button of the step means (a lone word such as "ok" yields to a longer phrase a button means) ("not sure" where only yes and no are offered), or point to two
  buttons, they are not understood, and the step's ``otherwise`` decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .script import Problem
from .yamlnodes import LineDict, LineList, YamlError, load_with_lines

MEANINGS_FILE = "meanings.yaml"
NEGATORS = frozenset({"not", "no", "never", "dont", "doesnt", "didnt", "isnt", "arent", "cant", "cannot", "wont", "aint", "nothing", "hardly"})
NEGATION_WINDOW = 3  # words before a phrase, in its clause
EARLY_WORDS = 3  # a one-word phrase counts only among the first words of a message
CLAUSE = "|"  # what punctuation becomes: phrases and negations never reach across it
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped ("i'm" = "im"), punctuation a clause mark, spaces single."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['’‘`´]", "", text)
    text = re.sub(r"[.,;:!?()\[\]{}\"“”\n\r]+", f" {CLAUSE} ", text)
    text = re.sub(r"[^\w\s|]", " ", text)  # emoji, dashes, symbols
    return " ".join(text.split())


def same_words(typed: str, label: str) -> bool:
    """Whether ``typed`` is ``label`` word for word (capitals, apostrophes, punctuation aside)."""
    return normalise(typed).replace(CLAUSE, " ").split() == normalise(label).replace(CLAUSE, " ").split()


@dataclass(frozen=True)
class Choice:
    """One button as typed answers reach it: its index on the step, label and phrases."""

    index: str
    label: str
    phrases: tuple[str, ...]


class Meanings:
    """The named meanings of ``meanings.yaml``: name -> normalised phrases."""

    def __init__(self, table: Mapping[str, tuple[str, ...]] | None = None):
        self.table = dict(table or {})
        self._everything = tuple(sorted({p for phrases in self.table.values() for p in phrases}))

    def __contains__(self, name: str) -> bool:
        return name in self.table

    def phrases(self, entries: Iterable[str]) -> tuple[str, ...]:
        """A button's ``means`` as phrases: a meaning's name stands for its phrases."""
        found: list[str] = []
        for entry in entries:
            found.extend(self.table.get(entry, (normalise(entry),)))
        return tuple(dict.fromkeys(p for p in found if p))

    def heard(self, text: str, name: str) -> bool:
        """Whether any phrase of meaning ``name`` counts in ``text`` ("are you a real person?")."""
        norm = normalise(text)
        return any(_found(norm, phrase) for phrase in self.table.get(name, ()))

    def mentions(self, text: str, entries: Iterable[str]) -> int:
        """How much of ``entries`` (meanings or phrases) the words mention anywhere, not only
        near the start as at a step ("lately i'm so tired" mentions "tired"), with negations
        read as at a step ("i'm not tired" does not): the words of the phrases found, so a
        longer phrase ("letter to my younger self") outweighs a word ("younger")."""
        norm = normalise(text)
        return sum(len(phrase.split()) for phrase in self.phrases(entries) if _found(norm, phrase, anywhere=True))

    def understand(self, text: str, choices: Iterable[Choice]) -> str | None:
        """The index of the one button the words mean, or None when they mean none or several."""
        norm = normalise(text)
        if not norm or norm == CLAUSE:
            return None
        choices = list(choices)
        for choice in choices:
            if choice.label and same_words(text, choice.label):
                return choice.index
        spans: list[tuple[int, int, str | None]] = []
        claimed: set[str] = set()
        for choice in choices:
            for phrase in choice.phrases:
                claimed.add(phrase)
                spans.extend((start, end, choice.index) for start, end in _found(norm, phrase))
        for phrase in self._everything:
            if phrase not in claimed:
                spans.extend((start, end, None) for start, end in _found(norm, phrase))
        kept = [s for s in spans if not any(_inside(s, other) for other in spans)]
        if any(index is not None and " " in norm[start:end] for start, end, index in kept):
            # "ok i called someone": a one-word filler no button means yields to a phrase one does
            kept = [(start, end, index) for start, end, index in kept if index is not None or " " in norm[start:end]]
        meant = {index for _, _, index in kept}
        if len(meant) != 1:
            return None
        return meant.pop()  # None when the only meaning found is one no button has


def _found(norm: str, phrase: str, *, anywhere: bool = False) -> list[tuple[int, int]]:
    """Where ``phrase`` counts in the normalised message (see the module's rules);
    ``anywhere``: a one-word phrase counts late in the message too."""
    if len(phrase) == 1:
        return [(0, len(norm))] if norm.replace(CLAUSE, "").strip() == phrase else []
    if phrase not in norm:
        return []  # most phrases of every meaning are looked for in each message: skip the regex
    spans = []
    for match in re.finditer(rf"(?<![\w]){re.escape(phrase)}(?![\w])", norm):
        before = norm[: match.start()].split()
        if " " not in phrase and not anywhere and len([w for w in before if w != CLAUSE]) >= EARLY_WORDS:
            continue
        clause = before[len(before) - before[::-1].index(CLAUSE):] if CLAUSE in before else before
        if phrase.split()[0] not in NEGATORS and NEGATORS & set(clause[-NEGATION_WINDOW:]):
            continue
        after = norm[match.end():].split()[:1]
        if after and after[0] in NEGATORS and phrase.split()[-1] not in NEGATORS:
            continue  # "i am not", "i feel not okay"
        spans.append((match.start(), match.end()))
    return spans


def _inside(span: tuple[int, int, str | None], other: tuple[int, int, str | None]) -> bool:
    """Whether ``span`` lies within the longer ``other``."""
    return other[0] <= span[0] and span[1] <= other[1] and (other[1] - other[0]) > (span[1] - span[0])


def load_meanings(folder: Path) -> tuple[Meanings, list[Problem]]:
    """Read ``meanings.yaml`` (optional: without it only labels are understood)."""
    path = folder / MEANINGS_FILE
    if not path.exists():
        return Meanings(), []
    try:
        data, found = load_with_lines(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        return Meanings(), [Problem(path, exc.problem.line, exc.problem.message)]
    except (OSError, UnicodeDecodeError) as exc:
        return Meanings(), [Problem(path, 1, f"cannot read the file: {exc}")]
    problems = [Problem(path, p.line, p.message) for p in found]
    if not isinstance(data, LineDict):
        return Meanings(), problems + [Problem(path, 1, "meanings.yaml maps a name to a list of phrases, e.g. no: [no, nope, nah]")]
    table: dict[str, tuple[str, ...]] = {}
    for name, phrases in data.items():
        line = data.line_of(name)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(Problem(path, line, f"meaning name '{name}' uses lower-case letters, digits and _ only"))
            continue
        if not isinstance(phrases, LineList) or not phrases or not all(isinstance(p, str) for p in phrases):
            problems.append(Problem(path, line, f"'{name}' needs a list of phrases in quotes, e.g. {name}: [\"no\", \"nope\"]"))
            continue
        table[name] = tuple(dict.fromkeys(normalise(p) for p in phrases if normalise(p)))
    return Meanings(table), problems
