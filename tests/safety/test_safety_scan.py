"""safety.scan: JSON Lines in, the same objects with level, categories and reasons out."""

from __future__ import annotations

import io
import json

from safety.scan import scan


def _run(lines):
    out = io.StringIO()
    n = scan(lines, out)
    return n, [json.loads(x) for x in out.getvalue().splitlines()]


def test_adds_level_and_categories_in_order():
    n, recs = _run(['{"id": 1, "text": "i want to die"}\n', '{"id": 2, "text": "nice weather"}\n'])
    assert n == 2
    assert {k: v for k, v in recs[0].items() if k != "reasons"} == {
        "id": 1, "text": "i want to die", "level": "crisis", "categories": ["suicidal_intent"]}
    assert recs[0]["reasons"] and all(isinstance(r, str) for r in recs[0]["reasons"])
    assert recs[1]["level"] == "none" and recs[1]["categories"] == []


def test_blank_lines_skipped_and_malformed_flagged():
    n, recs = _run(['\n', '{"id": 1, "text": "hello"}', '   ', 'not json', '[1, 2]', '{"id": 3}',
                    '{"text": 5}', '{"id": 4, "text": "kms"}'])
    assert n == 6
    assert recs[0]["level"] == "none"
    assert "error" in recs[1] and recs[1]["line"] == 4
    assert "error" in recs[2]
    assert recs[3]["id"] == 3 and "error" in recs[3] and "level" not in recs[3]
    assert "error" in recs[4]
    assert recs[5]["level"] == "crisis"


def test_unicode_passthrough():
    _, recs = _run(['{"text": "ça va 💊"}'])
    assert recs[0]["text"] == "ça va 💊"
