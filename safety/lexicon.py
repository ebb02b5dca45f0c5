"""Load a language's phrase files and compile them once, at import time.

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

Each pattern compiles to one regular expression anchored on whole words. All of
a rule's patterns are joined into one alternation so a message costs one regex
search per rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .normalise import Normaliser

LEXICON_DIR = Path(__file__).with_name("lexicon")
_LEVEL_NAMES = {"none": 0, "distress": 1, "concern": 2, "crisis": 3}
_GROUP = re.compile(r"\{(\w+)\}")
_GAP = re.compile(r" ?~(\d+) ?")
_OPTIONAL = re.compile(r"\[([^\[\]]+)\] ?")
_WORD_WILDCARD = re.compile(r"(?<=\w)\*")
_END = re.compile(r" ?<end>")
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
    regex: re.Pattern[str]
    not_before: re.Pattern[str] | None
    not_after: re.Pattern[str] | None


@dataclass(frozen=True)
class Scopes:
    clause_breaks: frozenset[str]
    negation_cues: frozenset[str]
    negation_window: int
    negation_non_cancel_after: frozenset[str]
    negation_non_cancel_before: frozenset[str]
    subject_words: frozenset[str]
    past: re.Pattern[str]
    recent: re.Pattern[str]
    first_person: frozenset[str]
    third_person: frozenset[str]
    fiction: re.Pattern[str]
    laughter: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    language: str
    normaliser: Normaliser
    rules: tuple[Rule, ...]
    idioms: re.Pattern[str]
    scopes: Scopes


class _Compiler:
    def __init__(self, groups: dict[str, list[str]]):
        self._groups = groups
        self._cache: dict[str, str] = {}

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
        # "[a|b]" at the very end: optional words after a space.
        p = re.sub(r" \[([^\[\]]+)\](?=$|<end>)", lambda m: "(?: (?:" + m.group(1) + "))?", p)
        # "[a|b] " elsewhere: optional words followed by their space.
        p = _OPTIONAL.sub(lambda m: "(?:(?:" + m.group(1) + ") )?", p)
        p = re.sub(r"\((?!\?)", "(?:", p)
        p = _GROUP.sub(lambda m: "\x00" + m.group(1) + "\x01", p)
        p = _WORD_WILDCARD.sub(r"[^ .]*", p)
        p = _GAP.sub(lambda m: " (?:" + _GAP_WORD + "){0," + m.group(1) + "}", p)
        p = p.replace("<end>", r"(?= \.| $)")
        p = re.sub("\x00(\\w+)\x01", lambda m: self.group(m.group(1), depth), p)
        return p

    def anchored(self, patterns: list[str]) -> str:
        alts = [self.body(p) for p in patterns]
        return "(?<= )(?:" + "|".join(alts) + r")(?= |$)"


def _words(items: Any) -> frozenset[str]:
    return frozenset(str(x).lower() for x in (items or ()))


def _read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise LexiconError(f"{path.name}: top level must be a mapping")
    return data


def _compile_rule(raw: dict[str, Any], compiler: _Compiler, source: str) -> Rule:
    try:
        rid = str(raw["id"])
        patterns = list(raw["patterns"])
    except (KeyError, TypeError) as exc:
        raise LexiconError(f"{source}: rule needs id and patterns: {raw!r}") from exc
    role = str(raw.get("role", "signal"))
    level_name = str(raw.get("level", "none" if role != "signal" else "")).lower()
    if level_name not in _LEVEL_NAMES:
        raise LexiconError(f"{source}:{rid}: level must be one of {sorted(_LEVEL_NAMES)}")
    person = str(raw.get("person", "self"))
    if person not in ("self", "other", "any"):
        raise LexiconError(f"{source}:{rid}: person must be self, other or any")

    def side(key: str, suffix: bool) -> re.Pattern[str] | None:
        items = raw.get(key)
        if not items:
            return None
        body = "|".join(compiler.body(p) for p in items)
        # not_before is tried right after the match; not_after right before it.
        return re.compile(" (?:" + body + ")(?= |$)" if suffix else "(?:^| )(?:" + body + ") $")

    try:
        regex = re.compile(compiler.anchored(patterns))
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
        )
    except re.error as exc:
        raise LexiconError(f"{source}:{rid}: {exc}") from exc


def _regex_list(items: Any, compiler: _Compiler) -> re.Pattern[str]:
    return re.compile(compiler.anchored([str(x) for x in items]) if items else r"(?!)")


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
        subject_words=_words(sc.get("subject_words")),
        past=_regex_list(sc.get("past_markers"), compiler),
        recent=_regex_list(sc.get("recent_markers"), compiler),
        first_person=_words(sc.get("first_person")),
        third_person=_words(sc.get("third_person")),
        fiction=_regex_list(sc.get("fiction_markers"), compiler),
        laughter=_words(norm.get("laughter")),
    )
    emoji = (files.get("emoji.yaml", {}) or {}).get("emoji") or {}
    normaliser = Normaliser(
        contractions=norm.get("contractions") or {},
        abbreviations=norm.get("abbreviations") or {},
        fuzzy_targets=norm.get("fuzzy_targets") or (),
        homoglyphs=norm.get("homoglyphs") or {},
        leet=norm.get("leet") or {},
        emoji=emoji,
    )
    return Lexicon(
        language=language,
        normaliser=normaliser,
        rules=tuple(rules),
        idioms=_regex_list(idiom_patterns, compiler),
        scopes=scopes,
    )


def languages() -> list[str]:
    return sorted(p.name for p in LEXICON_DIR.iterdir() if p.is_dir() and (p / "normalise.yaml").exists())
