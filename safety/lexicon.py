"""Load a language's phrase files; their expressions compile on first use (``lazy_pattern``).

Why data files: the phrases are clinical knowledge, not code. A clinician must
be able to read and extend them (see safety/lexicon/README.md) without touching
Python, and a new language is a new folder, not a fork of the detector.

Pattern syntax (written against the normalised text, see normalise.py):

    words          literal words separated by single spaces
    (a|b c)        alternatives
    [a|b c]        optional words
    {group}        any phrase of a group in groups.yaml
    ~N             up to N other words (never across a clause boundary)
    word*          any word starting with "word"
    <end>          the end of the clause (".", "," ... or the message end)
    <break>        an optional clause break ("switch off. permanently")

A rule may instead list `together:` parts (each a pattern or a list of
patterns) that must all be found, in any order, within `within` words; an
`unless:` pattern found in or near that window cancels it. Used for cues that
are ordinary alone and risky together ("pills" + "how many ... to die").
An ordinary rule may also have `unless:` (with `within`, default 12 words):
a phrase near the match that says what the words are about ("i don't want to
end it right now, this BOOK is so good").

Each pattern compiles to one regular expression anchored on whole words. All of
a rule's patterns are joined into one alternation so a message costs one regex
search per rule.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from .lazy_pattern import LazyPattern
from .normalise import Normaliser

LEXICON_DIR = Path(__file__).with_name("lexicon")
_LEVEL_NAMES = {"none": 0, "distress": 1, "concern": 2, "crisis": 3}
_GROUP = re.compile(r"\{(\w+)\}")
_GAP = re.compile(r" ?~(\d+) ?")
_OPTIONAL = re.compile(r"\[([^\[\]]+)\] ?")
_WORD_WILDCARD = re.compile(r"(?<=\w)\*")
_END = re.compile(r" ?<end>")
_BREAK = re.compile(r"<break> ?")
_PLAIN_WORD = re.compile(r"[a-z0-9_]+")
# A gap word is any token except a clause break.
_GAP_WORD = r"[^ .]+ "


class LexiconError(ValueError):
    """A phrase file is malformed; raised at import so a bad edit fails tests."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    level: int
    role: str  # "signal", or an amplifier role: time / plan / means / farewell_weak
    person: str  # self / other / any
    hyperbole: bool
    regex: LazyPattern | None  # None for a `together` rule; a match starts with its leading space
    not_before: LazyPattern | None
    not_after: LazyPattern | None
    parts: tuple[LazyPattern, ...] = ()  # a `together` rule: every part, any order
    within: int = 0  # ... inside a window of this many words
    unless: LazyPattern | None = None  # ... and none of these in or near the window
    # Quick skip: a match must start with one of these words (None: always try).
    # For a together rule, one set per part.
    first: tuple[frozenset[str] | None, ...] = ()
    # Which amplifier roles raise this signal to crisis (levels.py); default:
    # time, plan and means. Self-harm urges: plan and means only ("i want to
    # cut today" stays concern).
    boost_by: frozenset[str] = frozenset({"time", "plan", "means"})
    # An emotion word that an overlapping figure of speech does not cancel
    # ("my anxiety is killing me" is still anxiety).
    keep_in_idiom: bool = False
    # Crisis next to any other concern-level self-risk signal (a preparation,
    # a means held or kept: "holding my knife" + "punish myself").
    crisis_with_other_risk: bool = False
    # A flashback is the past intruding now: the past scope does not lower it.
    timeless: bool = False
    # Its pattern may match across a sentence break (<break>): never run
    # sentence by sentence.
    crosses_break: bool = False


@dataclass(frozen=True)
class Scopes:
    clause_breaks: frozenset[str]
    negation_cues: frozenset[str]
    negation_window: int
    negation_non_cancel_after: frozenset[str]
    negation_non_cancel_before: frozenset[str]
    negation_governs: frozenset[str]
    negation_hedge_before: frozenset[str]
    negation_hedge_after: frozenset[str]
    negation_hedge_following: LazyPattern
    subject_words: frozenset[str]
    past: LazyPattern
    recent: LazyPattern
    continuity: LazyPattern
    first_person: frozenset[str]
    third_person: frozenset[str]
    fiction: LazyPattern
    laughter: frozenset[str]
    retraction: LazyPattern


