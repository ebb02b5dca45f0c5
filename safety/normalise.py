"""Turn a raw chat message into one canonical, space-separated form.

Why: people in pain write fast, on phones, in slang ("i wanna dieeee", "KMS",
"no reason 2 live", "su1c1de"). If every phrase rule had to list every spelling
the lexicon would be unmaintainable and still miss the next variant. So the
spelling variation is removed once, here, and the rules are written against a
single plain form: lower case, words separated by one space, contractions and
chat abbreviations expanded ("i do not want to live"), emoji turned into words
("emoji_pill"), and clause punctuation kept as its own token (".") so a rule
never matches across a sentence boundary.

Every output token remembers the span of the original text it came from, so a
match can be reported as offsets into the original message without copying any
of its text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

# Characters that are invisible or only change presentation; people (and spam
# filters evasion tricks) insert them inside words.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0f\ufe0e\u180e\u2061\u2062\u2063"), None
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_VOWELS = set("aeiouy")
# Runs of the same letter three or more times ("dieeee", "killlll", "sooooo").
_RUN = re.compile(r"(\w)\1{2,}")
# A word candidate: letters/digits plus the symbols used in leetspeak.
_TOKEN = re.compile(r"[\w'@$!|*]+|[.,;:!?\n]")
_BREAK_CHARS = set(".,;:!?\n")
_LEET_SYMBOLS = set("0134578@$!|")


@dataclass(frozen=True)
class Normalised:
    """The canonical text plus a map from its characters back to the original.

    `text` always starts and ends with a space so that rules can anchor on
    whole words with a simple " word " test.
    """

    text: str
    tokens: tuple[str, ...]
    starts: tuple[int, ...]  # offset of each token in `text`
    spans: tuple[tuple[int, int], ...]  # original (start, end) of each token

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of `text` to a range of the original message."""
        if not self.tokens:
            return (0, 0)
        first = max(bisect_right(self.starts, start) - 1, 0)
        last = max(bisect_right(self.starts, max(end - 1, start)) - 1, first)
        return (self.spans[first][0], self.spans[last][1])


