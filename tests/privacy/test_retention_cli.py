"""``innerchild retention`` as an operator meets it: one clear line for a setting or a time it
cannot use, and a plain answer when retention is off."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import innerchild


def test_retention_settings_are_validated_in_one_line(tmp_path: Path) -> None:
    cases = {
        ("-1", "7", "0"): "INNERCHILD_RETENTION_DAYS: must be 0",
        ("30", "30", "0"): "INNERCHILD_RETENTION_NOTICE_DAYS: must be at least 1 and less than INNERCHILD_RETENTION_DAYS (30)",
        ("30", "7", "20"): "INNERCHILD_RETENTION_UNREACHABLE_DAYS: must be 0 (twice INNERCHILD_RETENTION_DAYS) or at least",
    }
    for (days, notice, unreachable), line in cases.items():
        result = innerchild(
            "retention", tmp_path=tmp_path, INNERCHILD_RETENTION_DAYS=days,
            INNERCHILD_RETENTION_NOTICE_DAYS=notice, INNERCHILD_RETENTION_UNREACHABLE_DAYS=unreachable,
        )
        assert result.returncode == 2 and line in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_retention_with_a_time_it_cannot_read_or_switched_off(tmp_path: Path) -> None:
    result = innerchild("retention", "--at", "next tuesday", tmp_path=tmp_path, INNERCHILD_RETENTION_DAYS="30")
    assert result.returncode == 2 and "--at 'next tuesday' is not an ISO time" in result.stderr
    assert "Traceback" not in result.stderr
    result = innerchild("retention", tmp_path=tmp_path)
    assert result.returncode == 0 and "retention is off" in result.stdout


def test_retention_on_says_what_it_did(tmp_path: Path) -> None:
    innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="/menu\n")
    result = innerchild("retention", "--at", "2099-01-01T00:00", tmp_path=tmp_path, INNERCHILD_RETENTION_DAYS="30")
    assert result.returncode == 0, result.stderr
    assert "queued 0 notice(s)" in result.stdout  # a console person: no notice can reach them
    assert "deleted 1: 0 after a delivered notice, 1 not reached in 60 days" in result.stdout
