"""A line ended in a template is a line the person reads; a line that says nothing is gone."""

from __future__ import annotations

import pytest

from bot.engine.linebreaks import GONE
from bot.engine.templates import make_environment

ENV = make_environment(None)
README = '{% if answers.mistake %}You wrote: "{{ answers.mistake }}".{% endif %}\nWhat would you say to a friend?'


@pytest.mark.parametrize(
    "source,values,expected",
    [
        (README, {"answers": {"mistake": "I forgot a birthday"}}, 'You wrote: "I forgot a birthday".\nWhat would you say to a friend?'),
        (README, {"answers": {"mistake": ""}}, "What would you say to a friend?"),
        ("Hi.\n{% if name %}Hello, {{ name }}.{% endif %}\nHow are you?", {"name": ""}, "Hi.\nHow are you?"),
        ("Lines:\n{% for l in lines %}\n• {{ l }}{% if l == 'b' %} (24/7){% endif %}\n{% endfor %}\nEnd.", {"lines": ["a", "b"]}, "Lines:\n• a\n• b (24/7)\nEnd."),
        ("{% if a %}\nA.\n{% else %}\nB.\n{% endif %}\nEnd.", {"a": False}, "B.\nEnd."),
        ("Kept {# a note #}\nline", {}, "Kept \nline"),
        ("Trimmed on purpose{% if true -%}\n!{% endif %}", {}, "Trimmed on purpose!"),
    ],
)
def test_block_tags_keep_the_line_they_end(source: str, values: dict[str, object], expected: str) -> None:
    rendered = ENV.from_string(source).render(values)
    assert rendered == expected
    assert GONE not in rendered
