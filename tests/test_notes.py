from __future__ import annotations

import os
from pathlib import Path

import pytest

import ingest.notes
from ingest import Config, NoNotes, NoteHashes, read_notes
from ingest.notes import MAX_NOTE_BYTES


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


# --- nothing outside the notes folder, nothing judged after reading ---------------------------------

@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A secret file and folder beside the notes folder."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "passwd.md").write_text("root:x:0:0\n", encoding="utf-8")
    return tmp_path / "secret"


def test_a_link_to_a_file_outside_the_notes_folder_is_skipped_and_named(tmp_path: Path, outside: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "real.md").write_text("# Real\n", encoding="utf-8")
    (notes / "passwd.md").symlink_to(outside / "passwd.md")
    (notes / "vault").symlink_to(outside, target_is_directory=True)
    read = read_notes(notes)
    assert list(read.texts) == ["real.md"]
    assert read.skipped == {
        "passwd.md": "a link to file outside the notes folder; set QA_FOLLOW_SYMLINKS=1 (or --follow-symlinks) "
                     "to read it",
        "vault": "a link to folder outside the notes folder; set QA_FOLLOW_SYMLINKS=1 (or --follow-symlinks) "
                 "to read it"}
    assert "root:x" not in "".join(read.texts.values())


def test_following_links_out_of_the_folder_is_an_explicit_option(tmp_path: Path, outside: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "passwd.md").symlink_to(outside / "passwd.md")
    (notes / "vault").symlink_to(outside, target_is_directory=True)
    (notes / "loop").symlink_to(notes, target_is_directory=True)  # a cycle is visited once
    assert sorted(read_notes(notes, follow_symlinks=True).texts) == ["passwd.md", "vault/passwd.md"]


def test_a_link_inside_the_notes_folder_is_read(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "alias.md").symlink_to(tmp_path / "a.md")
    assert sorted(read_notes(tmp_path).texts) == ["a.md", "alias.md"]


def test_follow_symlinks_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("QA_FOLLOW_SYMLINKS", "1")
    assert Config.from_env().follow_symlinks is True
    monkeypatch.setenv("QA_FOLLOW_SYMLINKS", "maybe")
    with pytest.raises(ValueError, match="QA_FOLLOW_SYMLINKS must be 1 or 0 .true or false., got 'maybe'"):
        Config.from_env()


def test_a_huge_sparse_note_is_skipped_by_its_size_without_being_read(tmp_path: Path, monkeypatch):
    (tmp_path / "small.md").write_text("# Small\n", encoding="utf-8")
    with open(tmp_path / "huge.md", "wb") as handle:
        handle.truncate(3 * 1024 ** 3)  # 3 GB of holes: instant to make, slow and big to read
    opened = []
    real_read = ingest.notes._read_at_most
    monkeypatch.setattr(ingest.notes, "_read_at_most", lambda path, limit: opened.append(path.name) or
                        real_read(path, limit))
    notes = read_notes(tmp_path)
    assert notes.skipped == {"huge.md": f"larger than {MAX_NOTE_BYTES:,} bytes (3,221,225,472)"}
    assert opened == ["small.md"]


def test_a_fifo_named_like_a_note_is_skipped_not_read(tmp_path: Path):
    (tmp_path / "good.md").write_text("# Good\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.md")  # reading it would block for ever
    assert read_notes(tmp_path).skipped == {"pipe.md": "not a regular file"}


def test_note_hashes_read_a_note_again_only_when_it_changed(tmp_path: Path, monkeypatch):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(f"# {name}\n", encoding="utf-8")
    opened = []
    real_read = ingest.notes._read_at_most
    monkeypatch.setattr(ingest.notes, "_read_at_most", lambda path, limit: opened.append(path.name) or
                        real_read(path, limit))
    hashes = NoteHashes()
    first = hashes.current(tmp_path).hashes
    assert hashes.current(tmp_path).hashes == first and sorted(opened) == ["a.md", "b.md"]
    (tmp_path / "b.md").write_text("# b changed, longer\n", encoding="utf-8")
    second = hashes.current(tmp_path).hashes
    assert sorted(opened) == ["a.md", "b.md", "b.md"]
    assert second["a.md"] == first["a.md"] and second["b.md"] != first["b.md"]
    assert second == read_notes(tmp_path).hashes
