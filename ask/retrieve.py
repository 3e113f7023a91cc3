"""Hybrid retrieval: dense cosine from FAISS, the closest sentence's cosine and the question's words,
fused; each hit carries its evidence (every sentence's cosine and word overlap), so what comes after
retrieval needs the hits, not the index."""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ingest import IndexData, Passage, Unit, passage_document, searchable

from .framing import is_context
from .lexical import LexicalIndex
from .terms import terms, terms_of_words, words
from .tuning import Tuning
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Evidence:
    unit: Unit
    similarity: float  # cosine of the question and this sentence, bullet or row
    overlap: float     # share of the question's words it holds


@dataclass(frozen=True)
class Hit:
    passage: Passage
    row: int          # the passage's row in the index
    score: float      # fused score that sets the rank
    dense: float      # cosine similarity of question and passage
    unit: float       # cosine similarity of question and the passage's closest unit
    lexical: float    # the lexical ranking signal (Tuning.lexical), in [0, 1]
    coverage: float   # the share of the question's words the passage holds: what answerability counts
    evidence: tuple[Evidence, ...] = ()  # the passage's units, in note order; for the hits an answer
                                         # may quote (Tuning.answer_passages), empty for the others


LOOKED_AT = 4  # x k passages ranked to find k that are neither copies nor pointers (see _best)
EXACT_UP_TO = 20_000  # passages: every one is scored; beyond, only the dense and the lexical candidates
CANDIDATES = 400      # of each kind, beyond EXACT_UP_TO


