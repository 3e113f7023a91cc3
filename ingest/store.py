"""The index format: the one module that reads and writes the files in index/.

A generation is three data files named after it, then manifest.json naming them, with
their checksums. Data files are written first and the manifest is swapped in with
os.replace, so a reader sees the old index or the new one, never half of either.
See docs/index-format.md.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import faiss
import numpy as np

from . import encoder
from .links import Link
from .markdown import Unit
from .passages import SCHEME, Passage

FORMAT = "notes-qa-index/1"
MANIFEST = "manifest.json"
DATA_FILES = ("passages", "vectors", "units")
REBUILD = "run: python -m ingest --rebuild"


class IndexUnusable(RuntimeError):
    """Base for problems with the files in index/; .problem is the message without the next step."""

    def __init__(self, problem: str, next_step: str = REBUILD):
        super().__init__(f"{problem}; {next_step}" if next_step else problem)
        self.problem = problem


class IndexMissing(IndexUnusable):
    pass


class IndexCorrupt(IndexUnusable):
    pass


class IndexWriteFailed(RuntimeError):
    """The index could not be written (read-only folder, full disk); the last good index is untouched."""

    def __init__(self, message: str, errno: int | None = None):
        super().__init__(message)
        self.errno = errno


def embedding_scheme() -> str:
    """What the vectors encode: the passage text (SCHEME) and the longest sentence embedded on its own
    (ingest.encoder.ALONE_UP_TO), read when called: an index built with another value is re-embedded."""
    return f"{SCHEME}; alone<={encoder.ALONE_UP_TO}"


@dataclass(frozen=True)
class Manifest:
    """What manifest.json records: how the index was built, from which notes, in which files."""
    model: str                      # the encoder name as configured
    dim: int
    splitter: int                   # SPLIT_VERSION of the splitter that cut the passages
    max_passage_chars: int
    built_at: str                   # ISO 8601, UTC
    notes: dict[str, str]           # doc -> sha256 of its bytes
    skipped: dict[str, str] = field(default_factory=dict)  # doc -> why it was not read
    scheme: str = field(default_factory=embedding_scheme)  # what the vectors encode
    generation: str = ""            # set by write_index, with the rest below
    files: dict[str, str] = field(default_factory=dict)      # "passages" | "vectors" | "units" -> file name
    checksums: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    passage_count: int = 0
    unit_count: int = 0
    format: str = FORMAT

    def unusable_with(self, model: str, dim: int | None = None) -> str | None:
        """Why vectors of this index cannot serve (or be reused for) this encoder, or None if they can."""
        if self.model != model:
            return f"index built with {self.model!r}, encoder is {model!r}"
        current = embedding_scheme()
        if self.scheme != current:
            return f"index built by another version of this app ({self.scheme}; this one writes {current})"
        if dim is not None and dim != self.dim:
            return f"index has {self.dim} dims, {model!r} gives {dim}"
        return None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, row: object, path: Path) -> Manifest:
        """Check every field's type: a manifest edited by hand or by another version is damage, not a crash."""
        if not isinstance(row, dict) or row.get("format") != FORMAT:
            found = row.get("format") if isinstance(row, dict) else type(row).__name__
            raise IndexCorrupt(f"{path} has format {found!r}, this version reads {FORMAT!r}")
        values = {}
        for spec in fields(cls):
            if spec.name not in row:
                raise IndexCorrupt(f"{path} lacks {spec.name!r}")
            value = row[spec.name]
            if not _has_type(value, spec.type):
                raise IndexCorrupt(f"{path} has a {type(value).__name__} for {spec.name!r}, expected {spec.type}")
            values[spec.name] = value
        manifest = cls(**values)
        if set(manifest.files) != set(DATA_FILES) or set(manifest.checksums) != set(manifest.files.values()):
            raise IndexCorrupt(f"{path} names the files {sorted(manifest.files.values())}, "
                               f"expected one each of {list(DATA_FILES)} with a checksum")
        if any("/" in name or "\\" in name or name.startswith(".") for name in manifest.files.values()):
            raise IndexCorrupt(f"{path} names a file outside the index folder")
        return manifest


HNSW_ABOVE = 50_000  # passages: above this, the dense index is a graph (approximate), below it exact; see
                     # docs/performance.md for the crossover measured with python -m bench.scale


