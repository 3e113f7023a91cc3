"""The index format: the one module that reads and writes the files in index/.

A generation is three data files named after it, then manifest.json naming them, with
their checksums. Data files are written first and the manifest is swapped in with
os.replace, so a reader sees the old index or the new one, never half of either.
See docs/index-format.md.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from .links import Link
from .markdown import Unit
from .passages import Passage

FORMAT = "notes-qa-index/1"
MANIFEST = "manifest.json"


class IndexUnusable(RuntimeError):
    """Base for problems with the files in index/."""


class IndexMissing(IndexUnusable):
    pass


class IndexCorrupt(IndexUnusable):
    pass


@dataclass
class IndexData:
    manifest: dict
    passages: list[Passage]
    vectors: np.ndarray        # one unit-length row per passage
    unit_vectors: np.ndarray   # one row per unit, passages' units in passage order
    unit_starts: np.ndarray    # passage i owns unit rows unit_starts[i]:unit_starts[i+1]

    def passage_units(self, i: int) -> tuple[int, int]:
        return int(self.unit_starts[i]), int(self.unit_starts[i + 1])


def write_index(index_dir: Path, manifest: dict, passages: list[Passage],
                vectors: np.ndarray, unit_vectors: np.ndarray) -> dict:
    """Write a new generation, then point manifest.json at it; returns the manifest written."""
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    files = {"passages": f"passages-{generation}.jsonl", "vectors": f"vectors-{generation}.faiss",
             "units": f"units-{generation}.npy"}
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    _write_bytes(index_dir / files["passages"], "".join(
        json.dumps(_passage_to_json(p), ensure_ascii=False) + "\n" for p in passages).encode("utf-8"))
    _write_bytes(index_dir / files["vectors"], faiss.serialize_index(flat).tobytes())
    with open(index_dir / files["units"], "wb") as handle:
        np.save(handle, np.ascontiguousarray(unit_vectors, dtype=np.float32))
        handle.flush()
        os.fsync(handle.fileno())
    manifest = {**manifest, "format": FORMAT, "generation": generation, "files": files,
                "checksums": {name: _sha256(index_dir / name) for name in files.values()},
                "passage_count": len(passages), "unit_count": int(unit_vectors.shape[0])}
    _write_bytes(index_dir / (MANIFEST + ".tmp"), json.dumps(manifest, indent=1).encode("utf-8"))
    os.replace(index_dir / (MANIFEST + ".tmp"), index_dir / MANIFEST)
    _fsync_folder(index_dir)  # the swap is on disk before the old generation goes
    _remove_other_generations(index_dir, set(files.values()))
    return manifest


def read_manifest(index_dir: Path) -> dict:
    path = index_dir / MANIFEST
    if not path.exists():
        raise IndexMissing(f"no index in {index_dir}; run: python -m ingest")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexCorrupt(f"{path} is unreadable ({error}); run: python -m ingest --rebuild") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise IndexCorrupt(f"{path} has format {found!r}, this version reads {FORMAT!r}; "
                           "run: python -m ingest --rebuild")
    return manifest


def read_index(index_dir: Path) -> IndexData:
    """Load and check every file against the manifest; damage raises IndexCorrupt."""
    manifest = read_manifest(index_dir)
    try:
        return _read_generation(index_dir, manifest)
    except IndexCorrupt:
        # a concurrent ingest may have swapped generations and removed these files meanwhile
        newer = read_manifest(index_dir)
        if newer.get("generation") == manifest.get("generation"):
            raise
        return _read_generation(index_dir, newer)


def remove_leftovers(index_dir: Path, manifest: dict) -> None:
    """What a killed ingest leaves: other generations' data files and a half-written manifest."""
    _remove_other_generations(index_dir, set(manifest["files"].values()))
    (index_dir / (MANIFEST + ".tmp")).unlink(missing_ok=True)


def _read_generation(index_dir: Path, manifest: dict) -> IndexData:
    try:
        files = manifest["files"]
        for name in files.values():
            if _sha256(index_dir / name) != manifest["checksums"][name]:
                raise IndexCorrupt(f"{index_dir / name} does not match its checksum (truncated or edited?)")
        lines = (index_dir / files["passages"]).read_text(encoding="utf-8").splitlines()
        passages = [_passage_from_json(json.loads(line)) for line in lines]
        flat = faiss.deserialize_index(np.fromfile(index_dir / files["vectors"], dtype=np.uint8))
        vectors = flat.reconstruct_n(0, flat.ntotal) if flat.ntotal else np.zeros((0, flat.d), np.float32)
        unit_vectors = np.load(index_dir / files["units"], allow_pickle=False)
    except IndexCorrupt:
        raise
    except (OSError, KeyError, TypeError, ValueError, RuntimeError) as error:
        raise IndexCorrupt(f"index in {index_dir} is damaged ({type(error).__name__}: {error}); "
                           "run: python -m ingest --rebuild") from error
    unit_starts = np.cumsum([0] + [len(p.units) for p in passages])
    if (len(passages), unit_starts[-1]) != (manifest["passage_count"], manifest["unit_count"]) \
            or vectors.shape[0] != len(passages) or unit_vectors.shape[0] != unit_starts[-1] \
            or vectors.shape[1] != manifest.get("dim", vectors.shape[1]):
        raise IndexCorrupt(f"index in {index_dir} has mismatched counts; run: python -m ingest --rebuild")
    return IndexData(manifest, passages, vectors, unit_vectors, unit_starts)


def _passage_to_json(p: Passage) -> dict:
    return {"id": p.id, "doc": p.doc, "heading": list(p.heading), "lines": list(p.lines), "text": p.text,
            "links": [{"url": link.url, "text": link.text} for link in p.links],
            "units": [[u.text, u.line] for u in p.units]}


def _passage_from_json(row: dict) -> Passage:
    return Passage(id=row["id"], doc=row["doc"], heading=tuple(row["heading"]), lines=tuple(row["lines"]),
                   text=row["text"], links=tuple(Link(link["url"], link["text"]) for link in row["links"]),
                   units=tuple(Unit(text, line) for text, line in row["units"]))


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _remove_other_generations(index_dir: Path, keep: set[str]) -> None:
    """Old generations and the leftovers of a killed ingest; never anything else."""
    for path in index_dir.iterdir():
        stem = path.name.split("-", 1)[0]
        if path.name not in keep and stem in ("passages", "vectors", "units") and "-" in path.name:
            path.unlink(missing_ok=True)
