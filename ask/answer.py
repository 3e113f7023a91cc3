"""Compose an answer from retrieved passages: quoted sentences with citations, or an honest 'not covered'."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ingest import Link, Passage, Unit, list_item_depth, unique_links

from .abstain import Coverage, asks_for_code
from .framing import is_context
from .overview import Overview
from .parts import joined_parts, same_section
from .retrieve import Evidence, Hit
from .terms import said, words
from .tuning import Tuning

LEAD_IN_ITEMS = 3  # lines quoted after a quoted line that ends with a colon, or a label's nested items
LABEL_WORDS = 6    # a bullet this short, with items nested under it, is a label: its items say what it means
ASKS_FOR_LINKS = frozenset("link links url urls docs doc documentation reference references source sources "
                           "website site page read article".split())


@dataclass(frozen=True)
class Quote:
    text: str    # a sentence, bullet, row or code block, verbatim from the note
    source: int  # 1-based number of the cited passage in Answer.sources
    line: int
    kind: str = "text"
    matched: bool = True  # chosen for matching the question; False: the rest of a short passage quoted whole


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
    looked_up: bool = True          # False: nothing was searched (small talk, a bare "why?", an overview)
    overview: Overview | None = None  # "what's in my notes?": their outline, instead of a search
    latency_ms: float = field(default=0.0, compare=False)

    @property
    def links(self) -> tuple[Link, ...]:
        """Deduplicated links of the cited passages (none when abstaining)."""
        cited = self.sources if not self.abstained else ()
        return unique_links(link for hit in cited for link in hit.passage.links)

    @property
    def matching(self) -> tuple[str, ...]:
        """The quotes chosen for matching the question, without the rest of a passage quoted whole: a
        number or a name in code counts as an answer only in these (ask.abstain)."""
        return tuple(q.text for q in self.quotes if q.matched)

    @property
    def related(self) -> tuple[str, ...]:
        """The notes the cited passages link to ([[wikilinks]], [text](other.md)), as written."""
        cited = self.sources if not self.abstained else ()
        return tuple(dict.fromkeys(target for hit in cited for target in hit.passage.related))

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
        if self.overview:
            return "\n".join(f"{note.title}: {', '.join(note.sections)}" for note in self.overview.largest)
        if self.abstained:
            return "Your notes don't cover this."
        return "\n".join(f"{q.text} [{q.source}]" for q in self.quotes)


def compose_answer(question: str, hits: list[Hit], tuning: Tuning = Tuning()) -> Answer:
    """Quote the sentences that best answer, from the evidence of the best passages; whether to
    answer at all is ask.abstain's call."""
    if not hits:
        return Answer(question, abstained=True, reason="Your notes are empty.")
    wants_links = not ASKS_FOR_LINKS.isdisjoint(words(question))
    wants_code = tuning.code_bonus > 0 and asks_how(question)
    candidates: list[tuple[float, int, Evidence]] = []  # (score, hit rank, evidence)
    for rank, hit in enumerate(hits[:tuning.answer_passages]):
        for evidence in hit.evidence:
            score = evidence.similarity + tuning.quote_words * evidence.overlap + tuning.quote_passage * hit.score
            if not wants_links and is_context(evidence.unit.text):
                score -= tuning.context_penalty
            candidates.append((score, rank, evidence))
    if not candidates:
        top = hits[0].passage
        results, _ = _as_results(hits, tuning)
        return Answer(question, abstained=False, sources=tuple(results[:1]), hits=tuple(results),
                      quotes=(Quote(top.text, 1, top.lines[0]),))
    best = max(c[0] for c in candidates)  # the margin is taken from the best before any bonus
    if wants_code:  # a how-to is answered by what to type: a line of code goes before prose about it
        candidates = [(score + tuning.code_bonus, rank, e) if written_as_code(e.unit) else (score, rank, e)
                      for score, rank, e in candidates]
    candidates.sort(key=lambda c: -c[0])
    chosen = _once_each([c for c in candidates if c[0] >= best * tuning.quote_margin])[:tuning.max_quotes]
    chosen += _what_quotes_promise(chosen, hits)
    matched = {_place(rank, e) for _, rank, e in chosen}
    for rank in _read_whole(hits, tuning):
        chosen += [(best, rank, e) for e in hits[rank].evidence if _place(rank, e) not in matched
                   and (wants_links or not is_context(e.unit.text))]
    results, result_of = _as_results(hits, tuning)
    chosen.sort(key=lambda c: (result_of[c[1]], c[1], hits[c[1]].evidence.index(c[2])))  # in note order, by source
    cited = sorted({result_of[rank] for _, rank, _ in chosen})
    number = {result: i + 1 for i, result in enumerate(cited)}
    quotes = tuple(Quote(e.unit.text, number[result_of[rank]], e.unit.line, e.unit.kind,
                         matched=_place(rank, e) in matched) for _, rank, e in chosen)
    return Answer(question, abstained=False, quotes=quotes,
                  sources=tuple(results[result] for result in cited), hits=tuple(results))


