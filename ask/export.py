"""An Answer as plain JSON: the API endpoint, `python -m ask --json` and the evaluation run share it."""
from __future__ import annotations

from dataclasses import asdict

from .answer import Answer
from .retrieve import Hit


def hit_json(hit: Hit) -> dict:
    p = hit.passage
    return {"doc": p.doc, "heading": " > ".join(p.heading), "lines": list(p.lines), "text": p.text,
            "score": round(hit.score, 4), "links": [link.url for link in p.links]}


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "weak": answer.weak,
        "reason": answer.reason,
        "notice": answer.notice,
        "searched": answer.searched,
        "suggestion": answer.suggestion,
        "quotes": [{"text": q.text, "source": q.source, "line": q.line, "matched": q.matched} for q in answer.quotes],
        "citations": [{"n": i, **hit_json(hit)} for i, hit in enumerate(answer.sources, 1)],
        "passages": [hit_json(hit) for hit in answer.hits],
        "links": [{"url": link.url, "label": link.label} for link in answer.links],
        "related": list(answer.related),
        "overview": [asdict(note) for note in answer.overview.largest] if answer.overview else [],
        "latency_ms": round(answer.latency_ms, 2),
    }
