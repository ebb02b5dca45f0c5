"""What kind of answer a person typed, so a script can listen instead of echoing.

A companion that answers "idk" with '"idk" Thank you for naming it.' is not listening. Scripts
read the kind with the template filter ``kind`` (``{% if answers.need | kind == "ordinary" %}``)
and branch on it in routes (``if: answers.need | kind in ("unsure", "short")``), so an unsure,
short, negative or sceptical answer gets a reply of its own, and a heavy one is never read
back as if it were an ordinary answer.

The kinds, checked in this order (the first that applies wins):

- ``heavy``: pain or harm in the words (someone died, someone hit or hurt them, hating
  themselves, "better off without me"). Anywhere in the answer. The safety check has already
  read the message and starts a support card when one is needed; this kind is for what is
  painful but no emergency, so a script answers it gently and never quotes it back as
  "something you needed".
- ``sceptical``: doubt about the exercise ("this is stupid", "pointless", "whatever"), in a
  short answer (a long answer that mentions doubt is still mostly an answer).
- ``unsure``: only a hedge ("idk", "not sure", "no idea", "nothing comes").
- ``negative``: only a refusal or a none ("no", "nothing", "no one", "I'd rather not").
- ``short``: almost no words ("ok", "k", "fine", "yes", "lol", a lone emoji or full stop).
- ``ordinary``: everything else, including one good word ("scared", "a hug") and a number
  (an age: "6").

``""`` for no answer at all. Deterministic and small on purpose: a writer can predict it, a
test can pin it, and it costs nothing per turn.
"""

from __future__ import annotations

import re
import unicodedata

HEAVY = "heavy"
SCEPTICAL = "sceptical"
UNSURE = "unsure"
NEGATIVE = "negative"
SHORT = "short"
ORDINARY = "ordinary"
KINDS = (HEAVY, SCEPTICAL, UNSURE, NEGATIVE, SHORT, ORDINARY)

SCEPTICAL_WORDS = 10  # doubt in a longer answer is part of an answer, not the whole of it

# Words that carry no answer of their own: "um, idk really" is still only unsure.
_FILLER = frozenset(
    "um umm erm uh hmm hm hmmm well just really honestly tbh ngl lol haha like so sorry "
    "literally actually anyway now today mate".split()
)

_UNSURE = (
    "i don't know", "i dont know", "don't know", "dont know", "i do not know", "idk", "idek", "dunno",
    "i dunno", "not sure", "i'm not sure", "im not sure", "no idea", "no clue", "not a clue", "unsure",
    "maybe", "who knows", "i can't think", "i cant think", "can't think of anything", "cant think of anything",
    "can't think", "cant think", "nothing comes", "nothing comes to mind", "nothing came", "i can't say",
    "i cant say", "hard to say", "i don't remember", "i dont remember", "don't remember", "can't remember",
    "cant remember", "i can't remember", "i cant remember", "i forget", "not really sure", "no idea tbh", "?", "??", "???", "pass",
)
_NEGATIVE = (
    "no", "nope", "nah", "no thanks", "no thank you", "not really", "nothing", "none", "no one", "noone",
    "nobody", "never", "n/a", "na", "i'd rather not", "id rather not", "rather not", "i don't want to",
    "i dont want to", "don't want to", "dont want to", "i can't", "i cant", "i can not", "i cannot", "cannot", "not today", "no way",
    "nothing at all", "nothing really", "not anything", "i have nothing", "i don't have one",
    "i dont have one", "i don't have any", "i dont have any", "skip", "no comment",
)
_SHORT = (
    "ok", "okay", "k", "kk", "fine", "yes", "yeah", "yep", "yup", "sure", "meh", "good", "alright",
    "all right", "cool", "lol", "lmao", "hi", "hello", "hey", "sure thing", "whatevs", "x", "yes please",
)
_SCEPTICAL = re.compile(
    r"\b(?:stupid|dumb|pointless|silly|cringe\w*|lame|ridiculous|nonsense|bullshit|bs|rubbish|crap|"
    r"waste of (?:my )?time|no point|what(?:'s| is) the point|whatever|woo ?woo|hippie|hippy|"
    r"(?:does ?n[o']?t|won'?t|will not|wouldn'?t) (?:work|help)|this is (?:weird|daft|childish|awkward)|"
    r"why (?:am i|are we|would i|should i) (?:doing|do) (?:this|that)|i don'?t (?:believe|buy) (?:in )?(?:this|it|that)|"
    r"makes? no sense|load of|self[- ]help)\b"
)
_HEAVY = re.compile(
    r"\b(?:died|dead|death|dying|passed away|passed on|funeral|grave|miscarriage|stillborn|"
    r"lost (?:my|our) (?:mum|mom|mother|dad|father|brother|sister|son|daughter|baby|child|wife|husband|partner|friend|nan|gran|grandma|grandad|grandpa)|"
    r"hit(?:s|ting)? me|beat(?:s|en|ing)? me|hurt(?:s|ing)? me|kick(?:ed|s)? me|slap(?:ped|s)? me|punch(?:ed|es)? me|"
    r"abus\w*|rap(?:e|ed|ist)|molest\w*|touched me|assault\w*|violent|violence|neglect\w*|"
    r"locked me|threaten\w*|scared of (?:him|her|them|my)|afraid of (?:him|her|them|my)|"
    r"hate myself|i'?m worthless|worthless|useless piece|disgusting|better off without|unlovable|"
    r"(?:nobody|no one|noone) (?:wants|loves|likes|cares about|would miss) (?:you|me)|"
    r"kill(?:ing)? (?:my ?self|me)|suicid\w*|want(?:ed)? to die|wish i (?:was|were) dead|end it all|"
    r"self[- ]harm|cut(?:ting)? myself|burden)\b"
)
_WORDS = re.compile(r"[\w'/?]+")
_QUESTIONS = re.compile(r"^\?+$")


