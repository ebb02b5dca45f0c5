"""A YAML syntax error in a writer's words, at the line where the writer can fix it.

The parser speaks of tokens, scalars and block ends ("mapping values are not allowed here",
"expected <block end>, but found '<scalar>'"); a writer needs to hear which of a handful of
everyday slips it was: a colon inside text, a tab, a quote never closed, text going on after
a closing quote, a line indented differently from its neighbours, a text starting with a
character YAML keeps for itself (``{``, ``*``, ``&``, ``@``, a backtick, ``%``), a second
``---`` document. The line is the one to edit: an unclosed quote is reported where it opens,
not at the end of the file where the parser gave up. Anything else keeps the parser's words,
after "YAML syntax:".
"""

from __future__ import annotations

import re

import yaml

QUOTE_OR_BLOCK = "put the text in quotes, or write it as a block (say: | then the text on the next lines)"
_KEY_ONLY = re.compile(r"^\s*(?:-\s+)?[\w-]+\s*$")  # what stands before the colon of a key at a line's start
_AFTER_QUOTE = re.compile(r"""(?:^|:\s|-\s)(["'])(?:(?!\1).)*\1\s*[^\s#,\]}:]""")
_RESERVED_START = {
    "@": "@", "`": "a backtick", "%": "%", "|": "|", ">": ">", "!": "!",
}


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line and message to show for a parser error in ``text``."""
    lines = text.splitlines()
    problem = exc.problem or ""
    context = exc.context or ""
    line = _line(exc.problem_mark) or _line(exc.context_mark) or 1
    context_line = _line(exc.context_mark) or line

    def source(number: int) -> str:
        return lines[number - 1] if 0 < number <= len(lines) else ""

    message = None
    if "\\t" in problem or "tab character" in problem:
        message = "a tab character: YAML indents with spaces only; replace the tab with spaces"
    elif "quoted scalar" in context and "end of stream" in problem:
        line = context_line
        message = "this quote is never closed: end the text with the same quote mark it starts with"
    elif "quoted scalar" in context and "escape character" in problem:
        line = context_line
        message = "a backslash inside double quotes starts a code such as \\n: write the text in single quotes, or \\\\ for a backslash"
    elif problem.startswith("mapping values are not allowed"):
        column = exc.problem_mark.column if exc.problem_mark else 0
        if line > 1 and _KEY_ONLY.match(source(line)[:column]):
            message = "this line is indented further than the key above it, so YAML reads it as more of that text: line it up with the keys it belongs with"
        else:
            message = f"a colon followed by a space inside text: {QUOTE_OR_BLOCK}"
    elif "duplicate anchor" in context:
        name = re.search(r"anchor '([^']*)'", context)
        message = f"&{name.group(1) if name else ''} is used twice (first on line {context_line}): a text starting with & needs quotes; an anchor needs a name of its own"
    elif "undefined alias" in problem or "while scanning an alias" in context or "while scanning an anchor" in context:
        message = f"a text starting with * or & is read as a YAML reference: {QUOTE_OR_BLOCK}"
    elif "flow mapping" in context or "flow sequence" in context:
        line = context_line
        opening, closing = ("{", "}") if "mapping" in context else ("[", "]")
        message = f"this {opening} is never closed with {closing}: a text that starts with {opening} needs quotes"
    elif "another document" in problem:
        message = "a line of --- starts a second document: a file holds one; remove the ---"
    elif "cannot start any token" in problem:
        found = re.search(r"character '(.)'", problem)
        char = found.group(1) if found else ""
        if char in ("%", "{") or "{%" in source(line) or "{{" in source(line):
            message = f"a text starting with {{{{ or {{% is read as YAML, not text: {QUOTE_OR_BLOCK}"
        else:
            message = f"a text cannot start with {_RESERVED_START.get(char, repr(char))} in YAML: {QUOTE_OR_BLOCK}"
    elif "could not find expected ':'" in problem:
        line = context_line
        message = "this line is neither 'key: value' nor indented under a key: indent a block's text further than its key, or put a text over several lines in quotes"
    elif "expected <block end>" in problem or "expected <block mapping start>" in problem:
        if _AFTER_QUOTE.search(source(line)):
            message = "the text goes on after its closing quote: quote the whole text (say: 'She said \"hello\" and smiled')"
        elif "{{" in source(line) or "{%" in source(line):
            message = f"a text starting with {{{{ or {{% is read as YAML, not text: {QUOTE_OR_BLOCK}"
        else:
            message = f"this line's indentation does not match the lines above it (the group that starts on line {context_line}): line up keys of one level with the same number of spaces"
    if message is None:
        message = f"YAML syntax: {problem or exc}" + (f" ({context})" if context else "")
    return line, message


def _line(mark: yaml.Mark | None) -> int:
    return mark.line + 1 if mark is not None else 0
