"""Decide what a phrase match means in its sentence.

Why: the same words carry opposite meanings depending on scope. "I want to
die" is a crisis; "I don't want to die, I want to live" is not; "I'm not
suicidal but I wish I wouldn't wake up" is (the negation is in another
clause); "I used to cut" is about the past; "my friend wants to die" is about
someone else; "this homework is killing me" is an idiom. These checks work on
the normalised token string and only look inside the match's clause.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .lazy_pattern import LazyPattern
from .lexicon import Scopes
from .normalise import Normalised


@dataclass(frozen=True)
class Clause:
    start: int  # char offset in Normalised.text
    end: int


def clauses(norm: Normalised, scopes: Scopes) -> list[Clause]:
    """Split at punctuation tokens and at clause-break words ("but")."""
    out: list[Clause] = []
    text = norm.text
    start = 1
    for tok, pos in zip(norm.tokens, norm.starts, strict=False):
        if tok == "." or tok in scopes.clause_breaks:
            if pos > start:
                out.append(Clause(start, pos - 1))
            start = pos + len(tok) + 1
    if start < len(text) - 1:
        out.append(Clause(start, len(text) - 1))
    return out or [Clause(1, max(len(text) - 1, 1))]


def clause_of(cls: list[Clause], pos: int) -> Clause:
    for c in cls:
        if c.start <= pos <= c.end:
            return c
    return cls[-1]


# How far back in a clause a scope looks (characters): a very long clause
# without punctuation must not make every match rescan it from the start.
_LOOK_BACK = 240


def _words_before(norm: Normalised, clause: Clause, pos: int) -> list[str]:
    lo = max(clause.start, pos - _LOOK_BACK)
    words = norm.text[lo:pos].split()
    if lo > clause.start and words:
        words = words[1:]  # a word cut in half
    return words


def negation(
    norm: Normalised, clause: Clause, start: int, end: int, scopes: Scopes, governs: bool = True
) -> str | None:
    """How a negation before the match, in the same clause, reads: "cancel", "hedge" or None.

    - cancel: a cue shortly before the match ("I don't want to die", "I'm not
      going to kill myself"), or a cue on the desire that governs the whole
      wish, however far back in the clause ("I never want to go jump off a
      bridge and kill myself").
    - hedge: the negation leaves the door open ("I might not kill myself",
      "I'm not ready to", "I don't want to end it right now", "I don't really
      want to die"): the match stays, capped at concern by the caller.
    - None: no cue; or the cue is turned around ("can not STOP thinking
      about ...", "why not just ..."); or a new subject comes between the cue
      and the match ("not okay I want to ..."), or the match names its own
      subject.
    """
    words = _words_before(norm, clause, start)
    following = norm.text[start : start + 40].split()[:1]
    if following and following[0] in scopes.subject_words:
        # The match names its own subject ("not okay, I want to die"): a cue
        # before that subject belongs to another clause.
        return None
    n = len(words)
    for i in range(n - 1, -1, -1):
        w = words[i]
        if w in scopes.subject_words:
            return None
        near = i >= n - scopes.negation_window
        gov = governs and i + 1 < n and words[i + 1] in scopes.negation_governs
        if w in scopes.negation_cues and (near or gov):
            after = words[i + 1] if i + 1 < n else (following[0] if following else "")
            before = set(words[max(i - 2, 0) : i])
            if after in scopes.negation_non_cancel_after or before & scopes.negation_non_cancel_before:
                return None
            if (i > 0 and words[i - 1] in scopes.negation_hedge_before) or after in scopes.negation_hedge_after:
                return "hedge"
            tail = " " + norm.text[end : min(clause.end, end + _LOOK_BACK)].strip() + " "
            if scopes.negation_hedge_following.match(tail):
                return "hedge"
            return "cancel"
    return None


def negated(norm: Normalised, clause: Clause, start: int, scopes: Scopes, end: int | None = None) -> bool:
    """True when a negation cancels the match (see negation())."""
    return negation(norm, clause, start, start if end is None else end, scopes) == "cancel"


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _past_marker(pattern: LazyPattern, text: str) -> bool:
    """A past marker; a year counts only when it is before the current one."""
    this_year = datetime.date.today().year
    for m in pattern.finditer(text):
        year = _YEAR.search(m.group(0))
        if year is None or int(year.group(0)) < this_year:
            return True
    return False


def about_past(norm: Normalised, clause: Clause, scopes: Scopes) -> bool:
    """A distant-past marker and no recent marker in the clause; else the message."""
    seg = " " + norm.text[clause.start : clause.end].strip() + " "
    past = _past_marker(scopes.past, seg)
    recent = scopes.recent.search(seg)
    if past or recent:
        return past and not recent
    return _past_marker(scopes.past, norm.text) and not scopes.recent.search(norm.text)


def recent_in(norm: Normalised, clause: Clause, scopes: Scopes) -> bool:
    """A recent marker ("again", "last night", "still") in the clause."""
    return bool(scopes.recent.search(" " + norm.text[clause.start : clause.end].strip() + " "))


def about_other(norm: Normalised, clause: Clause, start: int, end: int, scopes: Scopes) -> bool:
    """Scanning back from the match within its clause, who is the subject?

    The match itself may name the person ("kill myself" is first person
    whatever came before).
    """
    inside = norm.text[start:end].split()
    if any(w in ("myself", "me", "my", "i") for w in inside):
        return False
    for w in reversed(_words_before(norm, clause, start)):
        if w in scopes.first_person:
            return False
        if w in scopes.third_person:
            return True
    return False


def fiction(norm: Normalised, clause: Clause, scopes: Scopes) -> bool:
    return bool(scopes.fiction.search(" " + norm.text[clause.start : clause.end].strip() + " "))
