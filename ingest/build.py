"""Build or update the index: split changed notes, embed only new passages, write atomically.

A passage id hashes its note path, heading path and text, so an unchanged passage keeps
its id and its vector across runs; only new or edited passages are embedded.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from filelock import FileLock, Timeout

from .config import Config
from .dialect import searchable
from .encoder import Embedder
from .notes import NoteSet, read_notes
from .onnx import load_exported_encoder
from .passages import SPLIT_VERSION, Passage, passage_document, split_note
from .store import (
    IndexData,
    IndexUnusable,
    IndexWriteFailed,
    Manifest,
    dense_index,
    read_index,
    read_manifest,
    remove_leftovers,
    stored_vectors,
    write_failure,
    write_index,
)

Progress = Callable[[int, int, str], None]


class IngestBusy(RuntimeError):
    pass


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    resplit: bool = False  # passage settings changed: every note is split again

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.resplit)

    def summary(self) -> str:
        parts = [f"{counted(len(docs), 'note')} {verb}"
                 for docs, verb in ((self.changed, "changed"), (self.added, "added"), (self.removed, "removed"))
                 if docs]
        if self.resplit:
            parts.append("passage settings changed")
        return ", ".join(parts) + " since the last ingest" if parts else "index is up to date with the notes"


@dataclass
class IngestReport:
    notes: int
    passages: int
    embedded: int
    seconds: float
    changes: Changes
    skipped: dict[str, str]
    data: IndexData                 # the index now on disk, already checked: no need to read it again
    wrote: bool
    first_build: bool = False       # there was no index before
    reason: str = ""                # why every passage was embedded again, when it was

    @property
    def reused(self) -> int:
        return self.passages - self.embedded

    def summary(self) -> str:
        counts = f"{counted(self.notes, 'note')}, {counted(self.passages, 'passage')}"
        if not self.wrote:
            return f"{counts}: index is up to date with the notes"
        done = f"{counts} ({self.embedded} embedded, {self.reused} reused) in {self.seconds:.1f} s"
        if self.reason:  # every passage embedded again: what changed in the notes is beside the point
            return f"{self.reason}; {done}"
        return f"{done}; " + ("built the index" if self.first_build else self.changes.summary())


def counted(n: int, noun: str) -> str:
    """'1 note', '2 notes'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def diff_notes(notes: NoteSet, manifest: Manifest | None, config: Config) -> Changes:
    old = manifest.notes if manifest else {}
    return Changes(
        added=sorted(d for d in notes.hashes if d not in old),
        changed=sorted(d for d in notes.hashes if d in old and old[d] != notes.hashes[d]),
        removed=sorted(d for d in old if d not in notes.hashes and d not in notes.skipped),
        resplit=manifest is not None and (manifest.max_passage_chars, manifest.splitter)
        != (config.max_passage_chars, SPLIT_VERSION),
    )


def ingest(config: Config, encoder: Embedder | None = None, rebuild: bool = False,
           on_progress: Progress | None = None) -> IngestReport:
    """Bring config.index_dir up to date with config.notes_dir.
    Raises NoNotes, IngestBusy, or IndexWriteFailed (read-only folder, full disk: the last good index stays)."""
    started = time.perf_counter()
    notes = read_notes(config.notes_dir, follow_symlinks=config.follow_symlinks)
    model = encoder.name if encoder else config.model
    old, reason = (None, "rebuilding: every passage is embedded again") if rebuild else _reusable(config, model)
    if old is not None and not diff_notes(notes, old.manifest, config).any:
        remove_leftovers(config.index_dir, old.manifest)
        return IngestReport(notes=len(notes.texts), passages=len(old.passages), embedded=0,
                            seconds=time.perf_counter() - started, changes=Changes(), skipped=notes.skipped,
                            data=old, wrote=False)
    with _writer_lock(config):
        if old is not None and _generation(config) != old.manifest.generation:
            old, reason = _reusable(config, model)  # another ingest wrote while this one waited
        previous = old.manifest if old else _manifest_or_none(config)
        changes = diff_notes(notes, previous, config)
        encoder = encoder or load_exported_encoder(config.model)  # only now: an up-to-date index skips the model load
        if old is not None and old.manifest.unusable_with(encoder.name, encoder.dim):
            old, reason = None, f"{old.manifest.unusable_with(encoder.name, encoder.dim)}: rebuilding"
        kept_hashes = _kept_unreadable(notes, old)
        passages = _split(notes, old, changes, config, keep=set(kept_hashes))
        if on_progress:
            on_progress(0, 0, f"{counted(len(notes.texts), 'note')} read, {counted(len(passages), 'passage')}")
        vectors, unit_vectors, embedded = _vectors(passages, old, encoder, on_progress)
        if on_progress:
            on_progress(len(passages), len(passages), "writing the index")
        manifest = Manifest(model=encoder.name, dim=encoder.dim, splitter=SPLIT_VERSION,
                            max_passage_chars=config.max_passage_chars,
                            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                            notes={**notes.hashes, **kept_hashes}, skipped=notes.skipped)
        dense = dense_index(vectors)
        manifest = write_index(config.index_dir, manifest, passages, vectors, unit_vectors, dense)
        unit_starts = np.cumsum([0] + [len(p.units) for p in passages])
        data = IndexData(manifest, passages, stored_vectors(dense), unit_vectors, unit_starts, dense)
        return IngestReport(notes=len(notes.texts), passages=len(passages), embedded=embedded,
                            seconds=time.perf_counter() - started, changes=changes, skipped=notes.skipped, data=data,
                            wrote=True, first_build=previous is None, reason=reason)


