"""YAML as writers mean it: plain words stay words (YAML 1.2), with libyaml or without."""

from __future__ import annotations

import pytest

from bot.engine import yamlnodes
from bot.engine.yamlnodes import YamlError, load_with_lines

WORDS = "[Yes, No, on, off, y, 1:30, 0x1F, 0o17, 007, 2026-01-05, 1e3, 1_000, .inf]"
VALUES = "[true, False, null, ~, 12, -3, 0.5, 0]"


@pytest.mark.parametrize("loader", sorted({yamlnodes._PureLoader, yamlnodes._Loader}, key=str))
def test_only_true_false_null_and_plain_numbers_are_not_text(loader: type) -> None:
    data, problems = yamlnodes._load(loader, f"words: {WORDS}\nvalues: {VALUES}\nbuttons:\n  - Yes: step\n")
    assert problems == []
    assert data["words"] == ["Yes", "No", "on", "off", "y", "1:30", "0x1F", "0o17", "007", "2026-01-05", "1e3", "1_000", ".inf"]
    assert data["values"] == [True, False, None, None, 12, -3, 0.5, 0]
    assert data["buttons"] == [{"Yes": "step"}]


def test_a_block_text_starts_on_the_line_after_its_indicator() -> None:
    data, _ = load_with_lines("say: |\n  Hello\nitems:\n  - one\n  - >\n    two\n")
    assert data.text_line_of("say") == 2
    assert [data["items"].text_line_of(i) for i in range(2)] == [4, 6]


def test_a_syntax_error_is_explained_at_the_line_to_fix() -> None:
    with pytest.raises(YamlError) as caught:
        load_with_lines('a: 1\nsay: "Hello\nthen: b\n')
    assert caught.value.problem.line == 2
    assert "never closed" in caught.value.problem.message
