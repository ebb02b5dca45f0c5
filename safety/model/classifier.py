"""Load the shipped model and score one message.

The model is a linear softmax classifier over hashed features (features.py),
stored as `safety/model/model.npz` with its metadata (classes, buckets, feature
version, SHA-256 of the weights) inside the same file. A missing or corrupt file
is an error, never a silent fallback to rules only: a detector that quietly
lost its recall layer would look healthy while missing people in danger.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .features import FEATURE_VERSION, extract

MODEL_PATH = Path(__file__).resolve().parent / "model.npz"

# What each class means for the level (the model can raise to distress or
# concern; crisis needs crisis evidence from the rules, see detect.py).
RISK_CLASSES = ("passive_ideation", "self_harm", "crisis_suicidal", "crisis_harm_from_others")
DISTRESS_CLASSES = ("distress", "abuse_disclosure")


class ModelError(RuntimeError):
    """The safety model cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Scores:
    """Class probabilities for one message."""

    probs: dict[str, float]

    @property
    def risk(self) -> float:
        """Probability that the message speaks of the person's own risk (concern or crisis)."""
        return sum(self.probs.get(c, 0.0) for c in RISK_CLASSES)

    @property
    def distress(self) -> float:
        """Probability of distress or anything above it."""
        return self.risk + sum(self.probs.get(c, 0.0) for c in DISTRESS_CLASSES)

    def top(self, among: tuple[str, ...]) -> str:
        return max(among, key=lambda c: self.probs.get(c, 0.0))


def weights_digest(weights: np.ndarray, bias: np.ndarray) -> str:
    return hashlib.sha256(weights.tobytes() + bias.tobytes()).hexdigest()


class Model:
    def __init__(self, weights: np.ndarray, bias: np.ndarray, classes: tuple[str, ...], buckets: int) -> None:
        self.weights = weights
        self.bias = bias
        self.classes = classes
        self.buckets = buckets

    def scores(self, text: str) -> Scores:
        feats = extract(text, self.buckets)
        idx = np.fromiter(feats.keys(), dtype=np.int64, count=len(feats))
        val = np.fromiter(feats.values(), dtype=np.float32, count=len(feats))
        logits = val @ self.weights[idx] + self.bias
        logits = np.exp(logits - logits.max())
        probs = logits / logits.sum()
        return Scores(dict(zip(self.classes, probs.tolist(), strict=False)))


def read(path: Path) -> Model:
    """Read and check a model file; raise ModelError with a clear line if it is unusable."""
    if not path.exists():
        raise ModelError(f"safety model missing: {path} (rebuild it with `python -m safety.train`)")
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            stored_weights, stored_bias = data["weights"], data["bias"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise ModelError(f"safety model unreadable: {path} ({type(exc).__name__}); rebuild it with `python -m safety.train`") from None
    if meta.get("feature_version") != FEATURE_VERSION:
        raise ModelError(f"safety model {path} was built for feature version {meta.get('feature_version')}, "
                         f"this code has {FEATURE_VERSION}: rebuild it with `python -m safety.train`")
    classes = tuple(meta["classes"])
    # The checksum covers the weights exactly as stored (float16), before any conversion.
    if stored_weights.shape != (meta["buckets"], len(classes)) or stored_bias.shape != (len(classes),) \
            or weights_digest(stored_weights, stored_bias) != meta["sha256"]:
        raise ModelError(f"safety model corrupt: {path} (checksum or shape mismatch); rebuild it with `python -m safety.train`")
    weights, bias = stored_weights.astype(np.float32), stored_bias.astype(np.float32)
    return Model(weights, bias, classes, int(meta["buckets"]))


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped model, read once per process."""
    return read(MODEL_PATH)
