from __future__ import annotations

from pathlib import Path

import pytest

from ingest import NoNotes, read_notes


def test_non_utf8_note_is_skipped_with_its_name_and_the_rest_is_read(tmp_path: Path):
    (tmp_path / "good.md").write_text("# Good\ntext\n", encoding="utf-8")
    (tmp_path / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    notes = read_notes(tmp_path)
    assert list(notes.texts) == ["good.md"]
    assert notes.skipped == {"latin1.md": "not UTF-8 (byte 5); re-save it as UTF-8"}


def test_notes_in_subfolders_use_forward_slashes_and_hidden_folders_are_ignored(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.md").write_text("# D\n", encoding="utf-8")
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "x.md").write_text("# hidden\n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    assert list(read_notes(tmp_path).texts) == ["a/b/deep.md"]


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path):
    (tmp_path / "bom.md").write_bytes("\ufeff# Title\n".encode("utf-8"))
    assert read_notes(tmp_path).texts["bom.md"] == "# Title\n"


def test_empty_notes_folder_says_how_to_add_notes(tmp_path: Path):
    with pytest.raises(NoNotes, match="no readable .md notes under .*; add Markdown files there, or set QA_NOTES_DIR"):
        read_notes(tmp_path)


def test_missing_notes_folder_says_so(tmp_path: Path):
    with pytest.raises(NoNotes, match="does not exist; create it and add .md files"):
        read_notes(tmp_path / "nope")
