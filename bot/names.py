"""Whether what a person typed at a name question reads as a name.

People answer "What would you like me to call you?" with their name, and sometimes with
"idk", "this is stupid" or "why do you need that?". Kept as a name, those words would come
back in every later sentence ("Now ask this is stupid: what do you need right now?"), so the
companion asks before keeping anything that does not look like a name (``bot/core/name_check``).

The reading is deterministic and deliberately modest. An odd answer that is a name after all
costs one tap ("Yes, keep it"); a name that reads as a doubt ("Silly Billy", "Nobody") cannot
be kept, the price of never quoting a doubt back:

- a name is short (at most ``MAX_WORDS`` words), made of letters of any script (with their
  accents and marks), and may hold a hyphen, an apostrophe, a dot or spaces: "Little Sam",
  "Zoë", "Jean-Luc", "O'Brien", "小明", "little me", "the kid";
- not a name: a refusal, doubt or scepticism ("idk", "no", "not sure", "whatever", "skip",
  "this is stupid", "none of your business"), read with the lists here and the engine's
  answer kinds (``answer_kinds.classify``: sceptical, unsure, negative or heavy), a sentence
  (two words or more with "I", "you", "is", "why" ...), anything with ? or ! or a digit or
  an emoji, very long words;
- "yes", "ok", "sure" say "I'd like to choose one" rather than give one.

A doubt is never quoted back: the person is told a name is optional, and can type another.
"""

from __future__ import annotations

import enum
import re
import unicodedata

from .engine.answer_kinds import HEAVY, NEGATIVE, SCEPTICAL, UNSURE, classify

MAX_WORDS = 4
MAX_WORD = 20  # characters of one word, in scripts written with spaces
MAX_UNSPACED = 8  # characters of one word in scripts written without spaces (Chinese, Japanese, Thai)
JOINERS = frozenset("-‐‑'’ʼ.·・ ")  # hyphens, apostrophes, dots and the space, between letters
UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR")


class Doubt(str, enum.Enum):
    """Why an answer is not taken as a name at once."""

    ODD = "odd"  # it may be meant as a name, but it doesn't look like one: ask, quoting it
    UNSURE = "unsure"  # a refusal, doubt or scepticism: never quoted back, a name is optional
    YES = "yes"  # "yes", "ok": they would like to choose one, and haven't yet


