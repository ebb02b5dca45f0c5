"""Load the shipped model and score one message.

The model is a linear softmax classifier over hashed features (features.py),
stored as `safety/model/model.npz` with its metadata (classes, buckets, feature
version, SHA-256 of the weights) inside the same file. It is read and scored
without numpy (npy.py): a message sums a few hundred rows of weights. A missing or corrupt file
is an error, never a silent fallback to rules only: a detector that quietly
lost its recall layer would look healthy while missing people in danger.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .features import FEATURE_VERSION, extract
from .npy import read_npz

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


def weights_digest(weights: bytes, bias: bytes) -> str:
    """The SHA-256 the model file's metadata carries: of the float16 weights and bias exactly as stored."""
    return hashlib.sha256(weights + bias).hexdigest()


class Model:
    """The weights as stored (little-endian float16, one row of a value per class for each
    bucket), read a row at a time: a message touches a few hundred of the 262,144 rows."""

    def __init__(self, weights: bytes, bias: tuple[float, ...], classes: tuple[str, ...], buckets: int) -> None:
        if len(weights) != buckets * len(classes) * 2 or len(bias) != len(classes):
            raise ValueError("weights and bias do not fit the classes and buckets")
        self.weights = weights
        self.bias = bias
        self.classes = classes
        self.buckets = buckets
        self._row = struct.Struct(f"<{len(classes)}e")

    def scores(self, text: str) -> Scores:
        logits = list(self.bias)
        row, weights, size = self._row, self.weights, self._row.size
        for bucket, value in extract(text, self.buckets).items():
            for k, weight in enumerate(row.unpack_from(weights, bucket * size)):
                logits[k] += value * weight
        top = max(logits)
        exps = [math.exp(logit - top) for logit in logits]
        total = sum(exps)
        return Scores({c: e / total for c, e in zip(self.classes, exps, strict=True)})


def read(path: Path) -> Model:
    """Read and check a model file; raise ModelError with a clear line if it is unusable."""
    if not path.exists():
        raise ModelError(f"safety model missing: {path} (rebuild it with `python -m safety.train`)")
    try:
        arrays = read_npz(path)
        meta = json.loads(arrays["meta"].data.decode("utf-8"))
        stored_weights, stored_bias = arrays["weights"], arrays["bias"]
    except (OSError, ValueError, KeyError, EOFError, SyntaxError, zipfile.BadZipFile) as exc:  # json's error is a ValueError
        raise ModelError(f"safety model unreadable: {path} ({type(exc).__name__}); rebuild it with `python -m safety.train`") from None
    if meta.get("feature_version") != FEATURE_VERSION:
        raise ModelError(f"safety model {path} was built for feature version {meta.get('feature_version')}, "
                         f"this code has {FEATURE_VERSION}: rebuild it with `python -m safety.train`")
    classes = tuple(meta["classes"])
    # The checksum covers the weights exactly as stored (float16).
    if stored_weights.descr != "<f2" or stored_bias.descr != "<f2" \
            or stored_weights.shape != (meta["buckets"], len(classes)) or stored_bias.shape != (len(classes),) \
            or weights_digest(stored_weights.data, stored_bias.data) != meta["sha256"]:
        raise ModelError(f"safety model corrupt: {path} (checksum or shape mismatch); rebuild it with `python -m safety.train`")
    bias = struct.unpack(f"<{len(classes)}e", stored_bias.data)
    return Model(stored_weights.data, bias, classes, int(meta["buckets"]))


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped model, read once per process."""
    return read(MODEL_PATH)