@dataclass
class IndexData:
    manifest: Manifest
    passages: list[Passage]
    vectors: np.ndarray        # one unit-length row per passage (a view of the FAISS index's storage)
    unit_vectors: np.ndarray   # one row per unit, passages' units in passage order (memory-mapped when read)
    unit_starts: np.ndarray    # passage i owns unit rows unit_starts[i]:unit_starts[i+1]
    dense: faiss.Index | None = None  # the passage vectors' FAISS index: flat, or HNSW above HNSW_ABOVE

    def __post_init__(self) -> None:
        if self.dense is None:
            self.dense = dense_index(self.vectors)
            self.vectors = stored_vectors(self.dense)

    def passage_units(self, i: int) -> tuple[int, int]:
        return int(self.unit_starts[i]), int(self.unit_starts[i + 1])


def dense_index(vectors: np.ndarray, hnsw_above: int = HNSW_ABOVE) -> faiss.Index:
    """Exact inner product for up to hnsw_above passages; an HNSW graph beyond, whose search cost
    grows with the log of the count instead of the count."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) > hnsw_above:
        index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    else:
        index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index


class _Borrowed(np.ndarray):
    """An array over memory that a FAISS index owns, holding the index so the memory outlives its users."""
    owner: object = None


def stored_vectors(index: faiss.Index) -> np.ndarray:
    """The vectors a flat or HNSW index holds, without copying them (read-only)."""
    flat = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSW) else index
    if flat.ntotal == 0:
        return np.zeros((0, flat.d), np.float32)
    vectors = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d).view(_Borrowed)
    vectors.owner = index
    vectors.flags.writeable = False
    return vectors


def write_index(index_dir: Path, manifest: Manifest, passages: list[Passage],
                vectors: np.ndarray, unit_vectors: np.ndarray, dense: faiss.Index | None = None) -> Manifest:
    """Write a new generation, then point manifest.json at it; returns the manifest written.
    Raises IndexWriteFailed, having removed whatever it wrote: the last good index stays as it was."""
    generation = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    files = {"passages": f"passages-{generation}.jsonl", "vectors": f"vectors-{generation}.faiss",
             "units": f"units-{generation}.npy"}
    dense = dense if dense is not None else dense_index(vectors)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        _write_bytes(index_dir / files["passages"], "".join(
            json.dumps(_passage_to_json(p), ensure_ascii=False) + "\n" for p in passages).encode("utf-8"))
        _write_bytes(index_dir / files["vectors"], faiss.serialize_index(dense).tobytes())
        with open(index_dir / files["units"], "wb") as handle:
            np.save(handle, np.ascontiguousarray(unit_vectors, dtype=np.float32))
            handle.flush()
            os.fsync(handle.fileno())
        manifest = replace(manifest, generation=generation, files=files,
                           checksums={name: _sha256(index_dir / name) for name in files.values()},
                           passage_count=len(passages), unit_count=int(unit_vectors.shape[0]))
        _write_bytes(index_dir / (MANIFEST + ".tmp"), json.dumps(manifest.to_json(), indent=1).encode("utf-8"))
        os.replace(index_dir / (MANIFEST + ".tmp"), index_dir / MANIFEST)
    except OSError as error:
        for name in [*files.values(), MANIFEST + ".tmp"]:
            _unlink_quietly(index_dir / name)
        raise IndexWriteFailed(write_failure(index_dir, error), error.errno) from error
    _fsync_folder(index_dir)  # the swap is on disk before the old generation goes
    _remove_other_generations(index_dir, set(files.values()))
    return manifest


def write_failure(index_dir: Path, error: OSError) -> str:
    """What failed and what to do, for a write into index_dir that raised error."""
    if error.errno == errno.ENOSPC:
        next_step = "free some disk space, then ingest again"
    elif error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        next_step = "the folder is read-only here: set QA_INDEX_DIR (or --index) to a writable folder"
    else:
        next_step = "check the folder, then ingest again"
    return (f"could not write the index in {index_dir} ({error.strerror or error}); "
            f"the last good index is unchanged; {next_step}")


def read_manifest(index_dir: Path) -> Manifest:
    path = index_dir / MANIFEST
    if not path.exists():
        raise IndexMissing(f"no index in {index_dir}", "run: python -m ingest")
    try:
        row = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexCorrupt(f"{path} is unreadable ({error})") from error
    return Manifest.from_json(row, path)


def read_index(index_dir: Path) -> IndexData:
    """Load and check every file against the manifest; damage raises IndexCorrupt."""
    manifest = read_manifest(index_dir)
    try:
        return _read_generation(index_dir, manifest)
    except IndexCorrupt:
        # a concurrent ingest may have swapped generations and removed these files meanwhile
        newer = read_manifest(index_dir)
        if newer.generation == manifest.generation:
            raise
        return _read_generation(index_dir, newer)


def remove_leftovers(index_dir: Path, manifest: Manifest) -> None:
    """What a killed ingest leaves: other generations' data files and a half-written manifest.
    Best effort: on a read-only folder there is nothing to tidy and nothing to fail."""
    _remove_other_generations(index_dir, set(manifest.files.values()))
    _unlink_quietly(index_dir / (MANIFEST + ".tmp"))


def _read_generation(index_dir: Path, manifest: Manifest) -> IndexData:
    """Every file is read once: checked against its checksum as it is read (the sentence vectors, the
    biggest, are then memory-mapped: only the pages a question touches stay in memory)."""
    try:
        files = manifest.files
        raw = {kind: _checked_bytes(index_dir / files[kind], manifest) for kind in ("passages", "vectors")}
        _checked_bytes(index_dir / files["units"], manifest, keep=False)
        passages = [_passage_from_json(json.loads(line)) for line in raw["passages"].decode("utf-8").splitlines()]
        dense = faiss.deserialize_index(np.frombuffer(raw["vectors"], dtype=np.uint8))
        vectors = stored_vectors(dense)
        unit_vectors = np.load(index_dir / files["units"], mmap_mode="r", allow_pickle=False)
    except IndexCorrupt:
        raise
    except (OSError, KeyError, TypeError, ValueError, RuntimeError, AttributeError) as error:
        raise IndexCorrupt(f"index in {index_dir} is damaged ({type(error).__name__}: {error})") from error
    unit_starts = np.cumsum([0] + [len(p.units) for p in passages])
    if (len(passages), unit_starts[-1]) != (manifest.passage_count, manifest.unit_count) \
            or vectors.shape[0] != len(passages) or unit_vectors.ndim != 2 \
            or unit_vectors.shape[0] != unit_starts[-1] or vectors.shape[1] != manifest.dim \
            or (len(unit_vectors) and unit_vectors.shape[1] != manifest.dim):
        raise IndexCorrupt(f"index in {index_dir} has mismatched counts")
    return IndexData(manifest, passages, vectors, unit_vectors, unit_starts, dense)


def _checked_bytes(path: Path, manifest: Manifest, keep: bool = True) -> bytes:
    """The file's bytes (or b"" if not keep), having checked them against the manifest in the same read."""
    digest, chunks = hashlib.sha256(), []
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
            if keep:
                chunks.append(block)
    if digest.hexdigest() != manifest.checksums[path.name]:
        raise IndexCorrupt(f"{path} does not match its checksum (truncated or edited?)")
    return b"".join(chunks)


