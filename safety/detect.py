"""assess(): one message (plus the levels of the previous ones) -> Assessment.

Pipeline: normalise -> find idioms -> run every phrase rule -> apply scopes
(negation, idiom, other person, fiction, past) -> combine signals (levels.py)
-> read together with the previous message when a thought was split over
two messages (_with_previous) -> escalate with the recent levels. Pure
function of its inputs; keeps no state and never logs or stores the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from . import scopes as sc
from .levels import AMPLIFIER_ROLES, HARM_FROM_OTHERS_CATEGORIES, SELF_RISK, Assessment, Level, Match, escalate_with_reason, unique
from .lazy_pattern import LazyPattern
from .lexicon import Lexicon, Rule, load
from .model.classifier import load as load_model
from .model.layer import Raise, decide
from .normalise import Normalised

# The longest message the companion accepts is 16,000 characters (bot/companion.py
# MAX_TEXT; Telegram's own limit is 4,096): the whole of such a message is read.
# Anything longer (never accepted, but still read for safety first) is read on
# its first and last 8,192 characters.
MAX_CHARS = 4096 * 4
# A rule matching again and again in one message (a pasted wall of text) adds
# nothing after a few matches, and would make the scopes slow.
MAX_MATCHES_PER_RULE = 8
# Of the previous message, only its end can continue into this one.
PREVIOUS_CHARS = 600


@dataclass
class _Hit:
    rule: Rule
    start: int  # offsets in the normalised text
    end: int
    level: int
    category: str
    hedged: bool = False  # a hedged negation kept it ("not right now"): never boosted to crisis


# Sentences or windows of a long text, as (pos, endpos) ranges, and for each
# word the indexes of the ranges it is in (see _segments).
_Segments = tuple[list[tuple[int, int]], dict[str, list[int]]]
# The rules' reading of one message: (level, categories, contributing hits, has_amplifier).
_Reading = tuple[Level, list[str], list[_Hit], bool]


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


def _find_together(rule: Rule, text: str, segments: _Segments | None = None) -> list[_Hit]:
    """All parts, in any order, inside a window of `rule.within` words."""
    spans = []
    for i, part in enumerate(rule.parts):
        found: list[tuple[int, int]] = []
        for lo, hi in _windows(rule.first[i] if i < len(rule.first) else None, text, segments):
            found += [(m.start() + 1, m.end()) for m in part.finditer(text, lo, hi)]
        if not found:
            return []
        spans.append(sorted(set(found)))
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
        if rule.not_after is not None and rule.not_after.search(text, max(s - 200, 0), s):
            continue
        if _cancelled_after(rule, text, e):
            continue
        best = _Hit(rule, s, e, rule.level, rule.category)
        hits.append(best)
        break  # one hit per together rule is enough
    return hits


# Above this length (normalised characters) rules run sentence by sentence,
# each only on the sentences that hold a word it needs; identical sentences
# repeated in a wall of text are read once.
LONG_TEXT = 1200


# A sentence longer than this many words (a wall of text without full stops)
# is read in overlapping windows, so a rule only runs where its words are; a
# match of up to WINDOW_OVERLAP words is always inside one window.
WINDOW_WORDS = 72
WINDOW_OVERLAP = 24


def _segments(norm: Normalised) -> _Segments:
    """Sentences or windows of long sentences (pos, endpos ranges of
    norm.text, distinct texts only) and, for each word, those it is in."""
    ranges: list[tuple[int, int]] = []
    words: dict[str, list[int]] = {}
    seen: set[str] = set()
    text, toks, starts = norm.text, norm.tokens, norm.starts
    n = len(toks)

    def add(a: int, b: int) -> None:
        lo, hi = starts[a] - 1, starts[b - 1] + len(toks[b - 1]) + 1
        seg = text[lo:hi]
        if seg in seen:
            return
        seen.add(seg)
        idx = len(ranges)
        ranges.append((lo, hi))
        for t in set(toks[a:b]):
            words.setdefault(t, []).append(idx)

    a = 0
    for b in range(n + 1):
        if b < n and toks[b] != ".":
            continue
        if b - a > WINDOW_WORDS + WINDOW_OVERLAP:
            step = WINDOW_WORDS
            for w in range(a, b, step):
                add(w, min(w + WINDOW_WORDS + WINDOW_OVERLAP, b))
                if w + WINDOW_WORDS + WINDOW_OVERLAP >= b:
                    break
        elif b > a:
            add(a, b)
        a = b + 1
    return ranges, words


def _windows(need: frozenset[str] | None, text: str, segments: _Segments | None) -> list[tuple[int, int]]:
    """Where to run a regex: the whole text, or the sentences/windows that
    hold one of the words it needs."""
    if segments is None:
        return [(0, len(text))]
    ranges, words = segments
    if need is None:
        return ranges
    return [ranges[i] for i in sorted({i for w in need if w in words for i in words[w]})]


# For each lexicon: the rules that can always run (a part whose words cannot
# be told) and, for the others, which rules each word lets through.
_INDEX: dict[int, tuple[Lexicon, list[int], dict[str, list[int]]]] = {}


def _candidates(lex: Lexicon, tokens: frozenset[str]) -> list[Rule]:
    """The rules whose required words are all in the message, in file order.

    A rule is skipped when, for one of its parts, no word its matches must
    contain is in the message; an index from words to rules makes this one
    dictionary look-up per word instead of one test per rule.
    """
    entry = _INDEX.get(id(lex))
    if entry is None or entry[0] is not lex:
        always: list[int] = []
        by_word: dict[str, list[int]] = {}
        for i, rule in enumerate(lex.rules):
            firsts = [f for f in rule.first if f is not None]
            if not firsts:
                always.append(i)
                continue
            # Index on the most selective part; the others are checked below.
            for w in min(firsts, key=len):
                by_word.setdefault(w, []).append(i)
        entry = _INDEX[id(lex)] = (lex, always, by_word)
    _, always, by_word = entry
    idx = set(always)
    for t in tokens:
        found = by_word.get(t)
        if found:
            idx.update(found)
    rules = lex.rules
    return [
        rules[i] for i in sorted(idx)
        if not any(f is not None and f.isdisjoint(tokens) for f in rules[i].first)
    ]


def _find(lex: Lexicon, text: str, tokens: frozenset[str] = frozenset(), norm: Normalised | None = None) -> list[_Hit]:
    hits: list[_Hit] = []
    segments = _segments(norm) if norm is not None and len(text) > LONG_TEXT else None
    for rule in (_candidates(lex, tokens) if tokens else lex.rules):
        # Only rules with, for each part, a word its matches need in the message.
        if rule.regex is None:
            hits += _find_together(rule, text, segments)
            continue
        windows = _windows(rule.first[0], text, None if rule.crosses_break else segments)
        found = 0
        seen: set[tuple[int, int]] = set()
        for lo, hi in windows:
            for m in rule.regex.finditer(text, lo, hi):
                if found >= MAX_MATCHES_PER_RULE:
                    break
                s, e = m.start() + 1, m.end()  # the regex includes the space before the match
                if len(windows) > 1:
                    if (s, e) in seen:
                        continue
                    seen.add((s, e))
                if _cancelled_after(rule, text, e):
                    continue
                if rule.not_after is not None and rule.not_after.search(text, max(s - 200, 0), s):
                    continue
                if _unless_near(rule, text, s, e):
                    continue
                hits.append(_Hit(rule, s, e, rule.level, rule.category))
                found += 1
            if found >= MAX_MATCHES_PER_RULE:
                break
    return hits


def _apply_scopes(lex: Lexicon, norm: Normalised, hits: list[_Hit]) -> list[_Hit]:
    scopes = lex.scopes
    text = norm.text
    idioms = _near_hits(lex.idioms, text, hits)
    # "goodbye everyone, see you monday": a plain farewell, not a last one.
    continuing = any(h.category == "farewell" for h in hits) and scopes.continuity.search(text) is not None
    cls = sc.clauses(norm, scopes)
    kept: list[_Hit] = []
    live: list[_Hit] = []
    negated_spans: list[tuple[int, int]] = []
    past_cache: dict[tuple[int, int], bool] = {}
    for h in hits:
        # An idiom overlapping the match cancels it ("this homework is killing
        # me"), unless the rule deliberately builds on the figure: the idiom lies
        # inside a longer match ("i'm just DEAD WEIGHT to everybody"), or the
        # rule is an emotion word the figure does not take back ("my anxiety
        # is killing me").
        overlapping = [
            (s, e) for s, e in idioms
            if s < h.end and h.start < e and not (h.start <= s and e <= h.end and _builds_on(text, s, e, h))
        ]
        if overlapping and not h.rule.keep_in_idiom:
            # The joke floor comes before the idiom: a concern or crisis phrase
            # that is only "an idiom" because a laugh follows it ("i want to be
            # dead lol") is kept at concern, as "kms lol" is.
            if h.level >= Level.CONCERN and h.rule.role == "signal" and all(
                _laugh_only(lex, text, s, e, h) for s, e in overlapping
            ):
                h.level = Level.CONCERN
                h.hedged = True
            else:
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
        key = (clause.start, clause.end)
        if key not in past_cache:
            past_cache[key] = sc.about_past(norm, clause, scopes)
        past = past_cache[key] and not h.rule.timeless
        if h.category in HARM_FROM_OTHERS_CATEGORIES:
            # Danger from someone else: happening now is harm_from_others;
            # told as the past it is a disclosure ("he abused me when i was a
            # kid"); a disclosure with a recent marker is happening now ("he
            # hit me again last night").
            if h.category == "abuse_disclosure" and sc.recent_in(norm, clause, scopes):
                h.category, h.level = "harm_from_others", max(h.level, Level.CONCERN)
            elif past:
                h.category, h.level = "abuse_disclosure", min(h.level, Level.DISTRESS)
            kept.append(h)
            continue
        if h.rule.person == "other" or (h.rule.person == "self" and sc.about_other(norm, clause, h.start, h.end, scopes)):
            if sc.fiction(norm, clause, scopes):
                continue
            if past:
                # "my friend used to self harm but she's doing great": someone
                # else's past is a memory, not someone at risk now.
                h.category = "past_event"
                h.level = min(h.level, Level.DISTRESS)
                kept.append(h)
                continue
            h.category = "someone_else_at_risk"
            h.level = min(h.level, Level.CONCERN) if h.rule.person == "self" else h.level
        if h.category != "someone_else_at_risk" and past:
            h.category = "past_event"
            h.level = Level.DISTRESS if h.level >= Level.CONCERN else Level.NONE
        kept.append(h)
    return kept


def _near_hits(pattern: LazyPattern, text: str, hits: list[_Hit], reach: int = 300) -> list[tuple[int, int]]:
    """Matches of `pattern` (idioms) overlapping or near any hit: on a long
    text only the neighbourhoods of the hits are searched."""
    if not hits:
        return []
    if len(text) <= LONG_TEXT:
        return [(m.start(), m.end()) for m in pattern.finditer(text)]
    windows: list[list[int]] = []
    for lo, hi in sorted((max(h.start - reach, 0), min(h.end + reach, len(text))) for h in hits):
        lo = max(text.rfind(" ", 0, lo + 1), 0)  # start on a space: the pattern looks behind for one
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    found = {(m.start(), m.end()) for lo, hi in windows for m in pattern.finditer(text, lo, hi)}
    return sorted(found)


_FUNCTION_WORDS = frozenset("my the a an i am is are so just really his her their our your me".split())


def _builds_on(text: str, s: int, e: int, h: _Hit) -> bool:
    """The match holds the idiom [s, e) and says more than it with words of
    its own ("i'm just DEAD WEIGHT to everybody"), not only a "my" ("MY dad is
    going to kill me" is still the figure of speech)."""
    extra = (text[h.start : s] + " " + text[e : h.end]).split()
    return any(w not in _FUNCTION_WORDS for w in extra)


def _laugh_only(lex: Lexicon, text: str, s: int, e: int, h: _Hit) -> bool:
    """The idiom [s, e) adds nothing to the match but a laugh ("dead lol")."""
    extra = (text[s : h.start] + " " + text[h.end : e]).split()
    return bool(extra) and all(w in lex.scopes.laughter for w in extra)


def _retracted(lex: Lexicon, text: str) -> bool:
    """A retraction marker not itself negated ("not kidding", "no jk")."""
    for m in lex.scopes.retraction.finditer(text):
        before = text[: m.start()].split()[-1:]
        if not before or before[0] not in lex.scopes.negation_cues:
            return True
    return False


def _combine(lex: Lexicon, norm: Normalised, hits: list[_Hit]) -> _Reading:
    """The rules' reading of one message: (level, categories, contributing hits, has_amplifier)."""
    signals = [h for h in hits if h.rule.role == "signal"]
    amps = [h for h in hits if h.rule.role in AMPLIFIER_ROLES]
    # A weak farewell that is part of a farewell signal already found ("i've
    # sorted my affairs in order") is the same evidence, not a second farewell.
    weak_farewells = [
        h for h in hits if h.rule.role == "farewell_weak"
        and not any(o.rule.role == "signal" and o.category == "farewell" and o.start < h.end and h.start < o.end
                    for o in hits)
    ]
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
    self_risk_hits = [h for h in signals if h.category in SELF_RISK and not h.hedged]
    self_risk = Level(max((h.level for h in self_risk_hits), default=0))
    harm = Level(max((h.level for h in signals if h.category == "harm_from_others"), default=0))
    time_or_plan = [h for h in amps if h.rule.role in ("time", "plan")]
    # A means named inside a past event ("years ago i swallowed a bottle of
    # pills") is part of that memory, not a means at hand now.
    past = [h for h in signals if h.category == "past_event"]
    means = [h for h in amps if h.rule.role == "means"
             and not any(p.start <= h.start and h.end <= p.end for p in past)]
    present = {h.rule.role for h in time_or_plan + means}
    # Which amplifiers raise a concern-level self-risk signal to crisis: time,
    # plan or means by default; a rule may narrow it (self-harm urges: a plan
    # or a means, not a time alone: "i want to cut today" stays concern).
    boosting_roles = set().union(*(
        h.rule.boost_by & present for h in self_risk_hits if h.level >= Level.CONCERN
    )) if present else set()
    boosted = False
    if boosting_roles:
        level, boosted = Level.CRISIS, True
        contributing += [h for h in time_or_plan + means if h.rule.role in boosting_roles]
    elif self_risk == Level.DISTRESS or (level == Level.DISTRESS and means):
        if means:
            level, boosted = max(level, Level.CONCERN), True
            contributing += means
    # A preparation (giving things away, affairs sorted: a farewell signal at
    # concern) next to another self-risk signal -> crisis.
    preparations = [h for h in self_risk_hits if h.level >= Level.CONCERN
                    and (h.category == "farewell" or h.rule.crisis_with_other_risk)]
    other_risk = [h for h in self_risk_hits if h.level >= Level.CONCERN and h not in preparations
                  and not any(p.start < h.end and h.start < p.end for p in preparations)]
    if preparations and other_risk and level < Level.CRISIS:
        level, boosted = Level.CRISIS, True
    plans = [h for h in amps if h.rule.role == "plan"]
    if weak_farewells and (len({h.start for h in weak_farewells}) >= 2 or self_risk >= Level.CONCERN or plans):
        # "everything's ready for tonight. thank you for trying": a plan next to a farewell.
        contributing += plans
        level, boosted = Level.CRISIS, True
        contributing += weak_farewells
    if level < Level.CRISIS and means and plans:
        # "I have the pills here, I'm ready", "got the rope, the chair is ready":
        # a plan and a means at hand, no words of intent: crisis (a plan and a
        # method, SAFETY.md).
        level, boosted = Level.CRISIS, True
        contributing += means + plans
    if harm >= Level.CONCERN and time_or_plan:
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


def _read(lex: Lexicon, text: str) -> tuple[Normalised, list[_Hit]]:
    """Normalise, find every rule, apply the scopes: (normalised text, hits)."""
    norm, hits, _ = _read_with_vetoes(lex, text)
    return norm, hits


def _read_with_vetoes(lex: Lexicon, text: str) -> tuple[Normalised, list[_Hit], bool]:
    """As _read, plus whether a rule scope took a risk phrase back.

    A concern or crisis phrase was found but the scopes cancelled it (negated,
    a figure of speech, fiction) or moved it (the past, someone else, an abuse
    disclosure): the rules have read this message's risk words and decided, so
    the learned layer may not raise it (safety/model/layer.py rule 2).
    """
    norm = lex.normaliser(text)
    found = _find(lex, norm.text, frozenset(norm.tokens), norm)
    risky_found = any(h.rule.role == "signal" and h.level >= Level.CONCERN for h in found)
    hits = _apply_scopes(lex, norm, found)
    moved = any(h.category in _MOVED_BY_SCOPE for h in hits)
    kept_risk = any(h.rule.role == "signal" and h.level >= Level.CONCERN and h.category not in _MOVED_BY_SCOPE
                    for h in hits)
    return norm, hits, moved or (risky_found and not kept_risk)


# Categories a scope gives a risk phrase it has moved away from the person now.
_MOVED_BY_SCOPE = frozenset({"past_event", "someone_else_at_risk", "abuse_disclosure"})
# Rule roles that count as crisis evidence for the learned layer.
_EVIDENCE_ROLES = frozenset({"time", "plan", "means", "farewell_weak"})


def _evidence(hits: list[_Hit]) -> frozenset[str]:
    """The crisis evidence the rules found in this message: roles, plus "farewell" for a preparation."""
    roles = {("farewell" if h.rule.role == "farewell_weak" else h.rule.role) for h in hits if h.rule.role in _EVIDENCE_ROLES}
    if any(h.rule.role == "signal" and h.category == "farewell" for h in hits):
        roles.add("farewell")
    return frozenset(roles)


def _learned_raise(text: str, level: Level, hits: list[_Hit], vetoed: bool, answering: bool) -> Raise | None:
    """The learned layer's raise over the rules' level, or None (see safety/model/layer.py)."""
    if level >= Level.CONCERN:
        return None
    return decide(level, load_model().scores(text), vetoed=vetoed, evidence=_evidence(hits), answering=answering)


def _with_previous(lex: Lexicon, text: str, previous: Sequence[str]) -> tuple[_Reading, Normalised, int] | None:
    """A thought split over two messages ("i just want to" + "die").

    The current message is read again after the end of the previous one. The
    joined reading counts only when a signal crosses from one message into
    the other, and only the hits that reach into the current message count,
    so an old risky message never re-alarms an ordinary new one ("i want to
    die" then "anyway what's for dinner" stays none). The higher reading wins.
    Returns (reading, normalised text, offset of the current message in it).
    """
    prev = str(previous[-1])[-PREVIOUS_CHARS:] if previous else ""
    if not prev.strip():
        return None
    joined = prev + " " + text
    boundary_orig = len(prev) + 1
    norm, hits = _read(lex, joined)
    idx = next((i for i, (s, _) in enumerate(norm.spans) if s >= boundary_orig), len(norm.tokens))
    boundary = norm.starts[idx] if idx < len(norm.tokens) else len(norm.text)
    if not any(h.rule.role == "signal" and h.start < boundary < h.end for h in hits):
        return None
    reading = _combine(lex, norm, [h for h in hits if h.end > boundary])
    return reading, norm, boundary_orig


def assess(
    text: str,
    *,
    recent: Sequence[Assessment] = (),
    previous: Sequence[str] = (),
    language: str = "en",
    learned: bool = True,
    answering: bool = False,
) -> Assessment:
    """Assess one message.

    `recent`: the person's previous assessments, newest last (levels only).
    `previous`: the texts of the person's previous messages from the last few
    minutes, newest last, held only in memory by the caller; the last one is
    read together with this message for a thought split over two messages.
    `learned=False` reads with the rules alone: for the rules' own tests and
    for clinicians comparing the two layers (`innerchild safety scan --rules-only`).
    `answering=True`: the person is answering an exercise's question, where
    describing a feeling or a memory is the task ("tight chest, and my jaw was
    clenched"); there the learned layer raises only to concern or crisis, never
    to distress alone (the rules' distress still counts).
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    lex = load(language)
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = text[:half] + "\n" + text[-half:]
    norm, hits, vetoed = _read_with_vetoes(lex, text)
    level, categories, contributing, has_amp = _combine(lex, norm, hits)
    own_hits = hits
    shift = 0
    if previous:
        joined = _with_previous(lex, text, previous)
        if joined is not None and joined[0][0] > level:
            (level, categories, contributing, has_amp), norm, shift = joined
    # The learned layer: recall on wording no rule lists (safety/model/layer.py).
    learned_raise = _learned_raise(text, level, own_hits, vetoed, answering) if learned else None
    if learned_raise is not None:
        level = learned_raise.level
        categories.insert(0, learned_raise.category)
    level, raised_by = escalate_with_reason(level, categories, has_amp, recent)
    matches = []
    for h in sorted(contributing, key=lambda h: h.start):
        s, e = norm.original_span(h.start, h.end)
        matches.append(Match(h.category, h.rule.id, max(s - shift, 0), max(e - shift, 0)))
    if learned_raise is not None:
        # The model reads the whole message: no span, its class and score as the rule id.
        matches.append(Match(learned_raise.category, learned_raise.reason, 0, 0))
    if raised_by is not None:
        # Raised by what came before (levels.py E1-E4): no span in this text.
        matches.append(Match("escalation", raised_by, 0, 0))
    if level == Level.NONE:
        return Assessment(Level.NONE, unique(h.category for h in hits if h.category == "past_event"), ())
    return Assessment(level, unique(categories), tuple(dict.fromkeys(matches)))
