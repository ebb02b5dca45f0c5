"""Pictures in the terminal (a private file and one ``[picture]`` line), and moods in /export:
in words in the readable document, in the JSON, and the chart as a file of its own."""

from __future__ import annotations

import errno
import json
import stat

from ..console.helpers import Person
from .helpers import PNG, person_with_moods

USER = "console:sam"


def console(runtime, tmp_path, clock, moods):
    person_with_moods(runtime, USER, clock(), moods)
    return Person(runtime.companion, "sam", export_dir=tmp_path / "export", picture_dir=tmp_path / "data" / "pictures")


def test_the_console_writes_the_chart_to_a_private_file_and_prints_one_picture_line(runtime, clock, tmp_path) -> None:
    person = console(runtime, tmp_path, clock, [(2, 3), (1, 4), (0, 2)])
    out = person.say("/mood")
    lines = out.splitlines()
    picture_lines = [line for line in lines if line.startswith("[picture] ")]
    path = tmp_path / "data" / "pictures" / "sam" / "mood.png"
    assert picture_lines == [f"[picture] {path}"]
    assert path.read_bytes().startswith(PNG)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    after = lines[lines.index(picture_lines[0]) + 1]
    assert after == "Your last 4 weeks"  # the caption follows, as plain text
    assert "[1] 12 weeks" in out
    assert not [p for p in path.parent.iterdir() if p.name != "mood.png"]  # no temporary file left


def test_a_full_disk_still_gives_the_words(runtime, clock, tmp_path, monkeypatch) -> None:
    import bot.console.chat as chat

    def full(_path, _content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(chat, "write_private", full)
    person = console(runtime, tmp_path, clock, [(2, 3), (1, 4), (0, 2)])
    out = person.say("/mood")
    assert "[picture]" not in out
    assert "I couldn't save the picture this time, so here it is in words." in out
    assert "You answered a check-in on 3 of these 28 days" in out


def test_delete_takes_the_pictures_too(runtime, clock, tmp_path) -> None:
    person = console(runtime, tmp_path, clock, [(2, 3), (1, 4), (0, 2)])
    person.say("/mood")
    folder = tmp_path / "data" / "pictures" / "sam"
    assert folder.is_dir()
    person.say("/delete", "1")
    assert not folder.exists()


def test_export_has_the_moods_in_words_and_the_chart(runtime, clock, tmp_path) -> None:
    person = console(runtime, tmp_path, clock, [(20, 1), (2, 3), (1, 5)])
    out = person.say("/export")
    (folder,) = (tmp_path / "export").iterdir()  # this export's own folder
    assert f"(saved innerchild-moods.png to {folder})" in out
    assert (folder / "innerchild-moods.png").read_bytes().startswith(PNG)
    journal = (folder / "innerchild-journal.txt").read_text()
    section = journal[journal.index("YOUR CHECK-IN MOODS"):].splitlines()
    assert section[1] == "=" * len("YOUR CHECK-IN MOODS")
    assert [line.split(" · ")[1] for line in section[3:6]] == ["Really low", "Okay", "Really good"]
    data = json.loads((folder / "innerchild-data.json").read_text())
    assert [m["mood"] for m in data["checkins"]["moods"]] == [1, 3, 5]


def test_export_without_moods_has_no_chart(runtime, clock, tmp_path) -> None:
    person = console(runtime, tmp_path, clock, [])
    out = person.say("/export")
    (folder,) = (tmp_path / "export").iterdir()
    assert "innerchild-moods.png" not in out and "YOUR CHECK-IN MOODS" not in (folder / "innerchild-journal.txt").read_text()
