"""Text -> hashed sparse features for the learned layer.

Why hashing: the model must generalise to spellings nobody listed ("unal1ve",
"kermit sewer slide", "i wanna dieee") and must ship as one small file with no
vocabulary to keep in step. Words, word pairs and the character n-grams inside
each word are hashed (CRC-32, stable across runs and machines, unlike Python's
salted `hash`) into a fixed number of buckets. Character n-grams carry typos and
chat spellings; word pairs carry short phrases ("no point", "end it"); a word
after a negation cue gets its own feature ("neg:die"), so "i do not want to
die" and "i want to die" differ even to a linear model.

This tokeniser is deliberately independent of the rule normaliser: changing a
rule file must never silently change what the model sees.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from zlib import crc32

# Leetspeak and masking folded to letters before hashing ("d1e", "k*ll", "s.u.i.c.i.d.e").
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_WORD = re.compile(r"[a-z0-9@$!*']+|[\U0001F000-\U0001FAFF\u2600-\u27BF]|[.?;\n]")
_SPELLED = re.compile(r"\b(?:[a-z][ .*_-]){3,}[a-z]\b")  # "s u i c i d e", "k.i.l.l"
_RUN = re.compile(r"(.)\1{2,}")
_CLAUSE_BREAK = frozenset({".", "?", ";", "\n", "but", "and"})
_NEGATION = frozenset({"not", "no", "never", "dont", "don't", "didnt", "didn't", "cant", "can't",
                       "wont", "won't", "isnt", "isn't", "nobody", "nothing", "without", "n't"})
_CHAR_N = (3, 4, 5)
_LONGEST_WORD = 24  # a longer "word" is a pasted string or keyboard mash: its start is enough

FEATURE_VERSION = 1
# The model reads at most this many tokens (the first and last halves of a longer
# message): every training message is far shorter, and a pasted wall of emoji or
# punctuation stays fast.
MAX_TOKENS = 600


def tokens(text: str) -> list[str]:
    """Lower-cased words, emoji and clause marks, with masking and leetspeak folded."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    text = _SPELLED.sub(lambda m: re.sub(r"[ .*_-]", "", m.group(0)), text)
    found = _WORD.findall(text)
    if len(found) > MAX_TOKENS:
        # A wall of text: its beginning and end carry the model's reading; the
        # rules still read every word of it.
        found = found[: MAX_TOKENS // 2] + found[-MAX_TOKENS // 2 :]
    return [word for word in map(_fold, found) if word]


@lru_cache(maxsize=65536)
def _fold(raw: str) -> str:
    """One raw token as the model sees it ("" to drop it); cached, as words repeat."""
    if len(raw) > 1 and not raw.isdigit():
        raw = raw.translate(_LEET).replace("*", "i")
    return _RUN.sub(r"\1\1", raw).strip("'")


@lru_cache(maxsize=65536)
def _char_grams(word: str) -> tuple[str, ...]:
    """The character n-grams of one word (cached: words repeat, long messages stay fast)."""
    if len(word) <= 2 or not word.isalpha():
        return ()
    padded = "<" + word[:_LONGEST_WORD] + ">"
    return tuple("c:" + padded[i : i + n] for n in _CHAR_N for i in range(len(padded) - n + 1))


@lru_cache(maxsize=262144)
def _bucket_cached(feature: str, buckets: int) -> int:
    return crc32(feature.encode("utf-8")) % buckets


def extract(text: str, buckets: int) -> dict[int, float]:
    """Bucket -> weight for one message, L2-normalised over all its features."""
    words = tokens(text)
    feats: dict[str, float] = {}

    def add(name: str) -> None:
        feats[name] = feats.get(name, 0.0) + 1.0

    negated = False
    previous = "<s>"
    for word in words:
        if word in _CLAUSE_BREAK:
            negated = False
        add("w:" + word)
        add("b:" + previous + " " + word)
        if negated:
            add("neg:" + word)
        if word in _NEGATION or word.endswith("n't"):
            negated = True
        for gram in _char_grams(word):
            add(gram)
        previous = word
    add("b:" + previous + " </s>")
    if not words:
        add("<empty>")
    out: dict[int, float] = {}
    norm = sum(v * v for v in feats.values()) ** 0.5 or 1.0
    for name, value in feats.items():
        b = _bucket_cached(name, buckets)
        out[b] = out.get(b, 0.0) + value / norm
    return out