@dataclass(frozen=True)
class Lexicon:
    language: str
    normaliser: Normaliser
    rules: tuple[Rule, ...]
    idioms: LazyPattern
    scopes: Scopes


def _split_top(p: str, sep: str = "|") -> list[str]:
    """Split a pattern at `sep` outside brackets."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in p:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _elements(p: str) -> list[str]:
    """Top-level elements of a pattern: words, (..), [..], {..}, ~N, <end>."""
    out, i, n = [], 0, len(p)
    while i < n:
        ch = p[i]
        if ch == " ":
            i += 1
            continue
        if ch in "([{":
            close = {"(": ")", "[": "]", "{": "}"}[ch]
            depth, j = 0, i
            while j < n:
                if p[j] == ch:
                    depth += 1
                elif p[j] == close:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j + 1 < n and p[j + 1] == "?":  # "(i )?": an optional group
                j += 1
            out.append(p[i : j + 1])
            i = j + 1
        else:
            j = i
            while j < n and p[j] != " " and p[j] not in "([{":
                j += 1
            out.append(p[i:j])
            i = j
    return out


# Words in almost every message: a requirement made of them skips nothing.
_COMMON = frozenset("i me my you to the a an and is am are not do it of in on that this so just".split())


def _selectivity(words: frozenset[str]) -> tuple[int, int]:
    return (len(words & _COMMON), len(words))


class _Compiler:
    def __init__(self, groups: dict[str, list[str]]):
        self._groups = groups
        self._cache: dict[str, str] = {}
        self._first_cache: dict[str, tuple[frozenset[str], bool] | None] = {}
        # first_words of every (pattern, depth) asked: the same alternatives recur in many
        # rules, and working them out is most of what loading the lexicon costs
        self._first_of: dict[tuple[str, int], tuple[frozenset[str], bool] | None] = {}

    def first_words(self, pattern: str, depth: int = 0) -> tuple[frozenset[str], bool] | None:
        """The words a match of `pattern` can start with, and whether it can be empty.

        Used only to skip a rule quickly when none of those words is in the
        message; None means "cannot tell" (the rule is always tried).
        """
        if depth > 8:
            return None
        key = (pattern, depth)
        if key not in self._first_of:
            self._first_of[key] = self._first_words(pattern, depth)
        return self._first_of[key]

    def _first_words(self, pattern: str, depth: int) -> tuple[frozenset[str], bool] | None:
        p = " ".join(str(pattern).lower().split())
        words: set[str] = set()
        for el in _elements(p):
            if el.startswith("~") or el in ("<end>", "<break>") or el == "":
                continue  # may be empty
            optional = el.startswith("[") or el.endswith("?")
            el = el.rstrip("?")
            if not el:
                return None
            inner: list[tuple[frozenset[str], bool] | None]
            if el[0] in "([":
                inner = [self.first_words(a, depth + 1) for a in _split_top(el[1:-1])]
            elif el[0] == "{":
                name = el[1:-1]
                if name not in self._first_cache:
                    self._first_cache[name] = None  # guards recursion
                    alts = [self.first_words(a, depth + 1) for a in self._groups.get(name, [])]
                    known_alts = [a for a in alts if a is not None]
                    if len(known_alts) < len(alts) or not alts:
                        self._first_cache[name] = None
                    else:
                        self._first_cache[name] = (frozenset[str]().union(*(a[0] for a in known_alts)), any(a[1] for a in known_alts))
                cached = self._first_cache[name]
                inner = [cached]
            else:
                if not _PLAIN_WORD.fullmatch(el):
                    return None  # wildcards, regex escapes: cannot tell
                inner = [(frozenset([el]), False)]
            known = [a for a in inner if a is not None]
            if len(known) < len(inner):
                return None
            words.update(*(a[0] for a in known))
            if not (optional or any(a[1] for a in known)):
                return frozenset(words), False
        return frozenset(words), True

    def required_words(self, pattern: str) -> frozenset[str] | None:
        """One set of words of which a match of `pattern` must contain at least one.

        Every non-optional element gives such a set (the words its
        alternatives start with); the most selective one is kept: no common
        word, fewest words. None: cannot tell.
        """
        p = " ".join(str(pattern).lower().split())
        best: frozenset[str] | None = None
        for el in _elements(p):
            if el.startswith(("~", "[", "<")) or el.endswith("?") or not el:
                continue
            fw = self.first_words(el)
            if fw is None or fw[1] or not fw[0]:
                continue
            if best is None or _selectivity(fw[0]) < _selectivity(best):
                best = fw[0]
        return best

    def rule_first_words(self, patterns: list[str]) -> frozenset[str] | None:
        out: set[str] = set()
        for pat in patterns:
            req = self.required_words(pat)
            if req is None:
                return None
            out |= req
        return frozenset(out)


    def group(self, name: str, depth: int) -> str:
        if name not in self._groups:
            raise LexiconError(f"unknown group {{{name}}}")
        if name not in self._cache:
            alts = sorted((self.body(a, depth + 1) for a in self._groups[name]), key=len, reverse=True)
            self._cache[name] = "(?:" + "|".join(alts) + ")"
        return self._cache[name]

    def body(self, pattern: str, depth: int = 0) -> str:
        """Translate one pattern (without anchors) to regex source."""
        if depth > 5:
            raise LexiconError("groups nested too deeply")
        p = " ".join(str(pattern).lower().split())
        if re.search(r"[^\w \(\)\[\]\|\{\}~*<>\\+?]", p.replace("\\d", "")):
            raise LexiconError(f"unexpected character in pattern {pattern!r}")
        p = _END.sub("<end>", p)
        p = _BREAK.sub("\x02", p)
        # "[a|b]" at the very end: optional words after a space.
        p = re.sub(r" \[([^\[\]]+)\](?=$|<end>)", lambda m: "(?: (?:" + m.group(1) + "))?", p)
        # "[a|b] " elsewhere: optional words followed by their space.
        p = _OPTIONAL.sub(lambda m: "(?:(?:" + m.group(1) + ") )?", p)
        p = re.sub(r"\((?!\?)", "(?:", p)
        p = _GROUP.sub(lambda m: "\x00" + m.group(1) + "\x01", p)
        p = _WORD_WILDCARD.sub(r"[^ .]*", p)
        p = _GAP.sub(lambda m: " (?:" + _GAP_WORD + "){0," + m.group(1) + "}", p)
        p = p.replace("<end>", r"(?= \.| $)")
        p = p.replace("\x02", r"(?:\. )?")
        p = re.sub("\x00(\\w+)\x01", lambda m: self.group(m.group(1), depth), p)
        return p

    def anchored(self, patterns: list[str]) -> str:
        alts = [self.body(p) for p in patterns]
        return "(?<= )(?:" + "|".join(alts) + r")(?= |$)"

    def spaced(self, patterns: list[str]) -> str:
        """Like anchored(), but the match includes the space before it: a
        literal first character lets the regex engine skip to each word
        start (a rule's regex; callers add 1 to m.start())."""
        alts = [self.body(p) for p in patterns]
        return " (?:" + "|".join(alts) + r")(?= |$)"


def _words(items: Iterable[object] | None) -> frozenset[str]:
    return frozenset(str(x).lower() for x in (items or ()))


# Keys whose value is meant to be true/false. Anywhere else a boolean is a
# word YAML read as one: unquoted no, yes, on, off, true, false.
_BOOLEAN_KEYS = frozenset({"hyperbole", "keep_in_idiom", "timeless", "crisis_with_other_risk"})


def _check_no_booleans(node: object, where: str) -> None:
    """Fail on a word that YAML turned into true/false (`no` in a word list)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(k, bool):
                raise LexiconError(f"{where}: key {k!r} was read as a boolean: quote it (\"no\", \"on\" ...)")
            if isinstance(v, bool) and k not in _BOOLEAN_KEYS:
                raise LexiconError(f"{where}.{k}: value {v!r} was read as a boolean: quote it")
            if not isinstance(v, bool):
                _check_no_booleans(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, bool):
                raise LexiconError(f"{where}[{i}]: {v!r} was read as a boolean: quote the word (\"no\", \"on\" ...)")
            _check_no_booleans(v, f"{where}[{i}]")


# libyaml's parser when PyYAML has it: the same documents read the same (SafeLoader's
# constructor and resolver), in a fraction of the time a start-up spends on the phrase files.
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_YAML_LOADER) or {}  # a safe loader (above)
    if not isinstance(data, dict):
        raise LexiconError(f"{path.name}: top level must be a mapping")
    _check_no_booleans(data, path.name)
    return data


def _compile_rule(raw: dict[str, Any], compiler: _Compiler, source: str) -> Rule:
    try:
        rid = str(raw["id"])
        together = raw.get("together")
        patterns = list(raw["patterns"]) if not together else []
    except (KeyError, TypeError) as exc:
        raise LexiconError(f"{source}: rule needs id and patterns (or together): {raw!r}") from exc
    if together is not None and (not isinstance(together, list) or len(together) < 2):
        raise LexiconError(f"{source}:{rid}: together needs at least two parts")
    role = str(raw.get("role", "signal"))
    level_name = str(raw.get("level", "none" if role != "signal" else "")).lower()
    if level_name not in _LEVEL_NAMES:
        raise LexiconError(f"{source}:{rid}: level must be one of {sorted(_LEVEL_NAMES)}")
    boost_by = frozenset(str(x) for x in raw.get("boost_by", ("time", "plan", "means")))
    if not boost_by <= {"time", "plan", "means"}:
        raise LexiconError(f"{source}:{rid}: boost_by may list time, plan and means only")
    person = str(raw.get("person", "self"))
    if person not in ("self", "other", "any"):
        raise LexiconError(f"{source}:{rid}: person must be self, other or any")

    def side(key: str, suffix: bool) -> LazyPattern | None:
        items = raw.get(key)
        if not items:
            return None
        body = "|".join(compiler.body(p) for p in items)
        # not_before is tried right after the match; not_after right before it.
        return LazyPattern(" (?:" + body + ")(?= |$)" if suffix else "(?:^| )(?:" + body + ") $")

    # Nothing compiles here: each expression waits for its first use (``lazy_pattern``);
    # ``check`` compiles them all and names the rule of a broken one.
    regex = LazyPattern(compiler.spaced(patterns)) if patterns else None
    parts = tuple(
        LazyPattern(compiler.spaced([str(x) for x in (part if isinstance(part, list) else [part])]))
        for part in (together or ())
    )
    unless = raw.get("unless")
    if together and not raw.get("within"):
        raise LexiconError(f"{source}:{rid}: a together rule needs within (words)")
    within = int(raw.get("within", 0 if together else (12 if unless else 0)))
    return Rule(
        id=rid,
        category=str(raw.get("category", "")),
        level=_LEVEL_NAMES[level_name],
        role=role,
        person=person,
        hyperbole=bool(raw.get("hyperbole", False)),
        regex=regex,
        not_before=side("not_before", True),
        not_after=side("not_after", False),
        parts=parts,
        first=tuple(
            compiler.rule_first_words([str(x) for x in (part if isinstance(part, list) else [part])])
            for part in together
        ) if together else (compiler.rule_first_words([str(x) for x in patterns]),),
        within=within,
        boost_by=boost_by,
        keep_in_idiom=bool(raw.get("keep_in_idiom", False)),
        timeless=bool(raw.get("timeless", False)),
        crisis_with_other_risk=bool(raw.get("crisis_with_other_risk", False)),
        crosses_break=regex is not None and "(?:\\. )?" in regex.pattern,
        unless=LazyPattern(compiler.anchored([str(x) for x in unless])) if unless else None,
    )


def _regex_list(items: Iterable[object] | None, compiler: _Compiler) -> LazyPattern:
    return LazyPattern(compiler.anchored([str(x) for x in items]) if items else r"(?!)")


@lru_cache(maxsize=None)
def load(language: str = "en") -> Lexicon:
    """Read and compile every YAML file of one language folder."""
    folder = LEXICON_DIR / language
    if not folder.is_dir():
        raise LookupError(f"no safety lexicon for language {language!r}")
    files = {p.name: _read_yaml(p) for p in sorted(folder.glob("*.yaml"))}
    norm = files.get("normalise.yaml", {})
    groups: dict[str, list[str]] = {}
    for data in files.values():
        groups.update({k: [str(v) for v in vs] for k, vs in (data.get("groups") or {}).items()})
    compiler = _Compiler(groups)
    rules: list[Rule] = []
    seen: set[str] = set()
    for name, data in files.items():
        for raw in data.get("rules") or ():
            rule = _compile_rule(raw, compiler, name)
            if rule.id in seen:
                raise LexiconError(f"{name}: duplicate rule id {rule.id}")
            seen.add(rule.id)
            rules.append(rule)
    idiom_patterns = [p for data in files.values() for item in data.get("idioms") or () for p in item["patterns"]]
    sc = files.get("scopes.yaml", {})
    scopes = Scopes(
        clause_breaks=_words(sc.get("clause_breaks")),
        negation_cues=_words(sc.get("negation_cues")),
        negation_window=int(sc.get("negation_window", 3)),
        negation_non_cancel_after=_words(sc.get("negation_non_cancel_after")),
        negation_non_cancel_before=_words(sc.get("negation_non_cancel_before")),
        negation_governs=_words(sc.get("negation_governs")),
        negation_hedge_before=_words(sc.get("negation_hedge_before")),
        negation_hedge_after=_words(sc.get("negation_hedge_after")),
        negation_hedge_following=LazyPattern(
            "(?: \\.)? (?:" + "|".join(compiler.body(str(x)) for x in sc.get("negation_hedge_following") or ["(?!)"]) + ")(?= |$)"
        ),
        subject_words=_words(sc.get("subject_words")),
        past=_regex_list(sc.get("past_markers"), compiler),
        recent=_regex_list(sc.get("recent_markers"), compiler),
        continuity=_regex_list(sc.get("continuity_markers"), compiler),
        first_person=_words(sc.get("first_person")),
        third_person=_words(sc.get("third_person")),
        fiction=_regex_list(sc.get("fiction_markers"), compiler),
        laughter=_words(norm.get("laughter")),
        retraction=_regex_list(sc.get("retraction_markers"), compiler),
    )
    emoji = (files.get("emoji.yaml", {}) or {}).get("emoji") or {}
    normaliser = Normaliser(
        contractions=norm.get("contractions") or {},
        abbreviations=norm.get("abbreviations") or {},
        fuzzy_targets=norm.get("fuzzy_targets") or (),
        homoglyphs=norm.get("homoglyphs") or {},
        leet=norm.get("leet") or {},
        emoji=emoji,
        masked_targets=norm.get("masked_targets") or (),
        has_after=norm.get("has_after") or (),
        is_after=norm.get("is_after") or (),
        line_continues_after=norm.get("line_continues_after") or (),
        phrases=norm.get("phrases") or {},
    )
    return Lexicon(
        language=language,
        normaliser=normaliser,
        rules=tuple(rules),
        idioms=_regex_list(idiom_patterns, compiler),
        scopes=scopes,
    )


def patterns(lex: Lexicon) -> Iterator[tuple[str, LazyPattern]]:
    """Every expression of a lexicon, each with where it comes from (a rule id, a scope)."""
    for rule in lex.rules:
        for kind in ("regex", "not_before", "not_after", "unless"):
            pattern = getattr(rule, kind)
            if pattern is not None:
                yield f"rule {rule.id} ({kind})", pattern
        for index, part in enumerate(rule.parts):
            yield f"rule {rule.id} (together part {index + 1})", part
    yield "idioms", lex.idioms
    for scope in fields(lex.scopes):
        value = getattr(lex.scopes, scope.name)
        if isinstance(value, LazyPattern):
            yield f"scopes.yaml {scope.name}", value


def source_digest(language: str = "en") -> str:
    """A digest of everything that decides whether ``check`` passes: the language's phrase
    files (names and bytes), this module and ``lazy_pattern`` (how patterns become regular
    expressions) and the Python version (its ``re``). Same digest, same verdict."""
    digest = hashlib.sha256(sys.version.encode())
    here = Path(__file__).resolve().parent
    folder = LEXICON_DIR / language
    for path in [here / "lexicon.py", here / "lazy_pattern.py", *sorted(folder.glob("*.yaml"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def check(lex: Lexicon) -> None:
    """Compile every expression now (``LazyPattern`` compiles each on first use), so a broken
    pattern stops the start with ``LexiconError`` instead of failing on a person's message."""
    for where, pattern in patterns(lex):
        try:
            pattern.compile()
        except re.error as exc:
            raise LexiconError(f"{lex.language}: {where}: {exc}") from None


def languages() -> list[str]:
    return sorted(p.name for p in LEXICON_DIR.iterdir() if p.is_dir() and (p / "normalise.yaml").exists())
