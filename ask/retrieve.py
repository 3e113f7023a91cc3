"""Hybrid retrieval: dense cosine from FAISS fused with BM25 over the same passage text."""
from __future__ import annotations

from dataclasses import dataclass

import bm25s
import faiss
import numpy as np

from ingest import IndexData, Passage, passage_document

from .terms import terms

# Weights of the fused score; docs/quality.md shows what each gained on the dev sets.
DENSE_WEIGHT = 1.0    # question vs passage (heading path + text)
UNIT_WEIGHT = 0.0     # question vs the passage's best sentence or bullet
LEXICAL_WEIGHT = 0.3  # BM25, relative to the best match


@dataclass(frozen=True)
class Hit:
    passage: Passage
    row: int         # the passage's row in the index
    score: float     # fused score that sets the rank
    dense: float     # cosine similarity of question and passage
    unit: float      # cosine similarity of question and the passage's best sentence or bullet
    lexical: float   # BM25 score relative to the best match, 0..1
    coverage: float  # share of the question's content words found in the passage


class Retriever:
    """Built once per loaded index; search() is cheap enough to run per keystroke."""

    def __init__(self, data: IndexData):
        self.data = data
        self.dense = faiss.IndexFlatIP(data.vectors.shape[1])
        self.dense.add(np.ascontiguousarray(data.vectors))
        self.passage_terms = [set(terms(passage_document(p))) for p in data.passages]
        self.lexical = bm25s.BM25()
        if data.passages:
            self.lexical.index([terms(passage_document(p)) or ["\x00"] for p in data.passages],
                               show_progress=False)

    def search(self, question: str, query_vector: np.ndarray, k: int = 10) -> list[Hit]:
        n = len(self.data.passages)
        if n == 0:
            return []
        dense_scores, rows = self.dense.search(query_vector.reshape(1, -1), n)
        dense = np.empty(n, np.float32)
        dense[rows[0]] = dense_scores[0]
        unit = np.full(n, -1.0, np.float32)
        if len(self.data.unit_vectors):
            sims = self.data.unit_vectors @ query_vector
            owners = np.repeat(np.arange(n), np.diff(self.data.unit_starts))
            np.maximum.at(unit, owners, sims)
        query_terms = terms(question)
        lexical = self.lexical.get_scores(query_terms) if query_terms else np.zeros(n, np.float32)
        top = float(lexical.max()) if n else 0.0
        lexical = lexical / top if top > 0 else np.zeros(n, np.float32)
        fused = DENSE_WEIGHT * dense + UNIT_WEIGHT * np.maximum(unit, 0) + LEXICAL_WEIGHT * lexical
        order = np.argsort(-fused, kind="stable")[:k]
        wanted = set(query_terms)
        return [Hit(self.data.passages[i], int(i), float(fused[i]), float(dense[i]), float(unit[i]), float(lexical[i]),
                    len(wanted & self.passage_terms[i]) / len(wanted) if wanted else 0.0)
                for i in order]
