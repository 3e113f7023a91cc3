"""Every constant the read side was tuned with, in one record: bench.levers varies them, one at a
time, on the tuning question sets, and reports the choice on folders that played no part in it
(docs/quality.md). The defaults are the values chosen."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Tuning:
    # Retrieval: a passage's score fuses these signals.
    dense_weight: float = 1.0          # question vs passage (heading path + text)
    unit_weight: float = 0.25          # question vs the passage's closest sentence, bullet or row
    lexical_weight: float = 0.4        # how well the passage holds the question's words (see lexical)
    lexical: str = "idf"               # "coverage": share of the words; "idf": share weighted by rarity; "bm25"
    sentence_words_weight: float = 0.0  # plus this x the share of the question's words in its best sentence
    neighbour_weight: float = 0.05     # plus this x the better neighbouring passage's score (same note)
    note_weight: float = 0.0           # plus this x the best score of any passage of the same note
    # Answer: which sentences of the best passages are quoted.
    answer_passages: int = 4           # passages an answer may quote, and whose evidence counts
    max_quotes: int = 5
    quote_margin: float = 0.65         # a quote scores at least this share of the best quote
    quote_words: float = 0.3           # a quote's score: cosine + this x question words it holds...
    quote_passage: float = 0.5         # ... + this x its passage's retrieval score
    context_penalty: float = 0.25      # a link-only, label or attribution line scores this much less, as a
                                       # quote; so does a passage of nothing else, in retrieval (a rule)
    code_bonus: float = 0.0            # a how-to question's quote holding code scores this much more
    whole_passage_chars: int = 600     # the best passage, if no longer than this, is quoted whole...
    whole_section: bool = True         # ... with the rest of its section among the passages quotes come from
    join_parts: bool = True            # a section's next part, ranked lower, is shown with it as one result
    # Abstention: when to say the notes don't cover a question.
    bar: str = "probes"                # "fixed": min_answerability; "probes": set from unrelated questions
    min_answerability: float = 0.3     # the bar when fixed: answerability = closest sentence's cosine
                                       # + coverage_bonus x share of the question's words held
    probe_quantile: float = 0.75       # "probes": the bar is this quantile of their answerability...
    probe_margin: float = 0.0          # ... plus this
    probe_answered: float = 0.7        # a probe scoring this high is answered by the notes, not unrelated (a rule)
    coverage_bonus: float = 0.3
    unknown_term_penalty: float = 0.4  # a name or rare word the notes never use takes this off
    rare_zipf: float = 2.0             # "rare": less common in English than this (wordfreq's Zipf scale)
    weak_band: float = 0.05            # an answer scoring less than this above the bar says it is a weak match

    def __post_init__(self) -> None:
        if self.lexical not in ("coverage", "idf", "bm25"):
            raise ValueError(f"lexical must be 'coverage', 'idf' or 'bm25', got {self.lexical!r}")
        if self.bar not in ("fixed", "probes"):
            raise ValueError(f"bar must be 'fixed' or 'probes', got {self.bar!r}")
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, (int, float)) and value < 0 and spec.name != "probe_margin":
                raise ValueError(f"{spec.name} must not be negative, got {value!r}")

    def with_(self, **changes) -> Tuning:
        return replace(self, **changes)
