"""Decide what a phrase match means in its sentence.

Why: the same words carry opposite meanings depending on scope. "I want to
die" is a crisis; "I don't want to die, I want to live" is not; "I'm not
suicidal but I wish I wouldn't wake up" is (the negation is in another
clause); "I used to cut" is about the past; "my friend wants to die" is about
someone else; "this homework is killing me" is an idiom. These checks work on
the normalised token string and only look inside the match's clause.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    for tok, pos in zip(norm.tokens, norm.starts):
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


def _words_before(norm: Normalised, clause: Clause, pos: int) -> list[str]:
    return norm.text[clause.start : pos].split()


def negated(norm: Normalised, clause: Clause, start: int, scopes: Scopes) -> bool:
    """A negation cue shortly before the match, in the same clause, cancels it.

    It does not when the cue is followed by a word that turns it around ("can
    not STOP thinking about ..."), preceded by "why" ("why not just ..."), or
    when a new subject comes between the cue and the match ("not okay I want
    to ...").
    """
    words = _words_before(norm, clause, start)
    following = norm.text[start:].split()
    n = len(words)
    for i in range(n - 1, max(n - 1 - scopes.negation_window, -1), -1):
        w = words[i]
        if w in scopes.negation_cues:
            after = words[i + 1] if i + 1 < n else (following[0] if following else "")
            before = set(words[max(i - 2, 0) : i])
            return not (after in scopes.negation_non_cancel_after or before & scopes.negation_non_cancel_before)
        if w in scopes.subject_words:
            return False
    return False


def about_past(norm: Normalised, clause: Clause, scopes: Scopes) -> bool:
    """A distant-past marker and no recent marker in the clause; else the message."""
    seg = " " + norm.text[clause.start : clause.end].strip() + " "
    past = scopes.past.search(seg)
    recent = scopes.recent.search(seg)
    if past or recent:
        return bool(past) and not recent
    return bool(scopes.past.search(norm.text)) and not scopes.recent.search(norm.text)


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
