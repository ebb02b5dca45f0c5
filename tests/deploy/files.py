"""The deploy files read the way their tools read them: the Dockerfile's instructions, the
compose file (and its ``${...}`` interpolation), the systemd unit, the env file.

Small parsers, enough for the invariants the tests check; the real tools check the rest
where they exist (``docker compose config``, ``systemd-analyze verify``, ``caddy validate``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str

    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form CMD/ENTRYPOINT (or HEALTHCHECK's CMD), else None."""
        text = self.args
        if self.keyword == "HEALTHCHECK":
            found = re.search(r"\bCMD\s+(.*)$", text)
            if not found:
                return None
            text = found.group(1)
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, list) else None


def dockerfile_stages(path: Path = DEPLOY / "Dockerfile") -> list[list[Instruction]]:
    """Each stage's instructions, continuation lines joined, comments dropped."""
    stages: list[list[Instruction]] = []
    logical = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not logical and (not line or line.startswith("#")):
            continue
        if logical and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        keyword, _, args = logical.partition(" ")
        instruction = Instruction(keyword.upper(), " ".join(args.split()))
        if instruction.keyword == "FROM":
            stages.append([])
        stages[-1].append(instruction)
        logical = ""
    return stages


def final_stage() -> list[Instruction]:
    return dockerfile_stages()[-1]


def image_env(stage: list[Instruction]) -> dict[str, str]:
    """ENV KEY=value pairs of a stage (the KEY=value form this project uses)."""
    env: dict[str, str] = {}
    for instruction in stage:
        if instruction.keyword == "ENV":
            for pair in instruction.args.split():
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def only(stage: list[Instruction], keyword: str) -> list[Instruction]:
    return [i for i in stage if i.keyword == keyword]


# ---- compose ---------------------------------------------------------------------------------

COMPOSE = DEPLOY / "compose.yaml"
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:\?|\?|:-|-)(?P<arg>[^}]*))?\}")


def compose_raw() -> dict[str, Any]:
    """The compose file as YAML, before interpolation (YAML merge keys applied, as compose does)."""
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


class MissingVariable(Exception):
    """What compose says when a ``${NAME:?message}`` has no value: it refuses to start."""


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation for the forms this file uses: ``${NAME}``, ``${NAME:?message}``,
    ``${NAME:-default}`` and ``$$`` for a literal dollar."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        value = env.get(name)
        if op == ":?" and not value:
            raise MissingVariable(f"required variable {name} is missing a value: {arg}")
        if op == ":-" and not value:
            return arg or ""
        return value or ""

    parts = text.split("$$")
    return "$".join(_VARIABLE.sub(one, part) for part in parts)


def _strings(value: Any, change: Any) -> Any:
    """``value`` with ``change`` applied to every string in it (keys stay)."""
    if isinstance(value, dict):
        return {k: _strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v, change) for v in value]
    return change(value) if isinstance(value, str) else value


def compose_with(env: dict[str, str]) -> dict[str, Any]:
    """The compose file as compose would run it with ``env`` (the values of deploy/.env):
    like compose, the values are interpolated, never the comments."""
    return _strings(compose_raw(), lambda text: interpolate(text, env))


def variables_used() -> dict[str, set[str]]:
    """Each ``${NAME...}`` in the compose file's values, with the operators it is used with ('' for none)."""
    used: dict[str, set[str]] = {}

    def collect(text: str) -> str:
        for part in text.split("$$"):
            for match in _VARIABLE.finditer(part):
                used.setdefault(match.group("name"), set()).add(match.group("op") or "")
        return text

    _strings(compose_raw(), collect)
    return used


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's ``environment`` as a mapping (compose allows a list of NAME=value too)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


# ---- systemd ---------------------------------------------------------------------------------

UNIT = DEPLOY / "innerchild.service"


def unit_sections(path: Path = UNIT) -> dict[str, list[tuple[str, str]]]:
    """Each section's (key, value) lines in order; keys may repeat (Environment=, ...)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
            continue
        key, _, value = line.partition("=")
        sections[current].append((key.strip(), value.strip()))
    return sections


def unit_values(section: str, key: str) -> list[str]:
    return [v for k, v in unit_sections().get(section, []) if k == key]


def unit_value(section: str, key: str) -> str:
    values = unit_values(section, key)
    assert values, f"[{section}] has no {key}="
    return values[-1]


def unit_environment() -> dict[str, str]:
    env: dict[str, str] = {}
    for value in unit_values("Service", "Environment"):
        key, _, val = value.partition("=")
        env[key] = val
    return env


# ---- the env file ----------------------------------------------------------------------------

ENV_EXAMPLE = DEPLOY / ".env.example"
_ASSIGNMENT = re.compile(r"^(?P<commented>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def env_example() -> tuple[dict[str, str], set[str]]:
    """(the settings set in .env.example, the names shown commented out as ``# NAME=value``)."""
    active: dict[str, str] = {}
    commented: set[str] = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = _ASSIGNMENT.match(line.strip())
        if not match:
            continue
        if match.group("commented"):
            commented.add(match.group("name"))
        else:
            active[match.group("name")] = match.group("value")
    return active, commented


def filled_env(**overrides: str) -> dict[str, str]:
    """.env.example with the required values filled in, as an operator would."""
    from tests.conftest import TEST_KEY

    env, _ = env_example()
    env.update(INNERCHILD_TELEGRAM_TOKEN="123456:ABC-test", INNERCHILD_ENCRYPTION_KEY=TEST_KEY, POSTGRES_PASSWORD="pw-test_123")
    env.update(overrides)
    return env
