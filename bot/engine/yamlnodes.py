"""YAML that remembers line numbers, so every problem in a script names ``path:line``.

PyYAML's composer keeps marks on nodes; we build plain dicts and lists from the node tree
and keep the line of each key and item beside them. Duplicate keys, which YAML silently
overwrites, are reported: a writer who repeats a step name almost always meant two steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


class LineDict(dict[Any, Any]):  # YAML: any keys and values
    """A mapping from a YAML file with the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: object) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence from a YAML file with the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


@dataclass(frozen=True)
class YamlProblem:
    line: int
    message: str


class YamlError(Exception):
    def __init__(self, problem: YamlProblem):
        super().__init__(problem.message)
        self.problem = problem


def load_with_lines(text: str) -> tuple[object, list[YamlProblem]]:
    """Parse one YAML document; return the data and any duplicate-key problems."""
    loader = yaml.SafeLoader(text)
    problems: list[YamlProblem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, problems
        return _build(node, loader, problems), problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(YamlProblem(line, f"YAML syntax: {exc.problem or exc}")) from None
    finally:
        loader.dispose()


def _build(node: yaml.Node, loader: yaml.SafeLoader, problems: list[YamlProblem]) -> object:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = _build(key_node, loader, problems)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                problems.append(YamlProblem(key_node.start_mark.line + 1, "a key must be plain text"))
                continue
            if key in result:
                problems.append(
                    YamlProblem(key_node.start_mark.line + 1, f"'{key}' appears twice here")
                )
            result[key] = _build(value_node, loader, problems)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LineList(_build(child, loader, problems) for child in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        return items
    return loader.construct_object(node, deep=True)
