"""Test doubles for end-to-end tests (see README.md in this folder)."""

from tests.fakes.bot_api import ApiCall, ApiError, BotMessage, FakeBotAPI

__all__ = ["ApiCall", "ApiError", "BotMessage", "FakeBotAPI"]
