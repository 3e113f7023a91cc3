"""When to say "your notes don't cover this": four cheap checks, each with a reason a person can read.

1. Answerability: the closest sentence's cosine plus word coverage, over the best passages.
2. Unknown terms: a question with a name or a rare word that the notes never use (TLS, PACELC,
   idempotent, jitter) must clear a higher bar: the notes may cover the topic around it, not the thing asked.
3. Quantities: "how many partitions…" is answered only by a quote that states a number.
4. Names in code: "which setting / command / flag…" is answered only by a quote that holds something
   written as code (`max.poll.records`, XREAD, --all-databases, acks=all), not by prose around the topic.
Thresholds are ask.tuning's, chosen by bench.levers; see docs/quality.md.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from wordfreq import zipf_frequency

from .terms import STOPWORDS, URL, said, tokens, words
from .tuning import Tuning
from .vocabulary import Vocabulary

PROBES = tuple(line.strip() for line in (Path(__file__).parent / "probes.txt").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#"))

_SENTENCE_END = re.compile(r"(?<=[.?!:;])\s+")
_CAMEL = re.compile(r"[a-z][A-Z]")  # useEffect, maxPollRecords: an identifier, even with one capital
_QUANTITY = re.compile(
    r"(?:^|[,;:.?!]\s*)how (?:many|much|long|often|big|large|fast|far)\b(?! (?:types|kinds|ways|sorts|categories))"
    r"|\bwhat (?:percentage|percent|fraction)\b"
    r"|\b(?:default|maximum|minimum|max|min)\s+(?:[\w-]+\s+){0,2}"
    r"(?:size|length|timeout|ttl|limit|period|interval|count|number|capacity|rate|duration|retention)\b",
    re.IGNORECASE)
_NUMBER_WORDS = frozenset("""zero one two three four five six seven eight nine ten eleven twelve fifteen twenty
thirty forty fifty hundred hundreds thousand thousands million millions billion billions trillion dozen dozens
half double twice""".split())  # not "once": "once the leader fails" is a time, not a count
_NUMBER = re.compile(  # digits, with at most a unit: "12", "3.5", "64kb", "10ms", "99%"; not "3rd", "2FA", "S3"
    r"\d[\d.,]*(?:%|[kmbgt]|[kmgtp]i?b|[kmg]?bps|[munp]?s|secs?|mins?|h|hrs?|d|days?|w|y|x|px|[rqt]ps|[kmg]?hz)?$")
_ADDRESS = re.compile(rf"[\w.+-]{{1,64}}@[\w-]{{1,63}}(?:\.[\w-]{{1,63}}){{1,8}}|{URL.pattern}",
                      re.IGNORECASE)  # an e-mail, or a web address as ask.terms reads one
_VERSION = re.compile(r"@[\w.^~<>=*-]+|\b\d+(?:\.\d+){2,}\b")  # npm@5, react@^18.2, 2.11.0, 10.0.0.1: which
                                                                # release, which address, not a quantity
_ASKS_FOR_A_NAME = re.compile(
    r"^\s*(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:command|setting|option|flag|parameter|policy|function|method|"
    r"tool|key|field|header|property|api|endpoint)s?\b", re.IGNORECASE)
_ASKS_FOR_CODE = re.compile(  # narrower than a name: things a note would write as code
    r"^\s*(?:which|what(?:'s| is| are)?(?: the)?)\s+(?:[\w-]+\s+){0,3}?(?:command|setting|flag|parameter|"
    r"config(?:uration)?\s+(?:key|option|setting|parameter|property)|environment variable|env var)s?\b",
    re.IGNORECASE)
_CODE = re.compile(
    r"`[^`]+`"                      # `anything in backticks`
    r"|(?:^|\s)--?[A-Za-z][\w-]*"   # --flag, -u
    r"|\b[A-Z]{2,}[A-Z0-9]*\b"      # XREAD, SET, TTL: lenient, an acronym passes too
    r"|\b[a-z]\w*\.[a-z]\w*\b"      # auto.commit.interval.ms, fs.inotify
    r"|\b[A-Za-z]\w*_\w+\b"         # max_connections
    r"|\b[a-z]+[A-Z]\w*\b"          # maxPollRecords
    r"|\b\w+=\S+")                  # acks=all


@lru_cache(maxsize=4)
def probe_vectors(encoder) -> np.ndarray:
    """The unrelated probe questions, embedded once per encoder, in one batch."""
    return encoder.encode(list(PROBES))


def probe_bar(scores: Sequence[float], tuning: Tuning = Tuning()) -> float:
    """The bar from how the probe questions score against an index. A probe the notes answer (a
    notes folder about cooking or travel answers some) scores as real answers do, and is not an
    unrelated question: left out, or a folder of everyday notes would refuse its own topics."""
    unrelated = np.array([s for s in scores if s < tuning.probe_answered], np.float32)
    if not unrelated.size:
        return tuning.probe_answered + tuning.probe_margin
    return float(np.quantile(unrelated, tuning.probe_quantile)) + tuning.probe_margin


def answerability(hits: Sequence, tuning: Tuning = Tuning()) -> float:
    """How plausibly the best passages answer: the closest sentence's cosine, plus word coverage."""
    if not hits:
        return 0.0
    top = hits[:tuning.answer_passages]
    return max(h.unit for h in top) + tuning.coverage_bonus * max(h.coverage for h in top)


