"""What ``app.build()`` hands every entry point: the settings, the database, the dialogue
library, the installed features and the companion. Kept apart from ``app`` so a feature can
name it without importing the composition root that installs that feature."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .core import Companion, Features
from .engine import DialogueLibrary
from .storage import Database


class StartupError(Exception):
    """Something an operator must fix before the companion can start; one or more lines."""


@dataclass
class Runtime:
    settings: Settings
    database: Database
    companion: Companion  # it holds the scripts served now (a reload swaps them there)

    @property
    def library(self) -> DialogueLibrary:
        """The scripts served now (a reload swaps them in the companion)."""
        return self.companion.library

    @property
    def features(self) -> Features:
        return self.companion.features
