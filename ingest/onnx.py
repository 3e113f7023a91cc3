"""The configured model run by ONNX Runtime, from an export of it made on this machine.

A question is one short text: for it, torch's per-call overhead costs more than the arithmetic.
The same weights run by ONNX Runtime give the same vector (within 1e-6) in a third of the time,
and a process that runs the export never imports torch, transformers or sentence-transformers:
half the memory, and a cold start that does not wait for them. Passages are embedded by the export
too (one pass per passage, long sentences pooled from it: encoder.pool_spans, as with torch), one
single-thread run per core side by side, and a rebuild takes a third less time than with torch.

The export is made once per model, in a child process (torch.onnx, nothing downloaded), checked
against the model's own vectors before it is used, and kept in a cache folder keyed by the model's
files. A model that cannot be exported, or whose export disagrees, runs through
sentence-transformers as before.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np

from .encoder import (
    CHUNK,
    Embedder,
    Encoder,
    Progress,
    by_length,
    load_encoder,
    model_location,
    pool_spans,
    prepare_threads,
)

FORMAT = 2            # bump when the export changes; older exports are then made again
BATCH = 4             # texts per run: as fast as 32 here (sorted by length, little padding), and ONNX
                      # Runtime's arena keeps the biggest run's memory: a primer rebuild peaks at 313 MB
                      # instead of 1.1 GB
AGREEMENT = 1e-4      # largest difference from the model's own vectors an export may show
KEPT_EXPORTS = 3      # exports kept in the cache, the one in use and the ones used last (prune_exports)
_EXPORT_NAME = re.compile(r"[0-9a-f]{16}")  # export_key's names: nothing else in the cache is touched
_CHECK_TEXTS = ("x", "How does Kafka keep messages in order within a partition?",
                "cache " * 400)  # the last is longer than the model reads: truncation must agree
_CHECK_UNITS = ("Kafka keeps messages in order within a partition.",
                "Every consumer in a group reads its own partitions, so adding consumers up to the number of "
                "partitions spreads the load, and a consumer that dies has its partitions handed to the others.")
log = logging.getLogger(__name__)

Runs = Callable[[list[list]], list[tuple[np.ndarray, np.ndarray]]]  # token batches -> each one's run


class OnnxEncoder:
    """Encoder's interface, run by the export; a model that does not mean-pool has its passages
    embedded by the model itself, loaded on first use."""

    def __init__(self, name: str, folder: Path, loaded: Encoder | None = None):
        import tokenizers

        meta = json.loads((folder / "export.json").read_text(encoding="utf-8"))
        self.name, self.dim, self._inputs = name, int(meta["dim"]), list(meta["inputs"])
        self.pools_spans = bool(meta["pools_spans"])
        self._tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(int(meta["max_tokens"]))
        self._model_file, self._cores = str(folder / "model.onnx"), _cores()
        # a question: every core on its one run (0: ONNX Runtime's own count, one per physical core)
        self._session = self._new_session(int(os.environ.get("OMP_NUM_THREADS") or 0))
        self._loaded, self._lock = loaded, threading.Lock()

    def encode_query(self, text: str) -> np.ndarray:
        return _unit_rows(self._run(self._session, [self._tokenizer.encode(text)])[0])[0]

    def encode(self, texts: Sequence[str], on_progress: Progress | None = None) -> np.ndarray:
        """Unit-length float32 rows, so inner product is cosine similarity."""
        return self._encode(texts, self._in_turn, on_progress)

    def encode_passages(self, documents: Sequence[str], units: Sequence[Sequence[str]],
                        on_progress: Progress | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
        """As Encoder.encode_passages does it, one pass per passage, run by the export, one run per
        core side by side."""
        if not self.pools_spans:
            return self.model_itself().encode_passages(documents, units, on_progress)
        with self._side_by_side() as runs:
            return pool_spans(documents, units, self.dim, partial(self._token_states, runs=runs),
                              partial(self._encode, runs=runs), on_progress)

    def model_itself(self) -> Encoder:
        """The sentence-transformers model, loaded once, for a model whose sentences cannot be pooled
        from its passages' pass (it does not mean-pool)."""
        with self._lock:
            if self._loaded is None:
                self._loaded = load_encoder(self.name)
            return self._loaded

    def _encode(self, texts: Sequence[str], runs: Runs, on_progress: Progress | None = None) -> np.ndarray:
        def vectors(chunk: list[str]) -> np.ndarray:
            return _unit_rows(np.concatenate([v for v, _ in runs(self._batches(chunk))]))
        return by_length(texts, self.dim, CHUNK, vectors, on_progress)

    def _token_states(self, texts: list[str], runs: Runs) -> list[tuple[np.ndarray, np.ndarray]]:
        batches = self._batches(texts)
        return [(states[row, :len(e.ids)], np.asarray(e.offsets, np.int64).reshape(-1, 2))
                for encodings, (_, states) in zip(batches, runs(batches)) for row, e in enumerate(encodings)]

    def _batches(self, texts: list[str]) -> list[list]:
        return [self._tokenizer.encode_batch(texts[start:start + BATCH]) for start in range(0, len(texts), BATCH)]

    def _in_turn(self, batches: list[list]) -> list[tuple[np.ndarray, np.ndarray]]:
        return [self._run(self._session, encodings) for encodings in batches]

    @contextmanager
    def _side_by_side(self) -> Iterator[Runs]:
        """Many runs: a one-thread session, called from one thread per core. Small runs split over
        two cores spend much of their time waiting for each other: a primer rebuild takes 15% less
        time this way here. Dropped afterwards, with the memory its runs held."""
        if self._cores < 2:
            yield self._in_turn
            return
        bulk = self._new_session(1)
        with ThreadPoolExecutor(self._cores) as pool:
            yield lambda batches: list(pool.map(partial(self._run, bulk), batches))

    def _new_session(self, threads: int):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        return onnxruntime.InferenceSession(self._model_file, options, providers=["CPUExecutionProvider"])

    def _run(self, session, encodings: list) -> tuple[np.ndarray, np.ndarray]:
        """The sentence vectors and the token states of a padded batch."""
        width = max(len(e.ids) for e in encodings)
        feed = {name: np.zeros((len(encodings), width), np.int64) for name in self._inputs}
        for row, e in enumerate(encodings):
            for name, values in (("input_ids", e.ids), ("attention_mask", e.attention_mask),
                                 ("token_type_ids", e.type_ids)):
                if name in feed:
                    feed[name][row, :len(values)] = values
        vectors, states = session.run(None, feed)
        return vectors, states


