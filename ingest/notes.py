"""Find and read the notes: every .md file under the notes folder, read-only."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

NOTE_SUFFIXES = (".md", ".markdown", ".mdx")
MAX_NOTE_BYTES = 5_000_000


class NoNotes(FileNotFoundError):
    pass


@dataclass
class NoteSet:
    texts: dict[str, str] = field(default_factory=dict)    # doc -> text, docs relative with '/'
    hashes: dict[str, str] = field(default_factory=dict)   # doc -> sha256 of the bytes
    skipped: dict[str, str] = field(default_factory=dict)  # doc -> why it was not read


def read_notes(notes_dir: Path) -> NoteSet:
    """A note that is not UTF-8, unreadable or huge is skipped with its reason; the rest are read."""
    if not notes_dir.is_dir():
        raise NoNotes(f"notes folder {notes_dir} does not exist; create it and add .md files, "
                      "or set QA_NOTES_DIR")
    found = NoteSet()
    for path in sorted(notes_dir.rglob("*")):
        relative = path.relative_to(notes_dir)
        if path.suffix.lower() not in NOTE_SUFFIXES or any(p.startswith(".") for p in relative.parts):
            continue
        doc = relative.as_posix()
        try:
            if not path.is_file():
                continue
            data = path.read_bytes()
            if len(data) > MAX_NOTE_BYTES:
                found.skipped[doc] = f"larger than {MAX_NOTE_BYTES:,} bytes"
                continue
            found.texts[doc] = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            found.skipped[doc] = f"not UTF-8 (byte {error.start}); re-save it as UTF-8"
            continue
        except OSError as error:
            found.skipped[doc] = f"unreadable ({error.strerror or error})"
            continue
        found.hashes[doc] = hashlib.sha256(data).hexdigest()
    if not found.texts:
        skipped = f" ({len(found.skipped)} skipped: {', '.join(found.skipped)})" if found.skipped else ""
        raise NoNotes(f"no readable .md notes under {notes_dir}{skipped}; add Markdown files there, "
                      "or set QA_NOTES_DIR")
    return found