def _as_results(hits: list[Hit], tuning: Tuning) -> tuple[list[Hit], list[int]]:
    """The hits as the reader is shown them, and the result each hit is in (ask.parts)."""
    return joined_parts(hits) if tuning.join_parts else (list(hits), list(range(len(hits))))


def _place(rank: int, evidence: Evidence) -> tuple[int, int, str]:
    """Where a quote comes from: the hit, the line and the text (a line may hold two sentences)."""
    return rank, evidence.unit.line, evidence.unit.text


def _read_whole(hits: list[Hit], tuning: Tuning) -> list[int]:
    """The ranks of the passages quoted whole: the best, when short, and with it (Tuning.whole_section)
    the rest of its section among the passages an answer may quote: a section cut for size is one
    piece of writing, whose second half often holds what the first half sets up."""
    if len(hits[0].passage.text) > tuning.whole_passage_chars:
        return []
    rest = [rank for rank in range(1, min(tuning.answer_passages, len(hits))) if tuning.whole_section
            and same_section(hits[rank], hits[0]) and len(hits[rank].passage.text) <= tuning.whole_passage_chars]
    return [0, *rest]


_HOW_TO = re.compile(r"\b(?:how (?:do|can|would|should) (?:i|we|you)|how to|is there a way|what's the way|"
                     r"what (?:is|'s) the (?:way|command|syntax))\b", re.IGNORECASE)
_WRITTEN_AS_CODE = re.compile(r"`[^`]+`|(?:^|\s)--?[A-Za-z][\w-]*|^\s*\$ ")


def asks_how(question: str) -> bool:
    """'how do I…', 'what's the command…': a question whose answer may be something to type."""
    return asks_for_code(question) or bool(_HOW_TO.search(question))


def written_as_code(unit: Unit) -> bool:
    """A code block, or a line holding code: `backticks`, a --flag, a $ prompt. Stricter than
    ask.abstain's names_code, which lets an acronym pass."""
    return unit.kind == "code" or bool(_WRITTEN_AS_CODE.search(unit.text))


def _depths(passage: Passage, units: tuple[Evidence, ...]) -> list[int | None]:
    """How far each unit's list item is indented in the passage as written (None: not a list item).
    Units keep no nesting, so the passage's lines are walked in order to find each one."""
    lines = passage.text.split("\n")
    depths: list[int | None] = []
    at = 0
    for evidence in units:
        start = evidence.unit.text.split("\n")[0][:20]
        depth = None
        for k in range(at, len(lines)):
            if start and start in lines[k]:
                depth, at = list_item_depth(lines[k]), k + 1
                break
        depths.append(depth)
    return depths


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
    requests from:"), or nest the substance under a short label ("Mongo DB" over its two links).
    Quote what was promised too."""
    quoted = {_place(rank, e) for _, rank, e in chosen}
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
        elif len(words(said(text))) <= LABEL_WORDS and not text.endswith((".", "!")):
            depth = _depths(hits[rank].passage, units)
            following = []
            for j in range(i + 1, min(i + 1 + LEAD_IN_ITEMS, len(units))):
                if depth[i] is None or depth[j] is None or depth[j] <= depth[i]:
                    break  # not nested under the label: the label has no (more) items
                following.append(units[j])
        else:
            continue
        for after in following:
            key = _place(rank, after)
            if key not in quoted:
                extra.append((score, rank, after))
                quoted.add(key)
    return extra