def _cores() -> int:
    """The cores this process may use, or OMP_NUM_THREADS when set."""
    if os.environ.get("OMP_NUM_THREADS"):
        return int(os.environ["OMP_NUM_THREADS"])
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process is allowed, not the machine's
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # macOS, Windows


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = vectors.astype(np.float32, copy=False)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def load_exported_encoder(name: str, cache: Path | None = None) -> Embedder:
    """The model's ONNX export (made now if missing), or the model itself when it cannot be exported."""
    prepare_threads()
    folder = (cache or default_cache()) / export_key(name)
    if (folder / "export.json").is_file():
        try:
            encoder = OnnxEncoder(name, folder)
            os.utime(folder)  # used now: pruning keeps the exports used last
            return encoder
        except Exception as error:  # a damaged export is made again below
            log.warning("ONNX export of %s unusable (%s): exporting again", name, error)
    try:
        export_in_a_child(name, folder)
        prune_exports(folder)
        return OnnxEncoder(name, folder)
    except Exception as error:  # any model torch.onnx or ONNX Runtime cannot take: served as it is
        log.warning("%s is run by sentence-transformers: no ONNX export (%s)", name, error)
        return load_encoder(name)


def export_in_a_child(name: str, folder: Path) -> None:
    """Export in a child process (python -m ingest.onnx), so that this one never imports torch:
    a first start then holds only what serving needs. Raises with the child's last words."""
    done = subprocess.run([sys.executable, "-m", "ingest.onnx", name, str(folder)], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[1], timeout=1800)
    if done.returncode:
        raise RuntimeError((done.stderr.strip().splitlines() or ["the export failed"])[-1])