@contextmanager
def _writer_lock(config: Config) -> Iterator[None]:
    """One writer at a time, across processes; a folder that cannot be written fails here, before any work."""
    try:
        config.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(config.index_dir / ".ingest.lock"), timeout=config.lock_timeout)
        lock.acquire()
    except Timeout:
        raise IngestBusy(f"another ingest is writing {config.index_dir}; try again when it finishes") from None
    except OSError as error:
        raise IndexWriteFailed(write_failure(config.index_dir, error), error.errno) from error
    try:
        yield
    finally:
        lock.release()


def _reusable(config: Config, model: str) -> tuple[IndexData | None, str]:
    """The current index if its vectors can be reused, else None and why not."""
    try:
        old = read_index(config.index_dir)
    except IndexUnusable as error:
        exists = (config.index_dir / "manifest.json").exists()
        return None, f"{error.problem}: rebuilding from the notes" if exists else ""
    mismatch = old.manifest.unusable_with(model)
    if mismatch:
        return None, f"{mismatch}: rebuilding, never mixing vectors"
    return old, ""


def _manifest_or_none(config: Config) -> Manifest | None:
    try:
        return read_manifest(config.index_dir)
    except IndexUnusable:
        return None


def _generation(config: Config) -> str | None:
    manifest = _manifest_or_none(config)
    return manifest.generation if manifest else None


def _kept_unreadable(notes: NoteSet, old: IndexData | None) -> dict[str, str]:
    """A note that became unreadable keeps its last good passages until it can be read again."""
    if old is None:
        return {}
    return {doc: old.manifest.notes[doc] for doc in notes.skipped if doc in old.manifest.notes}


def _split(notes: NoteSet, old: IndexData | None, changes: Changes, config: Config,
           keep: set[str]) -> list[Passage]:
    """Unchanged notes (and those in keep) keep their passages as stored; the rest are split again."""
    stored: dict[str, list[Passage]] = {}
    for passage in old.passages if old is not None else ():
        stored.setdefault(passage.doc, []).append(passage)
    fresh = set(changes.added) | set(changes.changed)
    passages: list[Passage] = []
    for doc in sorted(set(notes.texts) | keep):
        if doc in keep or (doc in stored and doc not in fresh and not changes.resplit):
            passages.extend(stored.get(doc, []))
        else:
            passages.extend(split_note(doc, notes.texts[doc], config.max_passage_chars))
    return passages


def _vectors(passages: list[Passage], old: IndexData | None, encoder: Embedder,
             on_progress: Progress | None) -> tuple[np.ndarray, np.ndarray, int]:
    """Reuse the rows of passages whose embedded words are already in the index; embed the others,
    passage and units. Keyed by what is embedded, not by the Markdown: when the reading of Markdown
    changes (a markup that is no longer words), exactly the passages it touches are embedded again."""
    old_rows = {_embedded(p): i for i, p in enumerate(old.passages)} if old is not None else {}
    keys = [_embedded(p) for p in passages]
    todo = [(p, key) for p, key in zip(passages, keys) if key not in old_rows]

    def report(done: int, total: int) -> None:
        if on_progress:
            on_progress(done, total, f"embedding {total} new passages")

    report(0, len(todo))
    new_passages, new_units = encoder.encode_passages([passage_document(p) for p, _ in todo],
                                                      [[searchable(u.text) for u in p.units] for p, _ in todo], report)
    fresh = dict(zip((key for _, key in todo), zip(new_passages, new_units)))
    vectors = np.zeros((len(passages), encoder.dim), np.float32)
    unit_blocks = []
    for i, key in enumerate(keys):
        if key in fresh:
            vectors[i], units = fresh[key]
        else:
            j = old_rows[key]
            vectors[i] = old.vectors[j]
            units = old.unit_vectors[slice(*old.passage_units(j))]
        unit_blocks.append(units)
    units = np.concatenate(unit_blocks) if unit_blocks else np.zeros((0, encoder.dim), np.float32)
    return vectors, units.reshape(-1, encoder.dim), len(todo)


def _embedded(passage: Passage) -> bytes:
    """What the encoder is given for a passage, its document and each unit's words, as a digest:
    20 bytes where the texts of a large folder's passages, old and new, would hold hundreds of MB."""
    texts = (passage_document(passage), *(searchable(u.text) for u in passage.units))
    return hashlib.sha1("\x1f".join(texts).encode("utf-8")).digest()
