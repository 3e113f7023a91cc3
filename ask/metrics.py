"""Score a run against a question set, as ../shared/eval/README.md specifies."""
from __future__ import annotations

import re

import numpy as np

# The scorer's own reading of Markdown (../shared/eval/README.md), kept apart from the parser in
# ingest/ so that a parser change cannot move every score. Linear: link text stops at a bracket.
_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
_BULLET = re.compile(r"^[ \t]*(?:[-+*]|\d+[.)])[ \t]+", re.MULTILINE)
_MARKS = re.compile(r"[*_#>|`]")
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Lower case, without Markdown marks, bullets or link syntax, white space collapsed."""
    text = _LINK.sub(r"\1", text)
    text = _BULLET.sub(" ", text)
    return " ".join(_MARKS.sub(" ", text).lower().split())


def contains_gold(text: str, gold: list[str]) -> bool:
    haystack = normalize(text)
    return any(normalize(g) in haystack for g in gold)


def supports(answer: str, gold: list[str], share: float = 0.8) -> bool:
    """The answer holds at least `share` of the distinct words of some gold snippet."""
    answer_words = set(_WORD.findall(normalize(answer)))
    for snippet in gold:
        words = set(_WORD.findall(normalize(snippet)))
        if words and len(words & answer_words) / len(words) >= share:
            return True
    return False


def first_rank(passages: list[str], gold: list[str], depth: int = 10) -> int | None:
    for rank, text in enumerate(passages[:depth], 1):
        if contains_gold(text, gold):
            return rank
    return None


def score_run(questions: list[dict], run: list[dict]) -> dict:
    """The metrics of a run: one dict, rounded, in the spec's order."""
    by_id = {row["id"]: row for row in run}
    answerable = [q for q in questions if q["gold"]]
    unanswerable = [q for q in questions if not q["gold"]]

    def share(flags: list[bool]) -> float:
        return round(sum(flags) / len(flags), 4) if flags else 0.0

    def hit(q: dict, budget: int) -> bool:
        joined = " ".join(p["text"] for p in by_id[q["id"]]["passages"])[:budget]
        return contains_gold(joined, q["gold"])

    ranks = [first_rank([p["text"] for p in by_id[q["id"]]["passages"]], q["gold"]) for q in answerable]
    latencies = [row["latency_ms"] for row in run] or [0.0]
    return {
        "hit@600": share([hit(q, 600) for q in answerable]),
        "hit@2000": share([hit(q, 2000) for q in answerable]),
        "mrr@10": round(float(np.mean([1 / r if r else 0.0 for r in ranks])), 4) if ranks else 0.0,
        "answer_support": share([not by_id[q["id"]]["abstained"] and supports(by_id[q["id"]]["answer"], q["gold"])
                                 for q in answerable]),
        "abstain_recall": share([by_id[q["id"]]["abstained"] for q in unanswerable]),
        "false_abstain": share([by_id[q["id"]]["abstained"] for q in answerable]),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 2),
    }