def prune_exports(kept: Path, most: int = KEPT_EXPORTS) -> list[Path]:
    """Remove all but the most recently used exports beside kept (which stays): each is ~90 MB, and a
    reinstall of the model's package changes its files' times, so every fresh venv would add one.
    An export removed while another process serves from it is only read at start; that process
    keeps working, and the next start exports again. Returns what was removed."""
    others = [path for path in kept.parent.glob("*") if path != kept and path.is_dir()
              and _EXPORT_NAME.fullmatch(path.name) and (path / "export.json").is_file()]
    others.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    removed = others[max(0, most - 1):]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ask-my-notes" / "onnx"


def export_key(name: str) -> str:
    """Changes when the model's files change (a local folder, the bundled package) or the export does."""
    location = model_location(name)
    parts = [str(FORMAT), name, location]
    if os.path.isdir(location):
        for path in sorted(Path(location).rglob("*")):
            if path.is_file():
                stat = path.stat()
                parts.append(f"{path.relative_to(location)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def export(encoder: Encoder, folder: Path) -> None:
    """Write model.onnx, tokenizer.json and export.json to folder, all or nothing; raises if the
    export's vectors differ from the model's by more than AGREEMENT."""
    import torch

    model = encoder.model
    sample = model.preprocess(["x"])
    inputs = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in sample]
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _pooled_module(model, inputs).eval(), tuple(sample[k] for k in inputs), str(scratch / "model.onnx"),
                input_names=inputs, output_names=["embedding", "token_embeddings"], opset_version=17, dynamo=False,
                dynamic_axes={**{k: {0: "batch", 1: "tokens"} for k in inputs}, "embedding": {0: "batch"},
                              "token_embeddings": {0: "batch", 1: "tokens"}})
        (scratch / "tokenizer.json").write_text(model.tokenizer.backend_tokenizer.to_str(), encoding="utf-8")
        (scratch / "export.json").write_text(json.dumps(
            {"model": encoder.name, "dim": encoder.dim, "inputs": inputs, "pools_spans": encoder.pools_spans,
             "max_tokens": int(model.max_seq_length)}), encoding="utf-8")
        exported = OnnxEncoder(encoder.name, scratch, loaded=encoder)
        expected = model.encode(list(_CHECK_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
        difference = max(float(np.abs(exported.encode_query(t) - e).max()) for t, e in zip(_CHECK_TEXTS, expected))
        if exported.pools_spans:  # a passage's pass, and a long sentence pooled from it
            ours = exported.encode_passages([" ".join(_CHECK_UNITS)], [_CHECK_UNITS])
            theirs = encoder.encode_passages([" ".join(_CHECK_UNITS)], [_CHECK_UNITS])
            difference = max(difference, float(np.abs(ours[0] - theirs[0]).max()),
                             float(np.abs(ours[1][0] - theirs[1][0]).max()))
        if difference > AGREEMENT:
            raise ValueError(f"its vectors differ from the model's by up to {difference:.1e}")
        if not (folder / "export.json").is_file():  # another process may have made it meanwhile
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(scratch, folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _pooled_module(model, inputs: list[str]):
    """The sentence-transformers pipeline as one torch module: token ids in; the sentence vector and
    the token states (what pool_spans pools) out."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            features = self.model(dict(zip(inputs, tensors)))
            return features["sentence_embedding"], features["token_embeddings"]

    return Pooled()


if __name__ == "__main__":  # python -m ingest.onnx NAME FOLDER: what export_in_a_child runs
    export(load_encoder(sys.argv[1]), Path(sys.argv[2]))
