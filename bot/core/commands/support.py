"""Help right now, open to everyone whatever their consent: /sos and /ground."""

from __future__ import annotations

from ...domain import Reply
from ...storage import PauseReason
from .. import sessions
from ..context import TurnContext
from ..dialogues import GROUNDING, SOS
from .registry import Command


def sos(ctx: TurnContext, _args: str) -> list[Reply]:
    """Crisis lines, grounding and the safety plan; what was open waits to be offered back."""
    return sessions.begin(ctx, SOS, pause_reason=PauseReason.SAFETY)


def ground(ctx: TurnContext, _args: str) -> list[Reply]:
    return sessions.begin(ctx, GROUNDING, pause_reason=PauseReason.USER)


COMMANDS: tuple[Command[TurnContext], ...] = (
    Command("sos", sos, description="command_sos", menu_rank=50),
    Command("ground", ground, description="command_ground", menu_rank=60),
)
