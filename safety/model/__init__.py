"""The learned layer: a small model that raises what the rules missed.

Rules give precision, categories and explanations; this model gives recall on
wording nobody wrote a rule for. See README.md beside this file (the model card)
and `python -m safety.train` to rebuild it.
"""

from .classifier import Model, ModelError, Scores, load, read
from .layer import Raise, Thresholds, decide

__all__ = ["Model", "ModelError", "Scores", "load", "read", "Raise", "Thresholds", "decide"]
