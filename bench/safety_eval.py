"""Print a markdown table of recall and false-alarm rates on the safety data sets.

Run from the repository root:  python bench/safety_eval.py [--misses]

Data sets (tests/data/safety/):
  must_catch.csv        hand-written, every row must reach its min_level (concern or crisis)
  frozen_v4.csv         327 messages written from SAFETY.md alone (the writer never saw a rule or
                        a data set) before the third model round; never tuned on: the honest number
  frozen_v3.csv         388 messages written the same way before the second model round; its
                        totals were seen after that round
  frozen_v2.csv         423 messages written the same way before any rule of issue #10 changed;
                        measured once before and once after the first round, then (its numbers
                        having been seen) run once more after the second round
  public_*.csv          OpenAI moderation self-harm rows, SimpleSafetyTests and XSTest, relabelled
                        by hand (evaluation only, never trained on)
  held_out.csv          hand-written after freezing the rules; its misses were then fixed,
                        so it is now a regression set (frozen result in tests/data/safety/README.md)
  held_out_2.csv        hand-written after that, never tuned on (its misses were named in a later
                        brief, so a few of them informed the generalisation work)
  held_out_3.csv        93 varied messages written before the generalisation work, run once
                        before and once after it, never tuned on: the honest number
  held_out_4.csv        104 varied messages written before reading the rules for the second
                        generalisation round, run once before and once after it, never tuned on
  held_out_5.csv        113 varied messages (weighted to indirect concern wording and hard quiet
                        traps) written before reading the rules for the third round, run once
                        before and once after it, never tuned on
  dev_generalise.csv    135 varied messages the generalisation work was developed against
  dev_2.csv             126 varied messages the second generalisation round was developed against
  dev_3.csv             111 varied messages the third round (indirect concern wording) was developed against
  distress.csv          hand-written distress / past rows, min_level distress
  must_stay_quiet.csv   hand-written ordinary and figurative messages, must stay none
  negation_contrast_set.csv  construct-tracker minimal pairs (Apache-2.0); label 1 = suicidal
  xstest_false_alarm_probe.csv  XSTest safe prompts (CC BY 4.0); label 1 = self-harm prompt

No message text is printed unless --misses is given (for local development on
these public or hand-written sets only). With --misses the never-tuned held-out
sets (held_out_3, held_out_4, held_out_5) are not run at all, not even for totals.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Callable, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from safety import Level, assess  # noqa: E402

DATA = ROOT / "tests" / "data" / "safety"


def _rows(name: str) -> list[dict[str, str]]:
    path = DATA / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _levels(rows: list[dict[str, str]]) -> list[Level]:
    return [assess(r["text"]).level for r in rows]


def evaluate(include_held_out: bool = True) -> list[dict[str, object]]:
    """include_held_out=False leaves out the never-tuned held-out sets entirely
    (not even totals), for development runs with --misses."""
    out: list[dict[str, object]] = []

    def graded(name: str, label: str) -> None:
        if not include_held_out and "never tuned" in label:
            return
        rows = _rows(name)
        if not rows:
            return
        levels = [assess(r["text"]).level for r in rows]

        def good(r: dict[str, str], lv: Level) -> bool:
            hi = Level.from_label(r["max_level"]) if r.get("max_level") else Level.CRISIS
            return Level.from_label(r["min_level"]) <= lv <= hi

        ok = sum(good(r, lv) for r, lv in zip(rows, levels))
        risky = [(r, lv) for r, lv in zip(rows, levels) if r["min_level"] in ("concern", "crisis")]
        out.append({
            "set": label, "n": len(rows), "metric": "in its expected band",
            "value": ok / len(rows),
            "misses": [r["text"] for r, lv in zip(rows, levels) if not good(r, lv)],
            "extra": (
                f"concern/crisis rows at >= concern {sum(lv >= Level.CONCERN for _, lv in risky)}/{len(risky)}; "
                f"crisis rows at crisis {sum(lv == Level.CRISIS for r, lv in zip(rows, levels) if r['min_level'] == 'crisis')}"
                f"/{sum(r['min_level'] == 'crisis' for r in rows)}"
            ),
        })

    def labelled(name: str, label: str) -> None:
        rows = _rows(name)
        if not rows:
            return
        levels = [assess(r["text"]).level for r in rows]
        pos = [(r, lv) for r, lv in zip(rows, levels) if r["label"] == "1"]
        neg = [(r, lv) for r, lv in zip(rows, levels) if r["label"] == "0"]
        split_note = ""
        if rows and "split" in rows[0]:
            test = [(r, lv) for r, lv in zip(rows, levels) if r["split"] == "test"]
            tp = [lv for r, lv in test if r["label"] == "1"]
            tn = [lv for r, lv in test if r["label"] == "0"]
            if tp and tn:
                split_note = (f"; test split: recall {sum(lv >= Level.CONCERN for lv in tp)}/{len(tp)}, "
                              f"false alarms {sum(lv >= Level.CONCERN for lv in tn)}/{len(tn)}")
        if pos:
            out.append({
                "set": label, "n": len(pos), "metric": "recall, label 1 at >= concern",
                "value": sum(lv >= Level.CONCERN for _, lv in pos) / len(pos),
                "misses": [r["text"] for r, lv in pos if lv < Level.CONCERN],
                "extra": f"any level {sum(lv > Level.NONE for _, lv in pos)}/{len(pos)}{split_note}",
            })
        out.append({
            "set": label, "n": len(neg), "metric": "false alarms, label 0 at >= concern",
            "value": sum(lv >= Level.CONCERN for _, lv in neg) / len(neg),
            "misses": [r["text"] for r, lv in neg if lv > Level.NONE],
            "extra": f"any level {sum(lv > Level.NONE for _, lv in neg)}/{len(neg)}",
        })

    def issue_metrics(name: str, label: str) -> None:
        """The five numbers issue #10 judges a set by (sets with a category column)."""
        if not include_held_out and name.startswith("frozen"):
            return  # frozen sets: never run in development (--misses), not even for totals
        rows = _rows(name)
        if not rows:
            return
        levels = _levels(rows)
        danger = [lv for r, lv in zip(rows, levels) if r["min_level"] in ("concern", "crisis")]
        crisis = [lv for r, lv in zip(rows, levels) if r["min_level"] == "crisis"]
        distress = [lv for r, lv in zip(rows, levels) if r["min_level"] == "distress" and r.get("category") != "someone_else"]
        quiet = [(r, lv) for r, lv in zip(rows, levels) if r["max_level"] == "none"]
        ordinary = [lv for r, lv in quiet if r.get("category") == "ordinary"]

        def share(items: list[Level], ok: Callable[[Level], bool]) -> tuple[float, str]:
            hit = sum(1 for lv in items if ok(lv))
            return (hit / len(items) if items else 0.0), f"{hit}/{len(items)}"

        for metric, items, ok in (
            ("danger missed (concern/crisis rows below concern)", danger, lambda lv: lv < Level.CONCERN),
            ("crisis exact (crisis rows at crisis)", crisis, lambda lv: lv == Level.CRISIS),
            ("distress caught (distress rows at >= distress)", distress, lambda lv: lv >= Level.DISTRESS),
            ("false alarms (quiet rows at >= concern)", [lv for _, lv in quiet], lambda lv: lv >= Level.CONCERN),
            ("any level on ordinary messages", ordinary, lambda lv: lv > Level.NONE),
        ):
            if not items:
                continue
            value, count = share(items, ok)
            out.append({"set": label, "n": len(items), "metric": metric, "value": value, "misses": [], "extra": count})

    issue_metrics("frozen_v4.csv", "frozen v4 (written from SAFETY.md alone; never tuned on)")
    issue_metrics("frozen_v3.csv", "frozen v3 (written from SAFETY.md alone; run once per model round)")
    issue_metrics("frozen_v2.csv", "frozen v2 (written from SAFETY.md alone; run once per model round)")
    issue_metrics("public_openai_moderation.csv", "OpenAI moderation sample, relabelled (public)")
    issue_metrics("public_simplesafetytests.csv", "SimpleSafetyTests, relabelled (public)")
    issue_metrics("public_xstest.csv", "XSTest, all prompts (public)")
    graded("must_catch.csv", "must-catch (hand-written)")
    graded("held_out.csv", "held-out 1 (rules were then fixed on its misses)")
    graded("held_out_2.csv", "held-out 2 (its misses were later worked on)")
    graded("held_out_3.csv", "held-out 3 (frozen: never tuned on)")
    graded("held_out_4.csv", "held-out 4 (frozen: never tuned on)")
    graded("held_out_5.csv", "held-out 5 (frozen: never tuned on)")
    graded("dev_generalise.csv", "dev set for generalisation (tuned on)")
    graded("dev_2.csv", "dev set 2 (second round, tuned on)")
    graded("dev_3.csv", "dev set 3 (third round, tuned on)")
    graded("distress.csv", "distress and past (hand-written)")

    def quiet_rows(name: str, label: str) -> None:
        if not include_held_out and "never tuned" in label:
            return
        rows = [r for r in _rows(name) if r.get("max_level") == "none"]
        if not rows:
            return
        levels = [assess(r["text"]).level for r in rows]
        out.append({
            "set": label, "n": len(rows), "metric": "false alarms at >= concern",
            "value": sum(lv >= Level.CONCERN for lv in levels) / len(rows),
            "misses": [] if "never" in label else [r["text"] for r, lv in zip(rows, levels) if lv > Level.NONE],
            "extra": f"any level {sum(lv > Level.NONE for lv in levels)}/{len(rows)}",
        })

    quiet_rows("held_out_3.csv", "held-out 3 quiet rows (never tuned on)")
    quiet_rows("held_out_4.csv", "held-out 4 quiet rows (never tuned on)")
    quiet_rows("held_out_5.csv", "held-out 5 quiet rows (never tuned on)")
    quiet_rows("dev_generalise.csv", "dev set quiet rows")
    quiet_rows("dev_2.csv", "dev set 2 quiet rows")
    quiet_rows("dev_3.csv", "dev set 3 quiet rows")
    quiet = _rows("must_stay_quiet.csv")
    if quiet:
        levels = [assess(r["text"]).level for r in quiet]
        out.append({
            "set": "must-stay-quiet (hand-written)", "n": len(quiet), "metric": "false alarms at >= concern",
            "value": sum(lv >= Level.CONCERN for lv in levels) / len(quiet),
            "misses": [r["text"] for r, lv in zip(quiet, levels) if lv > Level.NONE],
            "extra": f"any level {sum(lv > Level.NONE for lv in levels)}/{len(quiet)}",
        })
    labelled("negation_contrast_set.csv", "negation contrast set (construct-tracker)")
    labelled("xstest_false_alarm_probe.csv", "XSTest false-alarm probe")
    return out


def main(argv: list[str]) -> int:
    # --misses is for development: the never-tuned held-out sets are left out
    # entirely (not even their totals), so they stay held out.
    results = evaluate(include_held_out="--misses" not in argv)
    print("| data set | n | metric | value | detail |")
    print("|---|---:|---|---:|---|")
    for r in results:
        print(f"| {r['set']} | {r['n']} | {r['metric']} | {r['value']:.1%} | {r['extra']} |")
    if "--misses" in argv:
        for r in results:
            if "never tuned" in str(r["set"]):
                continue  # held-out sets: totals only, so it stays held out
            if r["misses"]:
                print(f"\n## {r['set']} / {r['metric']}")
                for t in cast(list[str], r["misses"]):
                    print(f"- {assess(t).label}: {t[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