def _has_type(value: object, annotation: str) -> bool:
    """The few annotation strings Manifest uses; bool is not an int here."""
    if annotation == "str":
        return isinstance(value, str)
    if annotation == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation == "dict[str, str]":
        return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    raise TypeError(f"Manifest field type {annotation!r} has no check")


def _passage_to_json(p: Passage) -> dict:
    return {"id": p.id, "doc": p.doc, "heading": list(p.heading), "lines": list(p.lines), "text": p.text,
            "links": [{"url": link.url, "text": link.text} for link in p.links],
            "units": [[u.text, u.line, u.kind] for u in p.units],
            **{key: list(value) for key, value in (("aliases", p.aliases), ("tags", p.tags), ("related", p.related))
               if value}, **({"summary": p.summary} if p.summary else {})}


def _passage_from_json(row: dict) -> Passage:
    return Passage(id=row["id"], doc=row["doc"], heading=tuple(row["heading"]), lines=tuple(row["lines"]),
                   text=row["text"], links=tuple(Link(link["url"], link["text"]) for link in row["links"]),
                   units=tuple(Unit(*unit) for unit in row["units"]), aliases=tuple(row.get("aliases", ())),
                   tags=tuple(row.get("tags", ())), related=tuple(row.get("related", ())),
                   summary=str(row.get("summary", "")))


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
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _remove_other_generations(index_dir: Path, keep: set[str]) -> None:
    """Old generations and the leftovers of a killed ingest; never anything else."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return
    for name in names:
        stem = name.split("-", 1)[0]
        if name not in keep and stem in DATA_FILES and "-" in name:
            _unlink_quietly(index_dir / name)
