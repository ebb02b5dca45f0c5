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
        masked_targets: Sequence[str] = (),
        has_after: Sequence[str] = (),
        is_after: Sequence[str] = (),
        line_continues_after: Sequence[str] = (),
        phrases: Mapping[str, str] | None = None,
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
        # Masked spellings: "k*ll", "s*icide" (a "*" stands for one or two
        # letters) and spelled-out letters ("k.i.l.l", "s u i c i d e") are
        # read as one of these words; anything else is left alone.
        self._masked = tuple(sorted({str(w).lower() for w in masked_targets}, key=len, reverse=True))
        self._masked_set = frozenset(self._masked)
        self._masked_max = max((len(w) for w in self._masked), default=0)
        self._masked_re = re.compile("|".join(re.escape(w) for w in self._masked if len(w) >= 3) or "(?!)")
        # "'s" before one of these is "has" ("she's been", "he's got"), else "is".
        self._has_after = frozenset(str(w).lower() for w in has_after)
        # A noun's "'s" before one of these is "is", not a possessive ("my
        # dad's going to", "mum's coming home").
        self._is_after = frozenset(str(w).lower() for w in is_after)
        # A line break after one of these words does not end the sentence
        # ("i want to\nDie").
        self._continues = frozenset(str(w).lower() for w in line_continues_after)
        # Multi-word slang read as one word ("sewer slide" -> "suicide").
        self._phrases = {tuple(str(k).lower().split()): str(v).split() for k, v in (phrases or {}).items()}
        self._phrase_first = frozenset(k[0] for k in self._phrases)
        self._word_cache: dict[str, list[str]] = {}
        self._char_cache: dict[str, str] = {}

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
        cache = self._char_cache
        # In an unbroken run of emoji, an emoji seen three times already adds
        # nothing ("💊🔪" x 2000 is read as three of each): a wall of emoji
        # stays fast, and a different emoji at the end of the run still counts.
        run: dict[str, int] = {}
        for i, ch in enumerate(text):
            piece = cache.get(ch)
            if piece is None:
                piece = self._fold_char(ch)
                if len(cache) < 5000:
                    cache[ch] = piece
            if piece.startswith(" emoji_"):
                seen = run.get(ch, 0)
                if seen >= 3:
                    continue
                run[ch] = seen + 1
            elif run and piece.strip():
                run = {}
            if len(piece) == 1:
                out.append(piece)
                origin.append(i)
            elif piece:
                out.append(piece)
                origin.extend([i] * len(piece))
        return "".join(out), origin

    def _fold_char(self, ch: str) -> str:
        if ord(ch) in _INVISIBLE:
            return ""
        name = self._emoji.get(ch)
        if name is not None:
            return f" {name} "
        if ch.isascii():
            return ch.lower()
        piece = unicodedata.normalize("NFKD", ch.translate(_APOSTROPHES)).casefold()
        piece = "".join(c for c in piece if not unicodedata.combining(c))
        return unicodedata.normalize("NFKC", piece).translate(self._homoglyphs)

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
        cached = self._word_cache.get(raw)
        if cached is not None:
            return cached
        out = self._word_uncached(raw)
        if len(self._word_cache) > 20000:
            self._word_cache.clear()
        self._word_cache[raw] = out
        return out

    def _unmask(self, word: str) -> str | None:
        """'k*ll' -> 'kill', 's**cide' -> 'suicide': a masked risk word, or None."""
        letters = word.replace("*", "")
        if not letters or not any(c.isalpha() for c in letters) or len(word) > self._masked_max + 2:
            return None
        pat = re.compile("".join("[a-z]{1,2}" if c == "*" else re.escape(c) for c in word))
        for target in self._masked:
            if pat.fullmatch(target):
                return target
        return None

    def _word_uncached(self, raw: str) -> list[str]:
        word = raw.strip("'*|")
        if "*" in word:
            found = self._unmask(word.translate(self._leet) if any(c in _LEET_SYMBOLS for c in word) else word)
            word = found if found is not None else word.replace("*", "")
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

    def _spelled_out(self, raw_tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """Join letters spelled out one by one ("k.i.l.l", "s u i c i d e") into the
        masked risk words they spell; other single letters stay as they are."""
        if not self._masked:
            return raw_tokens
        out: list[tuple[str, int, int]] = []
        n = len(raw_tokens)
        i = 0
        while i < n:
            tok = raw_tokens[i][0]
            if not (len(tok) == 1 and tok.isalpha()):
                out.append(raw_tokens[i])
                i += 1
                continue
            # A run of single letters, optionally separated by single dots.
            run = [raw_tokens[i]]
            j = i + 1
            while j < n:
                t = raw_tokens[j][0]
                if len(t) == 1 and t.isalpha():
                    run.append(raw_tokens[j])
                    j += 1
                elif t == "." and j + 1 < n and len(raw_tokens[j + 1][0]) == 1 and raw_tokens[j + 1][0].isalpha():
                    j += 1
                else:
                    break
            if len(run) < 3:
                out.extend(raw_tokens[i:j])
                i = j
                continue
            letters = "".join(t for t, _, _ in run)
            pieces: list[tuple[str, int, int]] = []
            found = False
            k = 0
            for m in self._masked_re.finditer(letters):
                found = True
                pieces.extend(run[k : m.start()])
                pieces.append((m.group(0), run[m.start()][1], run[m.end() - 1][2]))
                k = m.end()
            pieces.extend(run[k:])
            out.extend(pieces if found else raw_tokens[i:j])
            i = j
        return out

    def __call__(self, text: str) -> Normalised:
        chars, origin = self._chars(text)
        raw_tokens = self._spelled_out([(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(chars)])
        tokens: list[str] = []
        spans: list[tuple[int, int]] = []
        n = len(raw_tokens)
        word = self._word
        has_after = self._has_after
        for idx, (tok, s, e) in enumerate(raw_tokens):
            span = (origin[s], origin[e - 1] + 1)
            if tok.isalpha() or tok.startswith("emoji_"):
                # The common case: a plain word (or an emoji's name), no
                # apostrophe, digit or symbol to look at.
                words = word(tok)
                if len(words) == 1:
                    tokens.append(words[0])
                    spans.append(span)
                else:
                    for w in words:
                        tokens.append(w)
                        spans.append(span)
                if tok in ("hes", "shes") and has_after and idx + 1 < n and raw_tokens[idx + 1][0] in has_after:
                    tokens[-1] = "has"
                continue
            if tok in _BREAK_CHARS:
                if tokens and tokens[-1] == ".":
                    continue
                if tok == "\n" and tokens and idx + 1 < n and raw_tokens[idx + 1][0] != "\n":
                    # A line break inside a sentence ("i want to\ndie"): the next
                    # line goes on in lower case, or this one ends on a word that
                    # cannot end a sentence.
                    nxt = text[origin[raw_tokens[idx + 1][1]]]
                    if nxt.islower() or nxt.isdigit() or tokens[-1] in self._continues:
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
            words = self._word(core)
            if (
                self._has_after
                and idx + 1 < n
                and (core.endswith("'s") or core in ("hes", "shes"))
                and raw_tokens[idx + 1][0] in self._has_after
            ):
                # "she's got", "he's been", "mum's been": has, not is.
                words = words[:-1] + ["has"] if words[-1:] == ["is"] else words + ["has"]
            elif (
                self._is_after
                and idx + 1 < n
                and core.endswith("'s")
                and len(words) == 1
                and raw_tokens[idx + 1][0] in self._is_after
            ):
                words = words + ["is"]
            for w in words:
                tokens.append(w)
                spans.append(span)
            if trailing_break and (not tokens or tokens[-1] != "."):
                tokens.append(".")
                spans.append(span)
        if self._phrases:
            tokens, spans = self._join_phrases(tokens, spans)
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

    def _join_phrases(
        self, tokens: list[str], spans: list[tuple[int, int]]
    ) -> tuple[list[str], list[tuple[int, int]]]:
        """Multi-word slang read as its meaning ("sewer slide" -> "suicide")."""
        if self._phrase_first.isdisjoint(tokens):
            return tokens, spans
        out_t: list[str] = []
        out_s: list[tuple[int, int]] = []
        i, n = 0, len(tokens)
        while i < n:
            if tokens[i] in self._phrase_first:
                for size in (3, 2):
                    key = tuple(tokens[i : i + size])
                    if len(key) == size and key in self._phrases:
                        span = (spans[i][0], spans[i + size - 1][1])
                        for w in self._phrases[key]:
                            out_t.append(w)
                            out_s.append(span)
                        i += size
                        break
                else:
                    out_t.append(tokens[i])
                    out_s.append(spans[i])
                    i += 1
                continue
            out_t.append(tokens[i])
            out_s.append(spans[i])
            i += 1
        return out_t, out_s


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
