"""The safety lexicon at start-up: checked once per set of phrase files, not at every start.

The lexicon's expressions compile on first use (``safety.lazy_pattern``), so a start does
not spend a quarter of a second compiling some 220 of them. But a broken pattern must stop
the start, not fail on someone's message: ``safety.lexicon.check`` compiles them all. Its
verdict depends only on what ``safety.lexicon.source_digest`` covers (the phrase files, the
compiler's source, the Python version), so a clean check leaves that digest in the data
directory (``lexicon-checked``, 0600) and a later start with the same digest skips the
check. Anything in doubt (no file, another digest, a file others could have written) means
a full check, as on the first start.
"""

from __future__ import annotations

from pathlib import Path

from safety import lexicon

from .private_files import read_private, write_private

VERDICT_FILE = "lexicon-checked"


def ready(language: str, data_dir: Path | None) -> lexicon.Lexicon:
    """The lexicon, read, and checked unless ``data_dir`` holds a clean verdict for the very
    same files. Raises ``LexiconError`` (a ``ValueError``) for a broken pattern."""
    lex = lexicon.load(language)
    digest = lexicon.source_digest(language).encode()
    verdict = data_dir / f"{VERDICT_FILE}-{language}" if data_dir is not None else None
    if verdict is not None and _kept(verdict) == digest:
        return lex
    lexicon.check(lex)
    if verdict is not None:
        try:
            write_private(verdict, digest)
        except OSError:
            pass  # a read-only or full data directory: the next start checks again
    return lex


def _kept(path: Path) -> bytes | None:
    try:
        return read_private(path)
    except OSError:
        return None
