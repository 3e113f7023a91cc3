"""Quality floors with the real model: a retrieval or abstention regression fails CI.

Two question sets per notes folder: the dev set (../shared/eval/dev/) and the calibration set
(bench/calibration/, hand-written, harder, and never used to set a retrieval weight). Floors sit
one question below the measured values (docs/quality.md), so noise-free runs pass and any real
loss of a question fails. The dev sets' abstention floors are the measured 1.0: no dev
unanswerable question sits near the threshold.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ask import Asker
from ask.evaluate import read_questions, run_questions
from ask.metrics import score_run
from ingest import Config

from helpers import BUNDLED_NOTES, EVAL_DEV, PRIMER, REPO

CALIBRATION = REPO / "bench" / "calibration"
FLOORS = {
    ("seed_notes", "dev"): {"hit@600": 0.94, "hit@2000": 0.94, "mrr@10": 0.94, "answer_support": 0.94,
                            "abstain_recall": 1.0, "false_abstain_max": 0.05},
    ("seed_notes", "calibration"): {"hit@600": 0.91, "hit@2000": 0.95, "mrr@10": 0.90, "answer_support": 0.84,
                                    "abstain_recall": 0.80, "false_abstain_max": 0.05},
    ("system_design_primer", "dev"): {"hit@600": 0.81, "hit@2000": 0.90, "mrr@10": 0.85, "answer_support": 0.86,
                                      "abstain_recall": 1.0, "false_abstain_max": 0.05},
    ("system_design_primer", "calibration"): {"hit@600": 0.80, "hit@2000": 0.93, "mrr@10": 0.80,
                                              "answer_support": 0.78, "abstain_recall": 0.50,
                                              "false_abstain_max": 0.03},
}
NOTES = {"seed_notes": BUNDLED_NOTES, "system_design_primer": PRIMER}
QUESTIONS = {"dev": EVAL_DEV, "calibration": CALIBRATION}


@pytest.fixture(scope="module")
def askers(encoder, tmp_path_factory) -> Callable[[str], Asker]:
    """One index per notes folder, built on first use and shared by both question sets."""
    built: dict[str, Asker] = {}

    def asker(folder: str) -> Asker:
        if folder not in built:
            index = tmp_path_factory.mktemp(f"{folder}-index")
            built[folder], _ = Asker.open(Config(notes_dir=NOTES[folder], index_dir=index), encoder)
        return built[folder]
    return asker


@pytest.mark.parametrize("folder, question_set", sorted(FLOORS))
def test_metrics_stay_above_their_floors(folder, question_set, askers):
    path: Path = QUESTIONS[question_set] / f"{folder}.jsonl"
    if not path.exists() or not NOTES[folder].exists():
        pytest.skip(f"{path} or {NOTES[folder]} not found (the shared/ folder sits beside the repository)")
    questions = read_questions(path)
    metrics = score_run(questions, run_questions(askers(folder), questions))
    floors = FLOORS[(folder, question_set)]
    below = {name: (metrics[name], floor) for name, floor in floors.items()
             if name != "false_abstain_max" and metrics[name] < floor}
    assert not below, f"{folder} {question_set}: metrics below their floors (value, floor): {below}; all: {metrics}"
    assert metrics["false_abstain"] <= floors["false_abstain_max"], metrics
