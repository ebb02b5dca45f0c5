"""The learned layer: the shipped file is what training builds, and a bad file is refused loudly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from safety import Level, assess
from safety.model import ModelError, read
from safety.model.classifier import MODEL_PATH, Scores
from safety.model.layer import Thresholds, decide

ROOT = Path(__file__).resolve().parents[2]


def test_a_retrain_gives_the_same_file() -> None:
    run = subprocess.run([sys.executable, "-m", "safety.train", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_missing_model_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing.*python -m safety.train"):
        read(tmp_path / "model.npz")


def test_a_truncated_model_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.npz"
    bad.write_bytes(MODEL_PATH.read_bytes()[:5000])
    with pytest.raises(ModelError, match="unreadable|corrupt"):
        read(bad)


def model_with_bias(tmp_path: Path, change: Callable[[np.ndarray], np.ndarray]) -> Path:
    """A copy of the shipped model whose bias member is ``change``d (the rest as shipped)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(MODEL_PATH) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "bias.npy":
                buf = io.BytesIO()
                np.save(buf, change(np.load(io.BytesIO(data))))
                data = buf.getvalue()
            dst.writestr(info, data)
    bad = tmp_path / "model.npz"
    bad.write_bytes(out.getvalue())
    return bad


def test_a_model_with_changed_weights_is_refused(tmp_path: Path) -> None:
    def nudged(bias: np.ndarray) -> np.ndarray:
        bias[0] += 1
        return bias

    with pytest.raises(ModelError, match="corrupt"):
        read(model_with_bias(tmp_path, nudged))


def test_the_shipped_model_loads_and_scores() -> None:
    model = read(MODEL_PATH)
    scores = model.scores("hello there")
    assert abs(sum(scores.probs.values()) - 1) < 1e-4


def _scores(**probs: float) -> Scores:
    return Scores(probs)


def test_the_model_reaches_crisis_only_with_crisis_evidence() -> None:
    raised = decide(Level.NONE, _scores(passive_ideation=0.99, none=0.01), vetoed=False)
    assert raised is not None and raised.level == Level.CONCERN and "model" in raised.reason
    # Its own crisis classes (plans by the act, means at hand, acts under way) are crisis evidence.
    raised = decide(Level.NONE, _scores(crisis_suicidal=0.7, passive_ideation=0.2, none=0.1), vetoed=False)
    assert raised is not None and raised.level == Level.CRISIS


def test_crisis_evidence_from_the_rules_turns_a_model_concern_into_crisis() -> None:
    raised = decide(Level.NONE, _scores(passive_ideation=0.9, none=0.1), vetoed=False, evidence=frozenset({'means'}))
    assert raised is not None and raised.level == Level.CRISIS


def test_a_time_alone_does_not_make_self_harm_urges_a_crisis() -> None:
    raised = decide(Level.NONE, _scores(self_harm=0.9, none=0.1), vetoed=False, evidence=frozenset({"time"}))
    assert raised is not None and raised.level == Level.CONCERN
    raised = decide(Level.NONE, _scores(crisis_suicidal=0.9, none=0.1), vetoed=False, evidence=frozenset({"time"}))
    assert raised is not None and raised.level == Level.CRISIS


def test_a_rule_scope_vetoes_the_model() -> None:
    assert decide(Level.NONE, _scores(crisis_suicidal=0.99), vetoed=True) is None


def test_the_model_never_acts_over_a_rule_concern() -> None:
    assert decide(Level.CONCERN, _scores(crisis_suicidal=0.99), vetoed=False, evidence=frozenset({'plan'})) is None


def test_distress_threshold() -> None:
    t = Thresholds(concern=0.5, distress=0.6, someone_else=0.6)
    assert decide(Level.NONE, _scores(distress=0.7, none=0.3), vetoed=False, thresholds=t).level == Level.DISTRESS
    assert decide(Level.NONE, _scores(distress=0.4, none=0.6), vetoed=False, thresholds=t) is None


@pytest.mark.parametrize("text", [
    "i keep thinking everyone would breathe easier if i wasnt around",
    "little me never asked to be born and honestly neither did i want to stay",
])
def test_indirect_wording_reaches_concern(text: str) -> None:
    """The first is caught by a rule (passive.burden), the second by the model alone."""
    a = assess(text)
    assert a.level >= Level.CONCERN


@pytest.mark.parametrize("text", ["i don't want to die, i want to finally live", "this exam is killing me lol", "my phone died again"])
def test_the_model_does_not_raise_cancelled_or_figurative_talk(text: str) -> None:
    assert assess(text).level < Level.CONCERN


def test_an_old_risky_message_does_not_alarm_an_ordinary_new_one() -> None:
    assert assess("anyway what's for dinner", previous=["i want to die"]).level == Level.NONE


def test_inside_an_exercise_the_model_does_not_raise_distress_alone() -> None:
    text = "Tight chest, and my jaw was clenched."
    assert assess(text, answering=True).level == Level.NONE


def test_scores_are_numpys_to_within_float32_rounding() -> None:
    """The model is scored without numpy (float64 sums of the stored float16 weights); numpy's
    float32 arithmetic, as it was scored before, gives the same probabilities to 1e-6."""
    from safety.model.features import extract

    model = read(MODEL_PATH)
    with np.load(MODEL_PATH) as data:
        weights, bias = data["weights"].astype(np.float32), data["bias"].astype(np.float32)
    texts = ["hello there", "i want to die", "i feel a bit low today", "nobody would miss me if i was gone",
             "kermit sewer slide lol", "", "he hits me when he drinks", "x" * 3000, "😭😭 idk anymore"]
    for text in texts:
        features = extract(text, model.buckets)
        index = np.fromiter(features.keys(), np.int64, count=len(features))
        values = np.fromiter(features.values(), np.float32, count=len(features))
        logits = values @ weights[index] + bias
        expected = np.exp(logits - logits.max())
        expected = expected / expected.sum()
        ours = model.scores(text).probs
        assert list(ours) == list(model.classes)
        assert max(abs(a - b) for a, b in zip(expected.tolist(), ours.values())) < 1e-6, text


def test_a_model_member_that_is_not_float16_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="unreadable|corrupt"):
        read(model_with_bias(tmp_path, lambda bias: bias.astype(np.float64)))
