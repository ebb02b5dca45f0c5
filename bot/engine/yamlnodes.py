"""YAML that remembers line numbers, so every problem in a script names ``path:line``.

PyYAML's composer keeps marks on nodes; we build plain dicts and lists from the node tree
and keep the line of each key and item beside them. Duplicate keys, which YAML silently
overwrites, are reported: a writer who repeats a step name almost always meant two steps.

Plain words stay words (YAML 1.2, not PyYAML's YAML 1.1). YAML 1.1 turns a bare ``Yes``,
``No``, ``on`` or ``off`` into true/false, ``1:30`` into 90, ``010`` into 8 and
``2026-01-05`` into a date, so a button ``- Yes: step`` became a boolean label and a cascade
of errors. We keep PyYAML (no new dependency, and its libyaml parser is fast at every
start-up and reload) and give it our own implicit types, YAML 1.2's core schema narrowed
to what a writer means: ``true``/``false``, ``null``/``~``/nothing, and plain decimal
numbers (``12``, ``-3``, ``0.5``). Everything else, ``0x1F``, ``0o17``, ``007``, ``1e3``,
``1_000``, ``.inf``, is text as written. ruamel.yaml would give YAML 1.2 too, but as a
second YAML library beside the PyYAML the rest of the code uses, and slower to load.

A file is parsed with libyaml when it is installed; a file that does not parse is parsed
again by the pure-Python parser, whose messages name the offending character, and
``yamlerrors`` rewrites them in a writer's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .yamlerrors import explain


class LineDict(dict[Any, Any]):  # YAML: any keys and values
    """A mapping from a YAML file with the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]
    text_lines: dict[Any, int]  # where a text value's first line is (the line after ``key: |``)

    def line_of(self, key: object) -> int:
        return self.key_lines.get(key, self.line)

    def text_line_of(self, key: object) -> int:
        try:
            return self.text_lines[key]
        except (AttributeError, KeyError):  # made by hand, or not a text
            return self.line_of(key)


class LineList(list[Any]):
    """A sequence from a YAML file with the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]
    text_lines: list[int]  # where a text item's first line is (the line after ``- |``)

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line

    def text_line_of(self, index: int) -> int:
        lines = self.text_lines if hasattr(self, "text_lines") else []
        return lines[index] if 0 <= index < len(lines) else self.line_of(index)


@dataclass(frozen=True)
class YamlProblem:
    line: int
    message: str


class YamlError(Exception):
    def __init__(self, problem: YamlProblem):
        super().__init__(problem.message)
        self.problem = problem


class WritersResolver(BaseResolver):
    """The implicit types above: booleans are only true/false, numbers only plain decimals."""


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+0123456789."),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
):
    WritersResolver.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


class _PureLoader(Reader, Scanner, Parser, Composer, SafeConstructor, WritersResolver):
    def __init__(self, stream: str):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        WritersResolver.__init__(self)


_Loader: type[Any] = _PureLoader
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _FastLoader(CParser, SafeConstructor, WritersResolver):
        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            WritersResolver.__init__(self)

    _Loader = _FastLoader


def load_with_lines(text: str) -> tuple[object, list[YamlProblem]]:
    """Parse one YAML document; return the data and any duplicate-key problems."""
    try:
        return _load(_Loader, text)
    except yaml.YAMLError:
        if _Loader is _PureLoader:
            raise
    try:  # again, for the pure-Python parser's clearer messages
        return _load(_PureLoader, text)
    except yaml.MarkedYAMLError as exc:
        raise YamlError(YamlProblem(*explain(exc, text))) from None


def _load(loader_class: type[Any], text: str) -> tuple[object, list[YamlProblem]]:
    loader = loader_class(text)
    problems: list[YamlProblem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, problems
        return _build(node, loader, problems, text.splitlines()), problems
    finally:
        loader.dispose()


def _text_line(node: yaml.Node) -> int:
    """The 1-based line a scalar's text starts on: a block (``|`` or ``>``) starts on the
    line after its indicator."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        line += 1
    return line


def _build(node: yaml.Node, loader: Any, problems: list[YamlProblem], lines: list[str]) -> object:  # noqa: ANN401 - either loader class
    if isinstance(node, yaml.MappingNode):
        if node.flow_style and _starts_with_template(node, lines):
            problems.append(YamlProblem(node.start_mark.line + 1, "a text starting with {{ or {% is read as YAML, not text: put it in quotes, or write it as a block (say: | then the text on the next lines)"))
            return ""
        loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        result.text_lines = {}
        for key_node, value_node in node.value:
            key = _build(key_node, loader, problems, lines)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                problems.append(YamlProblem(key_node.start_mark.line + 1, "a key must be plain text"))
                continue
            if key in result:
                problems.append(
                    YamlProblem(key_node.start_mark.line + 1, f"'{key}' appears twice here")
                )
            result[key] = _build(value_node, loader, problems, lines)
            result.key_lines[key] = key_node.start_mark.line + 1
            result.text_lines[key] = _text_line(value_node)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LineList(_build(child, loader, problems, lines) for child in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        items.text_lines = [_text_line(child) for child in node.value]
        return items
    return loader.construct_object(node, deep=True)


def _starts_with_template(node: yaml.Node, lines: list[str]) -> bool:
    mark = node.start_mark
    return mark.line < len(lines) and lines[mark.line][mark.column:].startswith(("{{", "{%"))
