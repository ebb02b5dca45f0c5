"""Batch assessment of JSON Lines: `innerchild safety scan < in.jsonl > out.jsonl`.

Why: reviewers and clinicians need to run the detector over a file of
messages (a test set, an export of anonymised transcripts) and see the levels
without writing code. Each input object is written back with `level`,
`categories` and `reasons` added, in the same order. `reasons` names what
raised the level: a rule id ("suicidal.intent", "escalation.E2") or the
learned layer with its score ("model.risk@0.83"). With `learned=False`
(`innerchild safety scan --rules-only`) the rules alone are used, to compare
the two layers; a line that cannot be read gets an
`error` field instead of stopping the run. Nothing is logged.
"""

from __future__ import annotations

import json
import sys
from typing import Iterable, TextIO

from .detect import assess


def scan(lines: Iterable[str], out: TextIO, *, learned: bool = True) -> int:
    """Assess each JSON object's `text`; returns the number of lines written."""
    written = 0
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        obj: object = None
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("line is not a JSON object")
            text = obj.get("text")
            if not isinstance(text, str):
                raise ValueError("missing or non-string 'text' field")
            a = assess(text, learned=learned)
            record = dict(obj)
            record["level"] = a.level.label
            record["categories"] = list(a.categories)
            record["reasons"] = list(dict.fromkeys(m.rule_id for m in a.matches))
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            record = dict(obj) if isinstance(obj, dict) else {}
            record["line"] = lineno
            record["error"] = str(exc).split(":")[0] if isinstance(exc, json.JSONDecodeError) else str(exc)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    return written


def main() -> int:  # pragma: no cover - thin CLI shim
    scan(sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