def normalise(text: str) -> str:
    """Lower case, one kind of apostrophe, no accents' compatibility forms, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.split())


def _only(words: str, phrases: tuple[str, ...]) -> bool:
    """Whether ``words`` is nothing but ``phrases`` and filler (each phrase on whole words)."""
    rest = f" {words} "
    for phrase in sorted(phrases, key=len, reverse=True):
        rest = rest.replace(f" {phrase} ", " ")
        rest = rest.replace(f" {phrase} ", " ")  # a phrase said twice: "no no"
    left = [w for w in rest.split() if w not in _FILLER]
    return not left and rest.strip() != words.strip()


def _words(text: str) -> str:
    """The answer as words: punctuation off the ends of words, a lone "?" kept (a hedge)."""
    tokens = []
    for token in _WORDS.findall(text):
        token = token.strip("'")
        if _QUESTIONS.match(token):
            tokens.append("?")
        elif token:
            tokens.append(token.rstrip("?") or "?")
    return " ".join(tokens)


def classify(text: str | None) -> str:
    """The kind of a free-text answer (see the module's docstring); "" for none."""
    if not text or not text.strip():
        return ""
    plain = normalise(text)
    if _hurts(plain):
        return HEAVY
    words = _words(plain)
    if not words:  # emoji, dots, a lone symbol
        return SHORT
    count = len(words.split())
    if count <= SCEPTICAL_WORDS and _doubts(plain):
        return SCEPTICAL
    words = _FILLER_PHRASES.sub(" ", f" {words} ").strip() or words
    if _only(words, _UNSURE):
        return UNSURE
    if _only(words, _NEGATIVE):
        return NEGATIVE
    if words.isdigit():
        return ORDINARY  # a number is an answer: an age, a count, a score
    if _only(words, _SHORT) or (count == 1 and len(words.replace("?", "")) <= 2):
        return SHORT
    return ORDINARY


# A judgement of oneself denied ("I'm not worthless", "never a burden") is an answer back, not
# the pain itself; harm and loss are heavy however they are said ("he never hit me" is rare).
_DENIABLE = frozenset({"worthless", "burden", "disgusting", "unlovable", "useless piece"})
_NEGATION = re.compile(r"(?:\bnot|n't|\bnever|\bno longer)(?: \w+)?\s*$")


def _hurts(plain: str) -> bool:
    """Pain or harm in the words, but for a judgement the person denies."""
    for found in _HEAVY.finditer(plain):
        if found.group() in _DENIABLE and _NEGATION.search(plain[: found.start()].replace(" a ", " ")):
            continue
        return True
    return False


# "stupid" after these is about the person, not the exercise ("afraid of looking stupid").
_ABOUT_ME = frozenset("look looking looked feel feeling felt seem seemed am im i'm being be was were called me myself".split())


def _doubts(plain: str) -> bool:
    """Doubt about the exercise, not a word of it about the person ("from looking stupid")."""
    for found in _SCEPTICAL.finditer(plain):
        before = plain[: found.start()].split()
        if not (before and before[-1].strip(",.") in _ABOUT_ME):
            return True
    return False


_FILLER_PHRASES = re.compile(r" (?:i mean|i guess|i think|to be honest|right now) ")


def kind_filter(value: object) -> str:
    """``{{ answers.need | kind }}``: the kind of an answer (a template's value is str-like)."""
    return classify(str(value) if value is not None else "")