def names(question: str) -> list[str]:
    """Words that read as names: acronyms and CamelCase anywhere, Capitalised words inside a sentence
    (unless the sentence is in Title Case or shouting)."""
    found = []
    for sentence in _SENTENCE_END.split(question.strip()):
        if sentence.isupper():
            continue
        words_here = [t for t in tokens(sentence) if any(c.isalpha() for c in t)]
        title_case = len(words_here) >= 4 and sum(t[0].isupper() for t in words_here) >= 0.6 * len(words_here)
        for i, token in enumerate(words_here):
            if len(token) < 2 or token.lower().split("'")[0] in STOPWORDS:
                continue
            if sum(c.isupper() for c in token) >= 2 or _CAMEL.search(token) \
                    or (i > 0 and token[0].isupper() and not title_case):
                found.append(re.sub(r"['’]s$", "", token))  # "React's" names React
    return found


def rare_words(question: str, rare_zipf: float = Tuning.rare_zipf) -> list[str]:
    """Lower-case words rarer in English than rare_zipf: the technical terms of a question
    ("idempotent", "jitter", "anycast"), not the everyday words of a paraphrase ("avoiding", "bunch")."""
    return [t for t in tokens(question) if t.islower() and len(t) >= 3 and t.isalpha()
            and zipf_frequency(t, "en") < rare_zipf]


def unknown_terms(question: str, vocabulary: Vocabulary, rare_zipf: float = Tuning.rare_zipf) -> list[str]:
    """Names and rare words of the question that the notes never use, typos of their words aside. An
    address in a question (Jane@Example.com, https://api.example.com/v1) is an example, not a topic."""
    question = _ADDRESS.sub(" ", question)
    specific = names(question) + rare_words(question, rare_zipf)
    return list(dict.fromkeys(term for term in specific if not vocabulary.knows(term)))


def asks_for_quantity(question: str) -> bool:
    """'how many…', 'the default timeout…'; not 'which command caps a stream at a maximum length', which
    asks for a name."""
    return bool(_QUANTITY.search(question.strip())) and not _ASKS_FOR_A_NAME.search(question)


def states_quantity(text: str, question: str = "") -> bool:
    """A number in the text's words (not in a link's address), other than the question's own
    ("Route 53", "two failures")."""
    given = set(numbers(question))
    return any(number not in given for number in numbers(text))


def asks_for_code(question: str) -> bool:
    """'which setting controls…', 'what's the pscale command to…': a name a note would write as code."""
    return bool(_ASKS_FOR_CODE.search(question))


def names_code(text: str) -> bool:
    """Something written as code in the text's words (not in a link's address): lenient on purpose,
    an acronym counts, so that a refusal needs quotes that are prose only."""
    return bool(_CODE.search(said(text)))


def numbers(text: str) -> list[str]:
    """Words that are numbers: digits with at most a unit, or a number word ("12", "3.5", "10ms",
    "dozen"); not a name with a digit in it ("S3", "EC2", "3rd", "2FA") nor a version or an address
    ("npm@5", "2.11.0", "10.0.0.1")."""
    return [w for w in words(_VERSION.sub(" ", said(text))) if _NUMBER.match(w) or w in _NUMBER_WORDS]


@dataclass(frozen=True)
class Coverage:
    """The evidence for answering one question, kept with the answer so it can be shown and calibrated."""
    answerability: float
    unknown_terms: tuple[str, ...] = ()  # names and rare words of the question that the notes never use
    number_missing: bool = False         # a "how many" question whose quotes state no number
    code_missing: bool = False           # a "which setting" question whose quotes name nothing in code
    penalty: float = 0.0                 # taken off answerability for the unknown terms

    @property
    def score(self) -> float:
        return self.answerability - (self.penalty if self.unknown_terms else 0.0)

    def reason(self, threshold: float = Tuning.min_answerability) -> str | None:
        """Why the notes don't cover the question, or None when they do."""
        if self.score < threshold:
            if self.unknown_terms:
                return f"They never mention {_listed(self.unknown_terms)}."
            return "Nothing in them is close to the question."
        if self.number_missing:
            return "The closest passages give no number for this."
        if self.code_missing:
            return "The closest passages name no command or setting for this."
        return None


def assess(question: str, hits: Sequence, quotes: Sequence[str], vocabulary: Vocabulary,
           tuning: Tuning = Tuning()) -> Coverage:
    """question: what the person typed in this turn; quotes: the sentences the answer would quote."""
    return Coverage(answerability(hits, tuning), tuple(unknown_terms(question, vocabulary, tuning.rare_zipf)),
                    asks_for_quantity(question) and not any(states_quantity(q, question) for q in quotes),
                    asks_for_code(question) and not any(names_code(q) for q in quotes),
                    tuning.unknown_term_penalty)


def _listed(items: Sequence[str], most: int = 3) -> str:
    """'TLS', 'TLS or cipher', 'a, b or c', 'a, b, c and 4 more'."""
    if len(items) > most:
        return ", ".join(items[:most]) + f" and {len(items) - most} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