# Whole answers (as ``words`` reads them) that say "I don't know" or "I'd rather not".
UNSURE_ANSWERS = frozenset(
    {
        "idk", "i dunno", "dunno", "dont know", "i dont know", "i do not know", "not sure", "im not sure",
        "unsure", "no idea", "no clue", "maybe", "i guess", "hmm", "hm", "um", "umm", "uh", "erm",
        "no", "nope", "nah", "no thanks", "no thank you", "no name", "none", "nothing", "nobody",
        "no one", "noone", "n a", "skip", "pass", "next", "later", "not now", "not yet",
        "whatever", "anything", "any", "doesnt matter", "it doesnt matter", "dont care", "i dont care",
        "dont mind", "i dont mind", "up to you", "you choose", "you pick", "you decide",
        "never mind", "nevermind", "rather not", "id rather not", "prefer not", "not telling",
        "why", "who cares", "stupid", "dumb", "pointless", "nonsense", "meh", "lol", "lmao", "haha", "whatevs",
        "hi", "hello", "hey", "hiya",
        # a few other languages
        "je ne sais pas", "sais pas", "aucune idee", "aucune idée", "keine ahnung", "weiß nicht",
        "weiss nicht", "ich weiß nicht", "ich weiss nicht", "nein", "no sé", "no se", "ni idea",
        "não sei", "nao sei", "non lo so", "boh", "nie wiem", "weet ik niet", "geen idee",
        "bilmiyorum", "не знаю", "нет", "不知道", "不知道啊", "わからない", "わかりません", "知らない",
        "모르겠어요", "모르겠어", "몰라",
    }
)
# Words that make any answer a refusal, doubt or scepticism, wherever they stand.
UNSURE_WORDS = frozenset(
    {"idk", "dunno", "whatever", "stupid", "dumb", "pointless", "nonsense", "ridiculous", "why", "business", "cringe", "bullshit"}
)
# Phrases that do the same inside a longer answer ("i really dont know", "no idea tbh").
UNSURE_PHRASES = (
    "dont know", "not sure", "no idea", "no clue", "dont care", "doesnt matter", "dont want", "rather not",
    "prefer not", "not telling", "no name", "none of", "who cares", "cant think", "up to you",
)
UNSURE_OPENINGS = frozenset({"no", "nope", "nah", "nein", "non", "нет", "never"})  # as the first word
YES_ANSWERS = frozenset(
    {
        "yes", "y", "yeah", "yea", "yep", "yup", "sure", "sure thing", "ok", "okay", "kk", "alright", "all right",
        "fine", "good", "cool", "of course", "yes please", "i would", "id like that", "id like to",
    }
)
NOT_ANSWERS = (HEAVY, SCEPTICAL, UNSURE, NEGATIVE)  # answer kinds that are no name
# Words of a sentence rather than a name, in an answer of two words or more ("little me" and
# "the kid" are names; "i am not" is not).
SENTENCE_WORDS = frozenset(
    {
        "i", "im", "ive", "id", "ill", "you", "youre", "your", "is", "are", "am", "was", "were", "dont", "doesnt",
        "didnt", "cant", "wont", "isnt", "know", "think", "want", "wanna", "need", "care", "what", "how", "who",
        "this", "that", "it", "its", "have", "has", "should", "would", "could", "just", "really", "please",
        "name", "call", "because", "not", "yes", "lol",
    }
)


def words(text: str) -> list[str]:
    """Lower-case words: apostrophes dropped ("don't" = "dont"), other punctuation a space."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"['’‘`´ʼ]", "", text)
    return re.sub(r"[^\w\s]", " ", text).split()


def doubt(text: str) -> Doubt | None:
    """None when ``text`` reads as a name; else why it does not (see the module's rules)."""
    name = " ".join(unicodedata.normalize("NFC", text).split())
    said = words(name)
    joined = " ".join(said)
    if joined in YES_ANSWERS:
        return Doubt.YES
    if (
        joined in UNSURE_ANSWERS
        or (said and said[0] in UNSURE_OPENINGS)
        or UNSURE_WORDS & set(said)
        or any(re.search(rf"(?<!\w){phrase}(?!\w)", joined) for phrase in UNSURE_PHRASES)
    ):
        return Doubt.UNSURE
    if classify(name) in NOT_ANSWERS:
        return Doubt.UNSURE
    if not _shaped_like_a_name(name) or (len(said) > 1 and SENTENCE_WORDS & set(said)):
        return Doubt.ODD
    return None


def looks_like_name(text: str) -> bool:
    """Whether ``text`` can be kept as a name without asking first."""
    return doubt(text) is None


def _shaped_like_a_name(name: str) -> bool:
    """Letters of any script in at most ``MAX_WORDS`` short words, with only hyphens,
    apostrophes and dots between them: no digits, emoji, ? or !."""
    if not name or len(name.split()) > MAX_WORDS:
        return False
    letters = 0
    for ch in name:
        kind = unicodedata.category(ch)[0]
        if kind == "L":
            letters += 1
        elif kind != "M" and ch not in JOINERS:
            return False
    if letters * 2 < len(name.replace(" ", "")):
        return False
    return all(len(word) <= _word_limit(word) for word in name.split())


def _word_limit(word: str) -> int:
    unspaced = any(unicodedata.name(ch, "").startswith(UNSPACED_SCRIPTS) for ch in word)
    return MAX_UNSPACED if unspaced else MAX_WORD
