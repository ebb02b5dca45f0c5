"""assess(): one message (plus the levels of the previous ones) -> Assessment.

Pipeline: normalise -> find idioms -> run every phrase rule -> apply scopes
(negation, idiom, other person, fiction, past) -> combine signals (levels.py)
-> escalate with the recent levels. Pure function of its inputs; keeps no
state and never logs or stores the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from . import scopes as sc
from .levels import AMPLIFIER_ROLES, SELF_RISK, Assessment, Level, Match, escalate, unique
from .lexicon import Lexicon, Rule, load

MAX_CHARS = 4000  # longer messages are assessed on their first and last parts


@dataclass
class _Hit:
    rule: Rule
    start: int  # offsets in the normalised text
    end: int
    level: int
    category: str
    hedged: bool = False  # a hedged negation kept it ("not right now"): never boosted to crisis


def _cancelled_after(rule: Rule, text: str, e: int) -> bool:
    """not_before: tried right after the match, and again after one comma ("goodbye forever, twitter")."""
    nb = rule.not_before
    if nb is None:
        return False
    return bool(nb.match(text, e) or (text.startswith(" .", e) and nb.match(text, e + 2)))


def _unless_near(rule: Rule, text: str, s: int, e: int) -> bool:
    """An `unless` phrase in or within `rule.within` words of [s, e)."""
    if rule.unless is None:
        return False
    lo = s
    for _ in range(rule.within):
        lo = text.rfind(" ", 0, lo - 1) if lo > 1 else 0
    hi = e
    for _ in range(rule.within):
        nxt = text.find(" ", hi + 1)
        hi = nxt if nxt != -1 else len(text)
    return rule.unless.search(text, max(lo, 0), hi + 1) is not None


def _find_together(rule: Rule, text: str) -> list[_Hit]:
    """All parts, in any order, inside a window of `rule.within` words."""
    spans = []
    for part in rule.parts:
        found = [(m.start(), m.end()) for m in part.finditer(text)]
        if not found:
            return []
        spans.append(found)
    hits: list[_Hit] = []
    for s0, e0 in spans[0]:
        best = None
        window = [(s0, e0)]
        for found in spans[1:]:
            near = [(s, e) for s, e in found if text.count(" ", min(s, s0), max(e, e0)) < rule.within]
            if not near:
                window = []
                break
            window.append(min(near, key=lambda se: abs(se[0] - s0)))
        if not window:
            continue
        s, e = min(w[0] for w in window), max(w[1] for w in window)
        if _unless_near(rule, text, s, e):
            continue
        if rule.not_after is not None and rule.not_after.search(text, 0, s):
            continue
        if _cancelled_after(rule, text, e):
            continue
        best = _Hit(rule, s, e, rule.level, rule.category)
        hits.append(best)
        break  # one hit per together rule is enough
    return hits


def _find(lex: Lexicon, text: str, tokens: frozenset[str] = frozenset()) -> list[_Hit]:
    hits: list[_Hit] = []
    for rule in lex.rules:
        # Skip a rule when no word its matches can start with is in the message.
        if tokens and any(f is not None and f.isdisjoint(tokens) for f in rule.first):
            continue
        if rule.regex is None:
            hits += _find_together(rule, text)
            continue
        for m in rule.regex.finditer(text):
            s, e = m.start(), m.end()
            if _cancelled_after(rule, text, e):
                continue
            if rule.not_after is not None and rule.not_after.search(text, 0, s):
                continue
            if _unless_near(rule, text, s, e):
                continue
            hits.append(_Hit(rule, s, e, rule.level, rule.category))
    return hits


def _apply_scopes(lex: Lexicon, norm, hits: list[_Hit]) -> list[_Hit]:
    scopes = lex.scopes
    text = norm.text
    idioms = [(m.start(), m.end()) for m in lex.idioms.finditer(text)]
    # "goodbye everyone, see you monday": a plain farewell, not a last one.
    continuing = scopes.continuity.search(text) is not None
    cls = sc.clauses(norm, scopes)
    kept: list[_Hit] = []
    live: list[_Hit] = []
    negated_spans: list[tuple[int, int]] = []
    for h in hits:
        # An idiom overlapping the match cancels it ("this homework is killing
        # me"), unless the rule deliberately builds on the figure: the idiom lies
        # inside a longer match ("i'm just DEAD WEIGHT to everybody").
        if any(s < h.end and h.start < e and not (h.start <= s and e <= h.end and h.end - h.start > e - s)
               for s, e in idioms):
            continue
        if continuing and h.category == "farewell":
            continue
        neg = sc.negation(norm, sc.clause_of(cls, h.start), h.start, h.end, scopes, governs=h.rule.role == "signal")
        if neg == "cancel":
            negated_spans.append((h.start, h.end))
        else:
            if neg == "hedge":  # "I might not kill myself": still talk of it, asked about
                h.level = min(h.level, Level.CONCERN)
                h.hedged = True
            live.append(h)
    for h in live:
        # A phrase inside a longer negated phrase is negated too:
        # "never thought about how to kill myself".
        if any(s <= h.start and h.end <= e for s, e in negated_spans):
            continue
        clause = sc.clause_of(cls, h.start)
        if h.rule.role != "signal":
            kept.append(h)
            continue
        if h.rule.person == "other" or (h.rule.person == "self" and sc.about_other(norm, clause, h.start, h.end, scopes)):
            if sc.fiction(norm, clause, scopes):
                continue
            h.category = "someone_else_at_risk"
            h.level = min(h.level, Level.CONCERN) if h.rule.person == "self" else h.level
        if h.category != "someone_else_at_risk" and sc.about_past(norm, clause, scopes):
            h.category = "past_event"
            h.level = Level.DISTRESS if h.level >= Level.CONCERN else Level.NONE
        kept.append(h)
    return kept


def _retracted(lex: Lexicon, text: str) -> bool:
    """A retraction marker not itself negated ("not kidding", "no jk")."""
    for m in lex.scopes.retraction.finditer(text):
        before = text[: m.start()].split()[-1:]
        if not before or before[0] not in lex.scopes.negation_cues:
            return True
    return False


def _combine(lex: Lexicon, norm, hits: list[_Hit]) -> tuple[Level, list[str], list[_Hit], bool]:
    signals = [h for h in hits if h.rule.role == "signal"]
    amps = [h for h in hits if h.rule.role in AMPLIFIER_ROLES]
    weak_farewells = [h for h in hits if h.rule.role == "farewell_weak"]
    if not amps and not weak_farewells and any(h.rule.hyperbole for h in signals) \
            and _retracted(lex, norm.text):
        # "kill me now, the wifi died lol jk": a phrase often used as hyperbole,
        # taken back in the same message, with no time, plan, means or farewell.
        # Only hyperbole-prone phrases are dropped; any other signal stays.
        taken_back = [h for h in signals if h.rule.hyperbole]
        signals = [h for h in signals if not any(o.start < h.end and h.start < o.end for o in taken_back)]
    level = Level(max((h.level for h in signals), default=0))
    # One phrase, one reading: a weaker signal lying inside a stronger one
    # ("i want to die" is intent, not also passive ideation) is not reported.
    contributing = [
        h for h in signals
        if h.level > Level.NONE
        and not any(o.level > h.level and o.start < h.end and h.start < o.end for o in signals)
    ]
    self_risk = Level(max((h.level for h in signals if h.category in SELF_RISK and not h.hedged), default=0))
    abuse = Level(max((h.level for h in signals if h.category == "abuse_danger"), default=0))
    time_or_plan = [h for h in amps if h.rule.role in ("time", "plan")]
    # A means named inside a past event ("years ago i swallowed a bottle of
    # pills") is part of that memory, not a means at hand now.
    past = [h for h in signals if h.category == "past_event"]
    means = [h for h in amps if h.rule.role == "means"
             and not any(p.start <= h.start and h.end <= p.end for p in past)]
    boosted = False
    if self_risk >= Level.CONCERN and (time_or_plan or means):
        level, boosted = Level.CRISIS, True
        contributing += time_or_plan + means
    elif self_risk == Level.DISTRESS or (level == Level.DISTRESS and means):
        if means:
            level, boosted = max(level, Level.CONCERN), True
            contributing += means
    plans = [h for h in amps if h.rule.role == "plan"]
    if weak_farewells and (len({h.start for h in weak_farewells}) >= 2 or self_risk >= Level.CONCERN or plans):
        # "everything's ready for tonight. thank you for trying": a plan next to a farewell.
        contributing += plans
        level, boosted = Level.CRISIS, True
        contributing += weak_farewells
    if level < Level.CONCERN and means and plans:
        # "I have the pills here, I'm ready": a plan and a means, no words of intent.
        level, boosted = Level.CONCERN, True
        contributing += means + plans
    if abuse >= Level.CONCERN and time_or_plan:
        level, boosted = Level.CRISIS, True
        contributing += time_or_plan
    if level == Level.CRISIS and not boosted and any(
        t in lex.scopes.laughter and (i == 0 or norm.tokens[i - 1] not in lex.scopes.negation_cues)
        for i, t in enumerate(norm.tokens)
    ):
        crisis = [h for h in signals if h.level == Level.CRISIS]
        if crisis and all(h.rule.hyperbole for h in crisis):
            level = Level.CONCERN
    categories = [h.category for h in sorted(contributing, key=lambda h: -h.level)]
    has_amplifier = bool(amps or weak_farewells)
    return level, categories, contributing, has_amplifier


def assess(text: str, *, recent: Sequence[Assessment] = (), language: str = "en") -> Assessment:
    """Assess one message. `recent`: the person's previous assessments, newest last."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    lex = load(language)
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = text[:half] + "\n" + text[-half:]
    norm = lex.normaliser(text)
    hits = _apply_scopes(lex, norm, _find(lex, norm.text, frozenset(norm.tokens)))
    level, categories, contributing, has_amp = _combine(lex, norm, hits)
    level = escalate(level, categories, has_amp, recent)
    matches = []
    for h in sorted(contributing, key=lambda h: h.start):
        s, e = norm.original_span(h.start, h.end)
        matches.append(Match(h.category, h.rule.id, s, e))
    if level == Level.NONE:
        return Assessment(Level.NONE, unique(h.category for h in hits if h.category == "past_event"), ())
    return Assessment(level, unique(categories), tuple(dict.fromkeys(matches)))
