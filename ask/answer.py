"""Compose an answer from retrieved passages: quoted sentences with citations, or an honest 'not covered'."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ingest import IndexData, Link
from ingest.links import unique_links

from .abstain import ANSWER_PASSAGES, Coverage
from .retrieve import Hit
from .terms import terms

MAX_QUOTES = 4
QUOTE_MARGIN = 0.75     # a quote must score at least this share of the best quote
QUOTE_WORDS = 0.3       # a quote's score: its cosine, plus this times the question words it holds,
QUOTE_PASSAGE = 0.5     # plus this times its passage's retrieval score


@dataclass(frozen=True)
class Quote:
    text: str    # a sentence, bullet or row, verbatim from the note
    source: int  # 1-based number of the cited passage in Answer.sources
    line: int


@dataclass(frozen=True)
class Answer:
    question: str
    abstained: bool
    quotes: tuple[Quote, ...] = ()
    sources: tuple[Hit, ...] = ()   # the cited passages, numbered from 1
    hits: tuple[Hit, ...] = ()      # everything retrieved, best first
    notice: str = ""                # e.g. "your question was cut to 1,000 characters"
    reason: str = ""                # why the notes don't cover it, when abstained
    coverage: Coverage | None = None  # the evidence the decision to answer was made on
    latency_ms: float = field(default=0.0, compare=False)

    @property
    def links(self) -> tuple[Link, ...]:
        """Deduplicated links of the cited passages (of the nearest ones when abstaining)."""
        cited = self.sources if not self.abstained else ()
        return unique_links(link for hit in cited for link in hit.passage.links)

    def judged(self, coverage: Coverage) -> "Answer":
        """This answer with its evidence; declined ("not in your notes", and why) if the evidence falls short."""
        reason = coverage.reason()
        if reason is None or self.abstained:
            return replace(self, coverage=coverage)
        return replace(self, coverage=coverage, abstained=True, reason=reason, quotes=(), sources=())

    @property
    def text(self) -> str:
        """The answer as plain text: what the evaluation scores."""
        if self.abstained:
            return "Your notes don't cover this."
        return "\n".join(f"{q.text} [{q.source}]" for q in self.quotes)


def compose_answer(question: str, query_vector: np.ndarray, hits: list[Hit], data: IndexData,
                   unit_terms: list[frozenset[str]]) -> Answer:
    """Quote the sentences that best answer; whether to answer at all is ask.abstain's call.
    unit_terms: the content words of every unit, in index order (Retriever.unit_terms)."""
    if not hits:
        return Answer(question, abstained=True, reason="Your notes are empty.")
    wanted = set(terms(question))
    candidates = []  # (score, hit rank, unit)
    for rank, hit in enumerate(hits[:ANSWER_PASSAGES]):
        start, end = data.passage_units(hit.row)
        if start == end:
            continue
        similarity = data.unit_vectors[start:end] @ query_vector
        for unit, sim, held in zip(hit.passage.units, similarity, unit_terms[start:end]):
            overlap = len(wanted & held) / len(wanted) if wanted else 0.0
            candidates.append((float(sim) + QUOTE_WORDS * overlap + QUOTE_PASSAGE * hit.score, rank, unit))
    if not candidates:
        return Answer(question, abstained=False, sources=tuple(hits[:1]), hits=tuple(hits),
                      quotes=(Quote(hits[0].passage.text, 1, hits[0].passage.lines[0]),))
    candidates.sort(key=lambda c: -c[0])
    best = candidates[0][0]
    chosen = [c for c in candidates if c[0] >= best * QUOTE_MARGIN][:MAX_QUOTES]
    chosen += _answers_to_quoted_questions(chosen, hits)
    chosen.sort(key=lambda c: (c[1], c[2].line))  # in note order, passage by passage
    cited_ranks = sorted({rank for _, rank, _ in chosen})
    number = {rank: i + 1 for i, rank in enumerate(cited_ranks)}
    quotes = tuple(Quote(unit.text, number[rank], unit.line) for _, rank, unit in chosen)
    return Answer(question, abstained=False, quotes=quotes,
                  sources=tuple(hits[rank] for rank in cited_ranks), hits=tuple(hits))


def _answers_to_quoted_questions(chosen: list, hits: list[Hit]) -> list:
    """Notes often write a question and answer it in the same bullet or paragraph
    ("How Kafka handle offset? Manage message position consumed in a partition"): quote the answer too."""
    quoted = {(rank, unit.line, unit.text) for _, rank, unit in chosen}
    extra = []
    for score, rank, unit in chosen:
        units = hits[rank].passage.units
        i = units.index(unit)
        if not unit.text.endswith("?") or i + 1 == len(units):
            continue
        after = units[i + 1]
        key = (rank, after.line, after.text)
        if after.line == unit.line and not after.text.endswith("?") and key not in quoted:
            extra.append((score, rank, after))
            quoted.add(key)
    return extra
