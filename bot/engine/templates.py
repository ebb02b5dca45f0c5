"""Rendering what the companion says, from templates operators write.

Templates are data from operators, and a person's words reach them only as values:
``ImmutableSandboxedEnvironment`` (no attribute tricks, no mutation), ``StrictUndefined``
(a misspelt name is an error the validator finds, not a silent blank), and autoescape, so
a name such as ``<Sam & co>`` arrives in Telegram's HTML as text. The sandbox bounds
neither CPU nor memory, so string repetition and powers are refused.
"""

from __future__ import annotations

import html
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, nodes
from jinja2.bccache import BytecodeCache, Bucket
from jinja2.environment import TemplateExpression
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.parser import Parser
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .answer_kinds import kind_filter
from .linebreaks import CompanionTemplate, KeepLineBreaks

if TYPE_CHECKING:
    from .script import Bubble

# Names every template may use. The companion provides them all on every turn.
BASE_NAMES = frozenset(
    {
        "name",  # how the person likes to be called ("" when not given)
        "child_name",  # the name they chose for their inner child ("" when none)
        "country",  # ISO code or ""
        "country_name",
        "timezone",
        "answers",  # this dialogue's free-text answers by key ("" until answered)
        "journal",  # the latest journal answer by key from any dialogue ("" when none)
        "vars",  # values this dialogue's buttons set
        "title",  # this dialogue's title
        "support",  # crisis resources for the person's country (see companion)
        "part_of_day",  # "morning", "afternoon", "evening" or "night"
        "visits",  # how many times the person started this dialogue before
    }
)


@dataclass
class Compiled:
    """Jinja's compiled code for a folder's templates, by source: what ``library_cache``
    keeps between start-ups, so a start compiles nothing an earlier one compiled."""

    templates: dict[str, CodeType] = field(default_factory=dict)  # bubbles written in a script, texts.yaml
    expressions: dict[str, CodeType] = field(default_factory=dict)  # conditions (``if:``)
    files: dict[str, bytes] = field(default_factory=dict)  # templates/*.j2, as Jinja's bytecode cache keeps them


class _FileCode(BytecodeCache):
    """Jinja's own bytecode cache for ``templates/*.j2`` (it checks each file's source), kept
    in a ``Compiled``."""

    def __init__(self, compiled: Compiled):
        self.compiled = compiled

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.compiled.files.get(bucket.key)
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled.files[bucket.key] = bucket.bytecode_to_string()


class CompanionEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with repetition and powers refused (they can exhaust memory or CPU), and
    a line ended in a template kept as a line (``linebreaks``). With ``compiled`` set (while
    a library loads), code is taken from it and what is compiled is kept in it."""

    template_class = CompanionTemplate
    intercepted_binops = frozenset({"*", "**"})
    compiled: Compiled | None = None

    def use_compiled(self, compiled: Compiled | None) -> None:
        """Take code from, and keep code in, ``compiled``; None: compile as Jinja does."""
        self.compiled = compiled
        self.bytecode_cache = _FileCode(compiled) if compiled is not None else None

    def template_from(self, source: str) -> Template:
        """A template compiled from ``source`` (or its kept code)."""
        code = self.compiled.templates.get(source) if self.compiled is not None else None
        if code is None:
            code = self.compile(parsed(self, source))
            if self.compiled is not None:
                self.compiled.templates[source] = code
        return self.template_class.from_code(self, code, self.make_globals(None), None)

    def compile_expression(self, source: str, undefined_to_none: bool = True) -> TemplateExpression:
        """Jinja's ``compile_expression`` (the same tree, parsed the same way), taking and
        keeping its code in ``compiled``."""
        code = self.compiled.expressions.get(source) if self.compiled is not None else None
        if code is None:
            parser = Parser(self, source, state="variable")
            try:
                expression = parser.parse_expression()
                if not parser.stream.eos:
                    raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
                expression.set_environment(self)
            except TemplateSyntaxError:
                self.handle_exception(source=source)
            code = self.compile(nodes.Template([nodes.Assign(nodes.Name("result", "store"), expression, lineno=1)], lineno=1))
            if self.compiled is not None:
                self.compiled.expressions[source] = code
        template = self.template_class.from_code(self, code, self.make_globals(None), None)
        return TemplateExpression(template, undefined_to_none)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:  # noqa: ANN401 - Jinja's signature
        if operator == "**":
            raise SecurityError("powers are not allowed in templates")
        if operator == "*" and (isinstance(left, (str, list)) or isinstance(right, (str, list))):
            raise SecurityError("repeating text is not allowed in templates")
        return super().call_binop(context, operator, left, right)


def make_environment(templates_dir: Path | None, compiled: Compiled | None = None) -> CompanionEnvironment:
    env = CompanionEnvironment(
        loader=FileSystemLoader(str(templates_dir)) if templates_dir else None,
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=[KeepLineBreaks],
    )
    env.filters["kind"] = kind_filter  # {% if answers.need | kind == "unsure" %} (answer_kinds)
    env.use_compiled(compiled)
    return env


def compile_source(env: CompanionEnvironment, source: str) -> Template:
    """A template compiled from its cached tree (``parsed``), so the check's questions about
    it cost no second parse; or from its kept code (``CompanionEnvironment.compiled``)."""
    return env.template_from(source)


_PARSED: weakref.WeakKeyDictionary[CompanionEnvironment, dict[str, nodes.Template]] = weakref.WeakKeyDictionary()


def parsed(env: CompanionEnvironment, source: str) -> nodes.Template:
    """A template's syntax tree, parsed once per environment: compiling, the check, the
    journal reads and texts.yaml all read the same sources, and parsing is a large part of a
    check that runs at every start-up and reload. Compiling folds constants in the tree
    (Jinja's optimizer), never a name or an attribute, which is all the questions read."""
    trees = _PARSED.setdefault(env, {})
    tree = trees.get(source)
    if tree is None:
        tree = trees[source] = env.parse(source)
    return tree


def undeclared_names(env: CompanionEnvironment, source: str) -> set[str]:
    """Top-level names a template reads that it does not set itself."""
    return set(name_lines(env, source))


def name_lines(env: CompanionEnvironment, source: str) -> dict[str, int]:
    """Top-level names a template reads that it does not set itself, each with the line
    (1-based, in ``source``) where it is first read."""
    tree = parsed(env, source)
    names = list(tree.find_all(nodes.Name))
    # Names a template sets (``{% set %}``, loop variables, macro parameters) anywhere count
    # as set everywhere: Jinja's own analysis (``meta.find_undeclared_variables``) generates
    # code for that and costs as much as a compile. A name read outside the loop that set it
    # is still found, when the template is rendered for the sample people.
    own = {n.name for n in names if n.ctx in ("store", "param")} | set(env.globals)
    if any(True for _ in tree.find_all(nodes.For)):
        own.add("loop")
    lines: dict[str, int] = {}
    for node in names:
        if node.ctx == "load" and node.name not in own:
            lines.setdefault(node.name, node.lineno)
    return dict(sorted(lines.items()))


def reads_nothing(env: CompanionEnvironment, source: str) -> bool:
    """Whether a template's words are the same for everyone: it reads no name and brings in
    no other template (most bubbles are plain words)."""
    tree = parsed(env, source)
    return not name_lines(env, source) and not any(True for _ in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)))


def attribute_uses(env: CompanionEnvironment, source: str, owner: str) -> set[str]:
    """Keys read as ``owner.key`` or ``owner['key']`` (e.g. which answers a template uses)."""
    return set(attribute_lines(env, source, owner))


def attribute_lines(env: CompanionEnvironment, source: str, owner: str) -> dict[str, int]:
    """``attribute_uses``, each key with the line where it is first read."""
    found: dict[str, int] = {}
    for node in parsed(env, source).find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr) and _is_name(node.node, owner):
            found.setdefault(node.attr, node.lineno)
        elif isinstance(node, nodes.Getitem) and _is_name(node.node, owner):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                found.setdefault(node.arg.value, node.lineno)
    return found


def _is_name(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.Name) and node.name == name


_TAG = re.compile(r"<[^>]+>")
_BREAKS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Trim what template blocks leave behind: trailing spaces and runs of blank lines."""
    lines = [line.rstrip() for line in str(text).strip().splitlines()]
    return _BREAKS.sub("\n\n", "\n".join(lines))


def html_to_plain(text: str) -> str:
    """The console's view of a reply: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def visible_length(text: str) -> int:
    """Characters a person sees (Telegram counts text after parsing entities)."""
    return len(html_to_plain(text))


def template_source(env: CompanionEnvironment, bubble: Bubble) -> str:
    """A bubble's template text: written in the script, or a file in templates/."""
    if bubble.file is None:
        return bubble.source or ""
    source, _, _ = env.loader.get_source(env, bubble.file)  # type: ignore[union-attr]
    return source
