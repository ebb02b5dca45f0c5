"""Make safety/data/country_names.tsv: every country's name in every language CLDR knows.

    python -m safety.build_country_names [--check]

Why a made file and not babel at run time: reading the names of ~500 languages from babel
takes seconds and keeps tens of MiB of locale data in memory, for a question most people
answer once. The file keeps only what a lookup needs: per country, CLDR's English name and
the other languages' names, folded (``safety.countries.fold``). babel is a development
dependency, pinned in pyproject.toml so that ``--check`` (a test runs it) rebuilds the
shipped file byte for byte and exits 1 when it differs.

Which languages: every locale babel ships that is a language or a language in a script
("sr_Latn"), not its regional variants ("en_GB"), which add few names. A name in a Latin
script shorter than four letters is left out unless it is English ("ira" is Iran in one
language and a word in many).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .countries import EXTRA_CODES, NAMES_FILE, fold

MIN_LATIN = 4


def _locales() -> list[str]:
    from babel.localedata import locale_identifiers

    out = []
    for ident in sorted(locale_identifiers()):
        parts = ident.split("_")
        if ident != "root" and (len(parts) == 1 or (len(parts) == 2 and len(parts[1]) == 4)):
            out.append(ident)
    return out


def build() -> str:
    import babel
    import pycountry
    from babel import Locale
    from babel.core import get_cldr_version

    wanted = {c.alpha_2 for c in pycountry.countries} | EXTRA_CODES
    english = {code: name for code, name in Locale.parse("en").territories.items() if code in wanted}
    others: dict[str, set[str]] = {code: set() for code in english}
    for ident in _locales():
        if ident == "en":
            continue
        for code, name in Locale.parse(ident).territories.items():
            if code not in others:
                continue
            key = fold(name)
            if key and (not key.isascii() or len(key.replace(" ", "")) >= MIN_LATIN):
                others[code].add(key)
    lines = [
        "# code<TAB>English name (CLDR)<TAB>the names in other languages, folded (safety.countries.fold), |-separated",
        f"# Made by `python -m safety.build_country_names` from babel {babel.__version__} (Unicode CLDR {get_cldr_version()}),",
        "# languages and languages-in-a-script only. Do not edit: see safety/data/README.md.",
    ]
    for code in sorted(english):
        mine = fold(english[code])
        names = sorted(key for key in others[code] if key != mine)
        lines.append(f"{code}\t{english[code]}\t{'|'.join(names)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m safety.build_country_names", description="Make safety/data/country_names.tsv from CLDR (babel).")
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs from a rebuild")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        shipped = NAMES_FILE.read_text(encoding="utf-8") if NAMES_FILE.exists() else ""
        if shipped != text:
            print(f"{NAMES_FILE} differs from a rebuild: run python -m safety.build_country_names", file=sys.stderr)
            return 1
        return 0
    Path(NAMES_FILE).write_text(text, encoding="utf-8")
    print(f"wrote {NAMES_FILE}: {text.count(chr(10)) - 3} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