class Retriever:
    """Built once per loaded index; search() costs about a millisecond on a thousand passages."""

    def __init__(self, data: IndexData, tuning: Tuning = Tuning()):
        self.data, self.tuning = data, tuning
        self.unit_owner = np.repeat(np.arange(len(data.passages)), np.diff(data.unit_starts))
        docs = [p.doc for p in data.passages]
        number = {d: i for i, d in enumerate(dict.fromkeys(docs))}
        self.note_of = np.array([number[d] for d in docs], np.int64)
        same = self.note_of[1:] == self.note_of[:-1] if len(docs) > 1 else np.zeros(0, bool)
        self.has_before = np.concatenate([[False], same])  # passage i-1 is of the same note
        self.has_after = np.concatenate([same, [False]])
        document_words = [words(passage_document(p)) for p in data.passages]  # split once, used twice
        self.lexical = LexicalIndex([terms_of_words(lowered) + terms(" ".join(p.tags))
                                     for lowered, p in zip(document_words, data.passages)])
        self.vocabulary = Vocabulary.of_words(document_words)
        self._unit_terms: dict[int, frozenset[str]] = {}  # a unit's terms, made when first a hit shows it
        first_of: dict[str, int] = {}  # passages of the same words (a docs folder repeats an option's text)
        self.copy_of = np.array([first_of.setdefault(" ".join(p.text.split()), i)
                                 for i, p in enumerate(data.passages)], np.int64)
        self.has_copies = bool(np.any(self.copy_of != np.arange(len(data.passages))))
        self._pointer: dict[int, bool] = {}  # a passage of framing lines only, found when first ranked

    @cached_property
    def unit_lexical(self) -> LexicalIndex:
        """Postings over every sentence: only for Tuning.sentence_words_weight, off as shipped."""
        return LexicalIndex([self.unit_terms(i) for i in range(len(self.unit_owner))])

    def unit_terms(self, row: int) -> frozenset[str]:
        """The terms of the unit in this row of the unit vectors."""
        found = self._unit_terms.get(row)
        if found is None:
            passage = self.data.passages[self.unit_owner[row]]
            unit = passage.units[row - self.data.unit_starts[self.unit_owner[row]]]
            found = self._unit_terms[row] = frozenset(terms(searchable(unit.text)))
        return found

    def with_tuning(self, tuning: Tuning) -> Retriever:
        """The same index structures, other weights."""
        other = copy.copy(self)
        other.tuning = tuning
        return other

    def search(self, question: str, query_vector: np.ndarray, k: int = 10,
               words: Sequence[str] | None = None) -> list[Hit]:
        """The k best passages; words: the question's content words when they are not its own
        (a follow-up's new words), else terms(question)."""
        n = len(self.data.passages)
        if n == 0:
            return []
        wanted = list(words) if words is not None else terms(question)
        query_vector = query_vector.astype(np.float32)
        lexical = self.lexical.scores(wanted, self.tuning.lexical)
        dense, unit_similarity, unit = self._similarities(query_vector, lexical)
        t = self.tuning
        fused = t.dense_weight * dense + t.unit_weight * unit + t.lexical_weight * lexical
        if t.sentence_words_weight and len(self.unit_owner):
            best_sentence = np.zeros(n, np.float32)
            np.maximum.at(best_sentence, self.unit_owner, self.unit_lexical.scores(wanted, "coverage"))
            fused += t.sentence_words_weight * best_sentence
        fused = fused + self._context(np.where(np.isfinite(fused), fused, 0.0))
        order = self._best(fused, k)
        wanted_set = set(wanted)
        coverage = lexical if t.lexical == "coverage" else self.lexical.scores(wanted, "coverage")
        quotable = t.answer_passages  # only these hits' sentences can be quoted: the rest carry none
        return [Hit(self.data.passages[i], int(i), float(fused[i]), float(dense[i]), float(unit[i]),
                    float(lexical[i]), float(coverage[i]),
                    self._evidence(int(i), unit_similarity, wanted_set) if rank < quotable else ())
                for rank, i in enumerate(order)]

    def _best(self, fused: np.ndarray, k: int) -> np.ndarray:
        """The rows of the k best passages, best first (a tie goes to the passage earlier in the index).
        A passage of framing lines only ("See: [[Postel's Law]]", a list of links) answers nothing
        itself, yet its words are the title of the note it points to: it scores context_penalty less
        (lowered in fused), as such a line does as a quote. And one of each text: a passage in the
        words of a better one (a docs folder describes an option the same way on every command's
        page) gives the reader nothing new, and takes a place."""
        n = len(fused)
        wide = min(n, k * LOOKED_AT)
        top = np.argpartition(-fused, wide - 1)[:wide] if n > wide else np.arange(n)
        fused[top] -= self.tuning.context_penalty * np.array([self.is_pointer(int(i)) for i in top], np.float32)
        order = top[np.lexsort((top, -fused[top]))]
        if self.has_copies:
            _, first = np.unique(self.copy_of[order], return_index=True)  # the best-ranked of each text
            order = order[np.sort(first)]
        return order[:k]

    def is_pointer(self, row: int) -> bool:
        """Whether the passage in this row is framing lines only (ask.framing)."""
        found = self._pointer.get(row)
        if found is None:
            units = self.data.passages[row].units
            found = self._pointer[row] = bool(units) and all(is_context(u.text) for u in units)
        return found

    def _similarities(self, query_vector: np.ndarray, lexical: np.ndarray) -> tuple[np.ndarray, ...]:
        """Cosines of the question with each passage (-inf where not a candidate), with each unit, and with
        each passage's closest unit (0 where none). Up to EXACT_UP_TO, whole arrays: indexing a
        memory-mapped array by rows copies it, and that copy had cost more than the search."""
        n, unit_count = len(self.data.passages), len(self.unit_owner)
        unit = np.full(n, -1.0, np.float32)
        if n <= EXACT_UP_TO:
            dense = np.asarray(self.data.vectors) @ query_vector
            unit_similarity = np.asarray(self.data.unit_vectors) @ query_vector if unit_count \
                else np.zeros(0, np.float32)
            owners = np.flatnonzero(np.diff(self.data.unit_starts) > 0)
            if len(owners):
                unit[owners] = np.maximum.reduceat(unit_similarity, self.data.unit_starts[owners])
        else:
            rows, unit_rows = self._candidates(query_vector, lexical)
            dense = np.full(n, -np.inf, np.float32)
            dense[rows] = self.data.vectors[rows] @ query_vector
            unit_similarity = np.zeros(unit_count, np.float32)
            if len(unit_rows):
                unit_similarity[unit_rows] = np.asarray(self.data.unit_vectors[unit_rows]) @ query_vector
                np.maximum.at(unit, self.unit_owner[unit_rows], unit_similarity[unit_rows])
        unit[unit == -1.0] = 0.0
        return dense.astype(np.float32, copy=False), unit_similarity, unit

    def _candidates(self, query_vector: np.ndarray, lexical: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The passages to score beyond EXACT_UP_TO, and their units' rows: the dense index's nearest and
        the best by words (a graph search instead of a scan, above HNSW_ABOVE)."""
        _, nearest = self.data.dense.search(query_vector.reshape(1, -1), CANDIDATES)
        by_words = np.argpartition(-lexical, CANDIDATES)[:CANDIDATES]
        rows = np.unique(np.concatenate([nearest[0][nearest[0] >= 0], by_words]))
        starts, ends = self.data.unit_starts[rows], self.data.unit_starts[rows + 1]
        lengths = ends - starts
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return rows, np.repeat(starts, lengths) + offsets

    def _context(self, base: np.ndarray) -> np.ndarray:
        """What a passage's surroundings add: its better neighbour in the same note (an answer that runs
        on past a cut), and the best passage of its note (a short note is about one thing)."""
        extra = np.zeros_like(base)
        if self.tuning.neighbour_weight and len(base) > 1:
            before = np.where(self.has_before, np.roll(base, 1), -np.inf)
            after = np.where(self.has_after, np.roll(base, -1), -np.inf)
            best = np.maximum(before, after)
            extra += self.tuning.neighbour_weight * np.where(np.isfinite(best), best, 0.0)
        if self.tuning.note_weight:
            note_best = np.full(self.note_of.max() + 1, -np.inf, np.float32)
            np.maximum.at(note_best, self.note_of, base)
            extra += self.tuning.note_weight * note_best[self.note_of]
        return extra

    def _evidence(self, row: int, similarity: np.ndarray, wanted: set[str]) -> tuple[Evidence, ...]:
        start, end = self.data.passage_units(row)
        units = self.data.passages[row].units
        return tuple(Evidence(u, float(similarity[start + j]),
                              len(wanted & self.unit_terms(start + j)) / len(wanted) if wanted else 0.0)
                     for j, u in enumerate(units))
