"""All dialogue scripts of a folder, loaded, compiled and checked together.

Loading and checking are one pass: a script that does not validate is never played, and
the same problems the ``dialogues check`` command prints stop the bot at start-up. Given a
data directory, a clean load is kept there (``library_cache``), and the next load of the
very same files takes its verdict and compiled templates from it instead of checking again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from jinja2 import Template, TemplateError, TemplateSyntaxError

from .keys import check_keys
from .library_cache import Checked, LibraryCache
from .machine import DONE_TEXT, MORE_TEXT, PAUSE_TEXT, CompiledScript
from .meanings import MEANINGS_FILE, Meanings, load_meanings
from .script import Bubble, Problem, Script, load_script
from .templates import Compiled, CompanionEnvironment, attribute_uses, compile_source, make_environment, template_source
from .phrases import repeated_phrases
from .templatecheck import WARNING
from .texts import Texts, load_texts
from .validate import Vocabulary, check_pause_labels, check_scripts


class DialogueLibrary:
    """The compiled scripts, by id."""

    def __init__(self, folder: Path, scripts: dict[str, CompiledScript], texts: Texts | None = None, meanings: Meanings | None = None):
        self.folder = folder
        self.scripts = scripts
        self.texts = texts or Texts({})
        self.meanings = meanings or Meanings()  # also heard outside any step ("are you a real person?")
        self.warnings: list[Problem] = []  # worth a writer's look, never a reason to refuse (``phrases``)

    def get(self, dialogue_id: str) -> CompiledScript | None:
        return self.scripts.get(dialogue_id)

    def __contains__(self, dialogue_id: str) -> bool:
        return dialogue_id in self.scripts

    def listed(self) -> list[Script]:
        """Scripts shown in /menu, in program order."""
        found = [c.script for c in self.scripts.values() if c.script.menu]
        return sorted(found, key=lambda s: (s.order, s.id))


def script_files(folder: Path) -> list[Path]:
    """Every script: ``*.yaml`` and ``*.yml`` alike (a ``.yml`` was once skipped in silence)."""
    found = [*folder.glob("*.yaml"), *folder.glob("*.yml")]
    return sorted(p for p in found if p.is_file() and p.stem not in NOT_SCRIPTS)


NOT_SCRIPTS = frozenset({"texts", Path(MEANINGS_FILE).stem})  # read by name, as .yaml only


def _misnamed(folder: Path) -> list[Problem]:
    """``texts.yml`` or ``meanings.yml``: the companion reads those files as ``.yaml`` only."""
    return [
        Problem(folder / f"{stem}.yml", 1, f"the companion reads {stem}.yaml only: rename this file to {stem}.yaml")
        for stem in sorted(NOT_SCRIPTS) if (folder / f"{stem}.yml").is_file()
    ]


def load_library(folder: Path, vocabulary: Vocabulary | None = None, cache_dir: Path | None = None) -> tuple[DialogueLibrary, list[Problem]]:
    """Load every ``*.yaml`` in ``folder``; return the library and every problem found.

    ``cache_dir`` (the data directory): use and keep the verdict of a clean load there."""
    folder = Path(folder)
    vocabulary = vocabulary or Vocabulary()
    problems: list[Problem] = []
    if not folder.is_dir():
        return DialogueLibrary(folder, {}), [Problem(folder, 0, "the dialogues folder does not exist: set INNERCHILD_DIALOGUES_DIR to the folder of scripts (the repository's dialogues/)")]
    cache = LibraryCache(cache_dir, folder, vocabulary) if cache_dir is not None else None
    known = cache.read() if cache is not None else None
    templates_dir = folder / "templates"
    env = make_environment(templates_dir if templates_dir.is_dir() else None, known.compiled if known else Compiled() if cache else None)
    if known is not None:  # the very files read before: their scripts as read then
        scripts = {script.id: script for script in known.scripts}
    else:
        scripts, found = _read_scripts(folder)
        problems.extend(found)
    problems.extend(_misnamed(folder))
    if not scripts:
        problems.append(Problem(folder, 0, "no dialogue scripts (*.yaml) found"))
    meanings, meaning_problems = load_meanings(folder)
    problems.extend(meaning_problems)
    compiled_templates, template_problems = _compile_templates(env, scripts.values())
    problems.extend(template_problems)
    if known is None:  # the checks; a cache hit found these very files clean
        checked = check_scripts(env, scripts, compiled_templates, vocabulary, meanings)
        problems.extend(p for p in checked if not p.message.startswith(WARNING))
        warnings = _sorted([p for p in checked if p.message.startswith(WARNING)]) + repeated_phrases(scripts)
        problems.extend(problem for script in scripts.values() for problem in check_keys(script))
    else:
        warnings = known.warnings
    own_words = {PAUSE_TEXT} | ({DONE_TEXT, MORE_TEXT} if _takes_parts(scripts.values()) else set())
    texts, text_problems = load_texts(folder / "texts.yaml", env, vocabulary.texts | own_words, check_names=known is None)
    problems.extend(text_problems)
    pause_label = texts.plain(PAUSE_TEXT) if PAUSE_TEXT in texts else ""
    done_label = texts.plain(DONE_TEXT) if DONE_TEXT in texts else ""
    problems.extend(check_pause_labels(scripts, pause_label))
    compiled: dict[str, CompiledScript] = {}
    broken = {p.path for p in problems}
    for script in scripts.values():
        if script.path in broken:
            continue
        conditions = {src: env.compile_expression(src) for src in _conditions(script)}
        bubbles = {id(b): compiled_templates[id(b)] for b in _bubbles(script)}
        compiled[script.id] = CompiledScript(
            script, bubbles, conditions, pause_label=pause_label, meanings=meanings,
            done_label=done_label, more_note=texts.template(MORE_TEXT),
        )
        reads = known.journal_reads.get(script.id) if known else None
        compiled[script.id].journal_reads = reads if reads is not None else _journal_reads(env, script)
        compiled[script.id].version = script_version(env, script)
    library = DialogueLibrary(folder, compiled, texts, meanings)
    library.warnings = warnings
    if cache is not None and known is None and env.compiled is not None and not problems:
        cache.write(Checked(warnings, {name: c.journal_reads for name, c in compiled.items()}, env.compiled, list(scripts.values())))
    env.use_compiled(None)  # from here on, Jinja compiles as it always does (an include at a turn)
    return library, _sorted(problems)


def _read_scripts(folder: Path) -> tuple[dict[str, Script], list[Problem]]:
    """Every script file of the folder, by id (an id used twice is a problem)."""
    scripts: dict[str, Script] = {}
    problems: list[Problem] = []
    for path in script_files(folder):
        script, found = load_script(path)
        problems.extend(found)
        if script and script.id:
            if script.id in scripts and scripts[script.id].path.stem == path.stem:
                problems.append(Problem(path, 1, f"{scripts[script.id].path.name} is the dialogue '{script.id}' too: keep one of the two files"))
            elif script.id in scripts:
                problems.append(Problem(path, 1, f"id '{script.id}' is used by {scripts[script.id].path} too"))
            else:
                scripts[script.id] = script
    return scripts, problems


def script_version(env: CompanionEnvironment, script: Script) -> str:
    """A short digest of the script's file and the templates it uses. A session keeps the
    version it last ran on; a different one tells the core the writer changed the script
    since (and the person's step may need to be found again: ``bot/core/versions.py``)."""
    digest = hashlib.sha256(script.path.read_bytes())
    for name in sorted({b.file for b in _bubbles(script) if b.file}):
        digest.update(b"\0" + name.encode("utf-8") + b"\0" + template_source(env, Bubble(None, name, 0)).encode("utf-8"))
    return digest.hexdigest()[:12]


def _journal_reads(env: CompanionEnvironment, script: Script) -> frozenset[str]:
    """Journal keys the script's templates reflect back, so a turn loads only those."""
    keys: set[str] = set()
    for bubble in _bubbles(script):
        keys |= attribute_uses(env, template_source(env, bubble), "journal")
    for condition in _conditions(script):
        keys |= attribute_uses(env, "{{ " + condition + " }}", "journal")
    return frozenset(keys)


def _takes_parts(scripts: Iterable[Script]) -> bool:
    """Whether any step takes its answer in several messages (then "That's all" is needed)."""
    return any(step.parts for script in scripts for step in script.steps.values())


def _sorted(problems: list[Problem]) -> list[Problem]:
    unique = {(str(p.path), p.line, p.message): p for p in problems}
    return [unique[k] for k in sorted(unique)]


def _bubbles(script: Script) -> Iterable[Bubble]:
    for step in script.steps.values():
        yield from step.say


def _conditions(script: Script) -> set[str]:
    found: set[str] = set()
    for step in script.steps.values():
        found.update(r.condition for r in step.then if r.condition)
        found.update(b.condition for b in step.buttons if b.condition)
    return found


def _compile_templates(env: CompanionEnvironment, scripts: Iterable[Script]) -> tuple[dict[int, Template], list[Problem]]:
    compiled: dict[int, Template] = {}
    problems: list[Problem] = []
    for script in scripts:
        for bubble in _bubbles(script):
            try:
                # a file once per library (Jinja caches it, and names it in tracebacks)
                compiled[id(bubble)] = env.get_template(bubble.file) if bubble.file else compile_source(env, bubble.source or "")
            except TemplateSyntaxError as exc:
                where = script.path if bubble.file is None else script.path.parent / "templates" / bubble.file
                line = exc.lineno or 1
                if bubble.file is None:  # the template's first line is the text's first line in the YAML
                    line += (bubble.text_line or bubble.line) - 1
                problems.append(Problem(where, line, f"template syntax: {exc.message}"))
            except TemplateError as exc:
                problems.append(Problem(script.path, bubble.line, f"template '{bubble.file}' not found in templates/" if bubble.file else str(exc)))
            except (AttributeError, TypeError):  # no templates/ folder, so no loader
                problems.append(Problem(script.path, bubble.line, f"template '{bubble.file}' needs a templates/ folder"))
    return compiled, problems
