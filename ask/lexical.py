"""How well each passage holds the question's words, from postings: no loop over passages."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BM25_K1, BM25_B = 1.2, 0.75


class LexicalIndex:
    """Term postings over passage documents (stemmed content words, ask.terms)."""

    def __init__(self, documents: Sequence[Sequence[str]]):
        self.size = len(documents)
        self.lengths = np.array([len(terms) for terms in documents], np.float32)
        self.mean_length = float(self.lengths.mean()) if len(self.lengths) else 0.0
        ids: dict[str, int] = {}
        term_ids = np.array([ids.setdefault(t, len(ids)) for terms in documents for t in terms], np.int64)
        rows = np.repeat(np.arange(self.size, dtype=np.int64), self.lengths.astype(np.int64))
        # one (term, row) pair per occurrence, sorted by term then row: its runs are the postings
        pairs, counts = np.unique(term_ids * max(self.size, 1) + rows, return_counts=True)
        pair_terms, pair_rows = np.divmod(pairs, max(self.size, 1))
        bounds = np.flatnonzero(np.diff(pair_terms)) + 1
        names = list(ids)
        self.postings = {names[int(run_terms[0])]: (run_rows, run_counts.astype(np.float32))
                         for run_terms, run_rows, run_counts in zip(np.split(pair_terms, bounds),
                                                                  np.split(pair_rows, bounds),
                                                                  np.split(counts, bounds)) if len(run_terms)}

    def idf(self, term: str) -> float:
        df = len(self.postings[term][0]) if term in self.postings else 0
        return float(np.log(1.0 + (self.size - df + 0.5) / (df + 0.5)))

    def scores(self, terms: Sequence[str], kind: str) -> np.ndarray:
        """Per passage, in [0, 1]: 'coverage', the share of the distinct terms it holds; 'idf', the
        same share weighted by each term's rarity; 'bm25', BM25 over the best passage's."""
        wanted = list(dict.fromkeys(terms))
        held = np.zeros(self.size, np.float32)
        if not wanted or not self.size:
            return held
        weights = {t: (1.0 if kind == "coverage" else self.idf(t)) for t in wanted}
        for term in wanted:
            if term not in self.postings:
                continue
            rows, tf = self.postings[term]
            if kind == "bm25":
                norm = tf + BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[rows] / max(self.mean_length, 1e-9))
                held[rows] += weights[term] * tf * (BM25_K1 + 1) / norm
            else:
                held[rows] += weights[term]
        if kind == "bm25":
            top = held.max()
            return held / top if top > 0 else held
        return held / sum(weights.values())
