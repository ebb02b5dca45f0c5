"""The one command table: names checked, nothing taken twice, Telegram's menu from it."""

from __future__ import annotations

import pytest

from bot.core import Features, install
from bot.core.commands.registry import Command, CommandError, CommandRegistry
from bot.domain import Reply


def nothing(_ctx: object, _args: str) -> list[Reply]:
    return []


def test_names_are_checked_and_duplicates_refused() -> None:
    registry: CommandRegistry[object] = CommandRegistry()
    registry.add(Command("start", nothing))
    with pytest.raises(CommandError, match="twice"):
        registry.add(Command("start", nothing))
    for bad in ("Start", "with space", "", "x" * 33, "/menu"):
        with pytest.raises(CommandError):
            registry.add(Command(bad, nothing))


def test_a_feature_cannot_shadow_a_core_command() -> None:
    features = Features()
    install(features)
    with pytest.raises(CommandError):
        features.add_command(Command("menu", nothing))
    with pytest.raises(ValueError):
        features.add_action("give_consent", lambda _ctx: None)


def test_the_menu_lists_described_commands_in_order(runtime) -> None:
    names = [c.name for c in runtime.features.commands.menu()]
    assert names == ["start", "menu", "progress", "pause", "resume", "sos", "ground", "journal", "checkins", "mood", "mydata", "export", "delete", "help"]
    assert {"stats", "notnow"} <= {c.name for c in runtime.features.commands}
    assert runtime.features.commands.get("stats").admin_only
    assert runtime.features.commands.get("checkins").needs_consent
