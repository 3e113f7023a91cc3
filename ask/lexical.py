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
        starts = np.flatnonzero(np.diff(pair_terms, prepend=-1))  # where each term's run begins
        ends = np.append(starts[1:], len(pairs))
        names = list(ids)
        self._rows, self._counts = pair_rows, counts.astype(np.float32)
        self._runs = {names[int(term)]: (int(start), int(end))
                      for term, start, end in zip(pair_terms[starts], starts, ends)}

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows holding term, and how often each holds it (views, no copy)."""
        start, end = self._runs.get(term, (0, 0))
        return self._rows[start:end], self._counts[start:end]

    def idf(self, term: str) -> float:
        start, end = self._runs.get(term, (0, 0))
        df = end - start
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
            rows, tf = self.postings(term)
            if not len(rows):
                continue
            if kind == "bm25":
                norm = tf + BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[rows] / max(self.mean_length, 1e-9))
                held[rows] += weights[term] * tf * (BM25_K1 + 1) / norm
            else:
                held[rows] += weights[term]
        if kind == "bm25":
            top = held.max()
            return held / top if top > 0 else held
        return held / sum(weights.values())