class Normaliser:
    """Configured from a language's `normalise.yaml` and `emoji.yaml`."""

    def __init__(
        self,
        *,
        contractions: Mapping[str, str],
        abbreviations: Mapping[str, str],
        fuzzy_targets: Sequence[str],
        homoglyphs: Mapping[str, str],
        leet: Mapping[str, str],
        emoji: Mapping[str, str],
    ) -> None:
        self._contractions = {k.lower(): v.split() for k, v in contractions.items()}
        self._abbrev = {str(k).lower(): str(v).split() for k, v in abbreviations.items()}
        self._homoglyphs = str.maketrans(dict(homoglyphs))
        self._leet = str.maketrans(dict(leet))
        # Emoji keys are stored without variation selectors (stripped above).
        self._emoji = {k.translate(_INVISIBLE): v for k, v in emoji.items()}
        self._fuzzy = tuple(sorted(set(fuzzy_targets)))
        self._fuzzy_set = frozenset(self._fuzzy)
        self._known = frozenset(self._abbrev) | frozenset(
            w for words in self._abbrev.values() for w in words
        )
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    # -- character level -------------------------------------------------
    def _chars(self, text: str) -> tuple[str, list[int]]:
        """NFKC + casefold + accent stripping, one original char at a time.

        Done per character (not on the whole string) so that each output
        character keeps the index of the character it came from.
        """
        if text.isascii():  # most messages: nothing to fold but the case
            return text.lower(), list(range(len(text)))
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            if ord(ch) in _INVISIBLE:
                continue
            name = self._emoji.get(ch)
            if name is not None:
                for c in f" {name} ":
                    out.append(c)
                    origin.append(i)
                continue
            if ch.isascii():
                piece = ch.lower()
            else:
                piece = unicodedata.normalize("NFKD", ch.translate(_APOSTROPHES)).casefold()
                piece = "".join(c for c in piece if not unicodedata.combining(c))
                piece = unicodedata.normalize("NFKC", piece).translate(self._homoglyphs)
            for c in piece:
                out.append(c)
                origin.append(i)
        return "".join(out), origin

    # -- word level -------------------------------------------------------
    @staticmethod
    def _fold_runs(word: str) -> str:
        """'dieeee' -> 'die', 'killlll' -> 'kill', 'hurttt' -> 'hurt'."""
        if not _RUN.search(word):
            return word
        folded = _RUN.sub(lambda m: m.group(1) if m.group(1) in _VOWELS else m.group(1) * 2, word)
        # A doubled final consonant left by the fold is rarely English unless
        # it is one of ll/ss/ff/zz ("kill", "miss", "off", "buzz").
        if len(folded) > 2 and folded[-1] == folded[-2] and folded[-1] not in "lsfz" + "aeiouy":
            folded = folded[:-1]
        return folded

    def _correct_uncached(self, word: str) -> str:
        """One-typo correction towards a short list of distinctive risk words."""
        if len(word) < 5 or word in self._fuzzy_set or word in self._known:
            return word
        for target in self._fuzzy:
            if word.startswith(target):  # an inflection ("overdosed"), not a typo
                continue
            if abs(len(target) - len(word)) <= 1 and _within_one_edit(word, target):
                return target
        return word

    def _word(self, raw: str) -> list[str]:
        word = raw.strip("'*|")
        if not word:
            return []
        if word in self._contractions:
            return self._contractions[word]
        if word in self._abbrev:
            return self._abbrev[word]
        if any(c.isalpha() for c in word) and any(c in _LEET_SYMBOLS for c in word):
            word = word.translate(self._leet)
        word = self._fold_runs(word)
        if word in self._contractions:
            return self._contractions[word]
        if "'" in word:
            stem, _, tail = word.partition("'")
            if tail == "t" and stem.endswith("n"):
                return [stem[:-1], "not"]
            if tail in ("s", ""):  # possessive "sister's" -> "sister"
                word = stem
            elif tail in ("re", "ve", "ll", "d", "m"):
                return [stem, {"re": "are", "ve": "have", "ll": "will", "d": "would", "m": "am"}[tail]]
            else:
                word = stem + tail
        word = word.replace("'", "")
        if word in self._abbrev:
            return self._abbrev[word]
        return [self._correct(word)]

    def __call__(self, text: str) -> Normalised:
        chars, origin = self._chars(text)
        raw_tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(chars)]
        tokens: list[str] = []
        spans: list[tuple[int, int]] = []
        n = len(raw_tokens)
        for idx, (tok, s, e) in enumerate(raw_tokens):
            span = (origin[s], origin[e - 1] + 1)
            if tok in _BREAK_CHARS:
                if tokens and tokens[-1] == ".":
                    continue
                tokens.append(".")
                spans.append(span)
                continue
            # A trailing "!!!" or "?" glued to a word is punctuation, not leet.
            core = tok.rstrip("!|")
            trailing_break = len(core) < len(tok) and any(c.isalpha() for c in core)
            if not trailing_break:
                core = tok
            # "2" and "4" between words are "to" and "for" ("no reason 2 live").
            if core in ("2", "4") and 0 < idx < n - 1:
                prev_tok, next_tok = raw_tokens[idx - 1][0], raw_tokens[idx + 1][0]
                if prev_tok[:1].isalpha() and next_tok[:1].isalpha():
                    tokens.append("to" if core == "2" else "for")
                    spans.append(span)
                    continue
            for w in self._word(core):
                tokens.append(w)
                spans.append(span)
            if trailing_break and (not tokens or tokens[-1] != "."):
                tokens.append(".")
                spans.append(span)
        starts: list[int] = []
        pos = 1
        for t in tokens:
            starts.append(pos)
            pos += len(t) + 1
        return Normalised(
            text=" " + " ".join(tokens) + " ",
            tokens=tuple(tokens),
            starts=tuple(starts),
            spans=tuple(spans),
        )


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (substitution, insertion, deletion, swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b, la, lb = b, a, lb, la
    if lb - la != 1:
        return False
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
