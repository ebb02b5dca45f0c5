"""The funnels as a table for a terminal (``innerchild stats --dialogues``): one line per
script, the steps where unfinished sessions stopped on the line below, and a legend that
says what "<5" and "12+" mean. Everything in it has already been through the small-cell
rule (``bot/funnels.py``)."""

from __future__ import annotations

from .funnels import Funnel, FunnelReport, percent

HEADINGS = {
    "scripts": "SCRIPTS",
    "support": "SUPPORT (phase support: safety cards, sos, youth, reconsent)",
    "removed": "NO LONGER IN THE LIBRARY (sessions of removed scripts)",
}
COLUMNS = ("STARTED", "FINISHED", "UNFINISHED", "COMPLETED")


def funnel_table(report: FunnelReport) -> str:
    width = max([len("SCRIPT"), *(len(f.id) for f in report.funnels)])
    lines = [
        "Dialogue funnels: sessions begun, finished, and the step where unfinished ones stopped.",
        "",
    ]
    for group, heading in HEADINGS.items():
        funnels = report.group(group)
        if not funnels:
            continue
        lines += [heading, "  ".join(["SCRIPT".ljust(width), *COLUMNS])]
        for f in funnels:
            lines.append(_row(f, width))
            if f.stops:
                marked = f.group != "removed"  # the whole script is gone: no step to mark
                lines.append("    stopped at: " + ", ".join(_stop(s.step, s.count, s.in_script or not marked) for s in f.stops))
        lines.append("")
    n = report.min_count
    lines += [
        f'"<{n}": fewer than {n} sessions, or fewer than {n} people, are behind it: not shown.',
        f'"12+": at least 12 (the exact number would give a "<{n}" away by subtraction).',
        f"Completed: finished / started, only when both are shown. Steps with fewer than {n} are not listed.",
        "Unfinished: active, paused or abandoned sessions; a stop is the step such a session is at.",
    ]
    return "\n".join(lines)


def _row(f: Funnel, width: int) -> str:
    cells = [str(f.started), str(f.finished), str(f.unfinished), percent(f.rate) or "-"]
    return "  ".join([f.id.ljust(width), *(cell.rjust(len(heading)) for cell, heading in zip(cells, COLUMNS, strict=True))])


def _stop(step: str, count: int, in_script: bool) -> str:
    return f"{step} {count}" if in_script else f"{step} (step removed) {count}"
