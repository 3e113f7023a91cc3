"""Find and read the notes: every .md file under the notes folder, read-only, nothing outside it.

Files are judged by stat before a byte is read: a huge file, a FIFO or a link out of the folder
is skipped with its reason, never opened.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

NOTE_SUFFIXES = (".md", ".markdown", ".mdx")
MAX_NOTE_BYTES = 2_000_000
OUTSIDE = "a link to {what} outside the notes folder; set QA_FOLLOW_SYMLINKS=1 (or --follow-symlinks) to read it"


class NoNotes(FileNotFoundError):
    pass


@dataclass
class NoteSet:
    texts: dict[str, str] = field(default_factory=dict)    # doc -> text, docs relative with '/'
    hashes: dict[str, str] = field(default_factory=dict)   # doc -> sha256 of the bytes
    skipped: dict[str, str] = field(default_factory=dict)  # doc -> why it was not read


@dataclass(frozen=True)
class NoteFile:
    doc: str       # path under the notes folder, with '/'
    path: Path
    size: int
    version: tuple[int, int, int]  # inode, size, mtime: when all three match, the bytes are taken as unchanged


def find_notes(notes_dir: Path, follow_symlinks: bool = False) -> tuple[list[NoteFile], dict[str, str]]:
    """The note files to read, and the ones skipped with why; nothing is opened."""
    if not notes_dir.is_dir():
        raise NoNotes(f"notes folder {notes_dir} does not exist; create it and add .md files, "
                      "or set QA_NOTES_DIR")
    root = notes_dir.resolve()
    found: list[NoteFile] = []
    skipped: dict[str, str] = {}
    seen_folders: set[str] = {str(root)}
    for folder, subfolders, files in os.walk(notes_dir, followlinks=follow_symlinks):
        here = Path(folder)
        kept = []
        for name in sorted(subfolders):
            path = here / name
            if name.startswith("."):
                continue
            real = os.path.realpath(path)
            if path.is_symlink() and not follow_symlinks:
                if not _inside(real, root):
                    skipped[_doc(path, notes_dir)] = OUTSIDE.format(what="folder")
                continue  # a link to a folder inside is indexed under its own path already
            if real in seen_folders:
                continue  # a link loop, or a folder reached twice
            seen_folders.add(real)
            kept.append(name)
        subfolders[:] = kept
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(NOTE_SUFFIXES):
                continue
            path = here / name
            doc = _doc(path, notes_dir)
            why = _why_not_readable(path, root, follow_symlinks)
            if why:
                skipped[doc] = why
                continue
            info = path.stat()
            found.append(NoteFile(doc, path, info.st_size, (info.st_ino, info.st_size, info.st_mtime_ns)))
    return sorted(found, key=lambda n: n.doc), skipped


def read_notes(notes_dir: Path, follow_symlinks: bool = False) -> NoteSet:
    """A note that is not UTF-8, unreadable, huge or a link out of the folder is skipped with its
    reason; the rest are read."""
    files, skipped = find_notes(notes_dir, follow_symlinks)
    notes = NoteSet(skipped=dict(skipped))
    for note in files:
        try:
            data = _read_at_most(note.path, MAX_NOTE_BYTES)
            notes.texts[note.doc] = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            notes.skipped[note.doc] = f"not UTF-8 (byte {error.start}); re-save it as UTF-8"
            continue
        except (OSError, _TooBig) as error:
            notes.skipped[note.doc] = str(error) if isinstance(error, _TooBig) else _unreadable(error)
            continue
        notes.hashes[note.doc] = hashlib.sha256(data).hexdigest()
    if not notes.texts:
        listed = f" ({len(notes.skipped)} skipped: {', '.join(notes.skipped)})" if notes.skipped else ""
        raise NoNotes(f"no readable .md notes under {notes_dir}{listed}; add Markdown files there, "
                      "or set QA_NOTES_DIR")
    notes.skipped = dict(sorted(notes.skipped.items()))
    return notes


class NoteHashes:
    """The notes' hashes for the status line: a note is read again only when its inode, size or
    mtime changed, so asking every few seconds costs a stat per note."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, int, int], str]] = {}

    def current(self, notes_dir: Path, follow_symlinks: bool = False) -> NoteSet:
        files, skipped = find_notes(notes_dir, follow_symlinks)
        notes = NoteSet(skipped=dict(skipped))
        known: dict[str, tuple[tuple[int, int, int], str]] = {}
        for note in files:
            cached = self._known.get(note.doc)
            if cached and cached[0] == note.version:
                known[note.doc] = cached
                continue
            try:
                digest = hashlib.sha256(_read_at_most(note.path, MAX_NOTE_BYTES)).hexdigest()
            except (OSError, _TooBig) as error:
                notes.skipped[note.doc] = str(error) if isinstance(error, _TooBig) else _unreadable(error)
                continue
            known[note.doc] = (note.version, digest)
        self._known = known
        notes.hashes = {doc: digest for doc, (_, digest) in known.items()}
        return notes


class _TooBig(Exception):
    pass


def _why_not_readable(path: Path, root: Path, follow_symlinks: bool) -> str:
    """Why a note file is skipped before it is opened, or '' to read it."""
    try:
        real = os.path.realpath(path)
        if not follow_symlinks and not _inside(real, root):
            return OUTSIDE.format(what="file")
        info = os.stat(real)
    except OSError as error:
        return _unreadable(error)
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > MAX_NOTE_BYTES:
        return f"larger than {MAX_NOTE_BYTES:,} bytes ({info.st_size:,})"
    return ""


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing one that grew past the limit since it was judged by stat."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _TooBig(f"larger than {limit:,} bytes")
    return data


def _inside(real: str, root: Path) -> bool:
    return real == str(root) or real.startswith(str(root).rstrip(os.sep) + os.sep)


def _doc(path: Path, notes_dir: Path) -> str:
    return path.relative_to(notes_dir).as_posix()


def _unreadable(error: OSError) -> str:
    return f"unreadable ({error.strerror or error})"


def read_note(notes_dir: Path, doc: str, follow_symlinks: bool = False) -> str:
    """One note by its path under the notes folder, judged as read_notes judges it: nothing outside
    the folder, nothing huge, nothing but UTF-8. Raises FileNotFoundError or ValueError with the reason."""
    path = notes_dir / doc
    if not doc or doc.startswith("/") or "\\" in doc or any(part in ("", ".", "..") for part in doc.split("/")) \
            or any(part.startswith(".") for part in doc.split("/")) or not doc.lower().endswith(NOTE_SUFFIXES):
        raise FileNotFoundError(f"no note {doc!r} in the notes folder")
    why = _why_not_readable(path, notes_dir.resolve(), follow_symlinks)
    if why:
        raise ValueError(f"{doc}: {why}")
    try:
        return _read_at_most(path, MAX_NOTE_BYTES).decode("utf-8-sig")
    except (UnicodeDecodeError, _TooBig) as error:
        raise ValueError(f"{doc}: cannot be shown ({error})") from error
