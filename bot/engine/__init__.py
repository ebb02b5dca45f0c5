"""The dialogue engine: scripts operators write, compiled onto ``transitions`` machines.

``load_library`` reads and checks a folder of scripts; each ``CompiledScript`` plays one
turn for one person's ``SessionState`` and returns transport-neutral replies and effects.
"""

from .library import DialogueLibrary, load_library
from .machine import FINISHED, Effect, RunAction, SaveAnswer, SessionState, SetProfile, StepResult
from .script import PHASES, Problem, Script
from .validate import Vocabulary

__all__ = [
    "FINISHED", "PHASES", "DialogueLibrary", "Effect", "Problem", "RunAction", "SaveAnswer", "Script",
    "SessionState", "SetProfile", "StepResult", "Vocabulary", "load_library",
]
