"""Compose an answer from retrieved passages: quoted sentences with citations, or an honest 'not covered'."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ingest import Link, unique_links

from .abstain import Coverage
from .retrieve import Evidence, Hit
from .terms import has_link, said, words
from .tuning import Tuning

_ATTRIBUTION = re.compile(r"\A\W{0,5}(?:source|sources|reference|references|ref|refs|via|h/t|hat tip|credit|credits|"
                          r"see also|read more|more info|further reading|docs|documentation|link|links|from)\b",
                          re.IGNORECASE)
LEAD_IN_ITEMS = 3  # lines quoted after a quoted line that ends with a colon
ASKS_FOR_LINKS = frozenset("link links url urls docs doc documentation reference references source sources "
                           "website site page read article".split())


@dataclass(frozen=True)
class Quote:
    text: str    # a sentence, bullet, row or code block, verbatim from the note
    source: int  # 1-based number of the cited passage in Answer.sources
    line: int
    kind: str = "text"


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
    searched: str = ""              # what was searched, when not the question (a follow-up, a typo mended)
    weak: bool = False              # answered, but the evidence is close to the bar: the page says so
    suggestion: str = ""            # the question spelt as the notes spell it, when it was not: searched so
    latency_ms: float = field(default=0.0, compare=False)

    @property
    def links(self) -> tuple[Link, ...]:
        """Deduplicated links of the cited passages (none when abstaining)."""
        cited = self.sources if not self.abstained else ()
        return unique_links(link for hit in cited for link in hit.passage.links)

    def judged(self, coverage: Coverage, threshold: float, weak_band: float = 0.0) -> Answer:
        """This answer with its evidence: declined ("not in your notes", and why) if the evidence falls
        short, marked weak if it only just clears the bar."""
        reason = coverage.reason(threshold)
        if self.abstained:
            return replace(self, coverage=coverage)
        if reason is None:  # answered; weak when barely over the bar, or when a term asked about is not in the notes
            weak = coverage.score < threshold + weak_band or bool(coverage.unknown_terms)
            return replace(self, coverage=coverage, weak=weak)
        return replace(self, coverage=coverage, abstained=True, reason=reason, quotes=(), sources=())

    @property
    def text(self) -> str:
        """The answer as plain text: what the evaluation scores."""
        if self.abstained:
            return "Your notes don't cover this."
        return "\n".join(f"{q.text} [{q.source}]" for q in self.quotes)


@lru_cache(maxsize=8192)  # a note's lines come back question after question
def is_context(text: str) -> bool:
    """A line that frames an answer rather than giving one: only links, an attribution
    ("Source: …", "Reference: …") or a short label ending in a colon."""
    plain = said(text)
    spoken = [w for w in words(plain) if any(c.isalpha() for c in w)]
    if has_link(text):
        if len(spoken) <= 3 or _ATTRIBUTION.match(plain):
            return True
    if _ATTRIBUTION.match(plain) and ":" in plain[:40]:
        return True
    return text.rstrip().endswith(":") and len(spoken) <= 8


def compose_answer(question: str, hits: list[Hit], tuning: Tuning = Tuning()) -> Answer:
    """Quote the sentences that best answer, from the evidence of the best passages; whether to
    answer at all is ask.abstain's call."""
    if not hits:
        return Answer(question, abstained=True, reason="Your notes are empty.")
    wants_links = not ASKS_FOR_LINKS.isdisjoint(words(question))
    candidates: list[tuple[float, int, Evidence]] = []  # (score, hit rank, evidence)
    for rank, hit in enumerate(hits[:tuning.answer_passages]):
        for evidence in hit.evidence:
            score = evidence.similarity + tuning.quote_words * evidence.overlap + tuning.quote_passage * hit.score
            if not wants_links and is_context(evidence.unit.text):
                score -= tuning.context_penalty
            candidates.append((score, rank, evidence))
    if not candidates:
        top = hits[0].passage
        return Answer(question, abstained=False, sources=tuple(hits[:1]), hits=tuple(hits),
                      quotes=(Quote(top.text, 1, top.lines[0]),))
    candidates.sort(key=lambda c: -c[0])
    best = candidates[0][0]
    chosen = _once_each([c for c in candidates if c[0] >= best * tuning.quote_margin])[:tuning.max_quotes]
    chosen += _what_quotes_promise(chosen, hits)
    chosen.sort(key=lambda c: (c[1], c[2].unit.line))  # in note order, passage by passage
    cited_ranks = sorted({rank for _, rank, _ in chosen})
    number = {rank: i + 1 for i, rank in enumerate(cited_ranks)}
    quotes = tuple(Quote(e.unit.text, number[rank], e.unit.line, e.unit.kind) for _, rank, e in chosen)
    return Answer(question, abstained=False, quotes=quotes,
                  sources=tuple(hits[rank] for rank in cited_ranks), hits=tuple(hits))


def _once_each(candidates: list) -> list:
    """The best-scored of each text: a sentence repeated in two places (a template's "Ask questions to
    clarify use cases" in every worked design) is quoted once, not twice out of five."""
    seen: set[str] = set()
    kept = []
    for candidate in candidates:
        text = " ".join(candidate[2].unit.text.split()).lower()
        if text not in seen:
            seen.add(text)
            kept.append(candidate)
    return kept


def _what_quotes_promise(chosen: list, hits: list[Hit]) -> list:
    """A quoted line may promise what comes next: notes often write a question and answer it on the
    same line ("How Kafka handle offset? Manage message position consumed in a partition"), or end a
    line with a colon and list the answer below it ("Allow the web server to respond to incoming
    requests from:"). Quote what was promised too."""
    quoted = {(rank, e.unit.line, e.unit.text) for _, rank, e in chosen}
    extra = []
    for score, rank, evidence in chosen:
        units = hits[rank].evidence
        i = next(j for j, e in enumerate(units) if e.unit == evidence.unit)
        text = evidence.unit.text.rstrip()
        if text.endswith("?"):
            following = units[i + 1:i + 2]
            following = [e for e in following if e.unit.line == evidence.unit.line and not e.unit.text.endswith("?")]
        elif text.endswith(":"):
            following = []
            for after in units[i + 1:i + 1 + LEAD_IN_ITEMS]:
                if after.unit.text.rstrip().endswith(":"):
                    break
                following.append(after)
        else:
            continue
        for after in following:
            key = (rank, after.unit.line, after.unit.text)
            if key not in quoted:
                extra.append((score, rank, after))
                quoted.add(key)
    return extra
