"""A regular expression compiled the first time a message needs it.

Why: the phrase files compile to some 220 regular expressions, and compiling them all is
most of what loading the lexicon costs (a quarter of a second of every start of the bot).
Most messages are tried against a handful of rules (each rule is skipped unless the message
holds one of the words its matches start with: ``Rule.first``), so most expressions are
needed late or never in a process's life. Each is compiled on its first use instead, and
kept. Two threads that both reach an uncompiled expression both compile it; either result
is the same object's worth, so no lock is needed.

Compiling late must never mean failing late: a phrase file with a broken pattern would
then raise on the message that needed it, and a safety check that raises on someone's
words is the worst way to fail. So ``lexicon.check`` compiles every expression of a
lexicon, and start-up runs it on any phrase files it has not seen compile cleanly before
(``lexicon_check.py`` keeps that verdict under a digest of the files).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator


class LazyPattern:
    """The part of ``re.Pattern`` the detector uses, compiling on first use."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern)
        return compiled

    def compile(self) -> None:
        """Compile now (``re.error`` for a broken pattern)."""
        self._compiled = self.compiled

    @property
    def is_compiled(self) -> bool:
        return self._compiled is not None

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern[:40]!r}{'...' if len(self.pattern) > 40 else ''})"
