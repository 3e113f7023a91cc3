"""Quality floors on the dev question sets, with the real model: a retrieval regression fails CI.

Floors sit one question below the measured values (docs/quality.md), so noise-free runs pass
and any real loss of a question fails.
"""
from __future__ import annotations

import pytest

from ask import Asker
from ask.evaluate import read_questions, run_questions
from ask.metrics import score_run
from ingest import Config

from conftest import BUNDLED_NOTES, EVAL_DEV, PRIMER

FLOORS = {
    "seed_notes": {"hit@600": 0.94, "hit@2000": 0.94, "mrr@10": 0.94, "answer_support": 0.94,
                   "abstain_recall": 0.66, "false_abstain_max": 0.05},
    "system_design_primer": {"hit@600": 0.81, "hit@2000": 0.90, "mrr@10": 0.85, "answer_support": 0.86,
                             "abstain_recall": 0.66, "false_abstain_max": 0.05},
}
NOTES = {"seed_notes": BUNDLED_NOTES, "system_design_primer": PRIMER}


@pytest.mark.parametrize("question_set", sorted(FLOORS))
def test_dev_set_metrics_stay_above_their_floors(question_set, encoder, tmp_path):
    path = EVAL_DEV / f"{question_set}.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not found (the shared/ folder sits beside the repository)")
    asker, _ = Asker.open(Config(notes_dir=NOTES[question_set], index_dir=tmp_path / "index"), encoder)
    questions = read_questions(path)
    metrics = score_run(questions, run_questions(asker, questions))
    floors = FLOORS[question_set]
    below = {name: (metrics[name], floor) for name, floor in floors.items()
             if name != "false_abstain_max" and metrics[name] < floor}
    assert not below, f"{question_set}: metrics below their floors (value, floor): {below}; all: {metrics}"
    assert metrics["false_abstain"] <= floors["false_abstain_max"], metrics
