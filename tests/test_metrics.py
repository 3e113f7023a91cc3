from __future__ import annotations

from ask.metrics import normalize, score_run, supports


def test_normalize_drops_marks_bullets_and_link_syntax():
    assert normalize("- **Kafka** is `fast`\n> see [docs](https://k.org/(x)) | ok") == "kafka is fast see docs ok"


def test_support_needs_eighty_percent_of_a_gold_snippets_words():
    gold = ["one two three four five"]
    assert supports("one two three four", gold)
    assert not supports("one two three", gold)


def _row(qid, texts, answer="", abstained=False):
    return {"id": qid, "answer": answer, "abstained": abstained, "latency_ms": 10.0,
            "passages": [{"text": t} for t in texts]}


def test_score_run_counts_hits_ranks_support_and_abstention():
    questions = [{"id": "a", "gold": ["needle here"]}, {"id": "b", "gold": ["far needle"]},
                 {"id": "c", "gold": []}]
    run = [_row("a", ["x", "the needle here"], answer="needle here"),
           _row("b", ["y" * 700, "far needle"], abstained=True),
           _row("c", ["z"], abstained=True)]
    assert score_run(questions, run) == {
        "hit@600": 0.5, "hit@2000": 1.0, "mrr@10": 0.5, "answer_support": 0.5,
        "abstain_recall": 1.0, "false_abstain": 0.5, "latency_p50_ms": 10.0, "latency_p95_ms": 10.0}
