"""Calibrate the abstention rule: python -m bench.calibrate

In scope: questions made from each notes folder's own section headings ("Refresh-ahead",
"what do my notes say about refresh-ahead?") plus the dev sets' answerable questions.
Out of scope: bench/calibration/out_of_scope.txt (off-topic and near-domain questions that
neither folder answers). Prints, for candidate thresholds of the answerability score, the
share of in-scope questions wrongly refused and of out-of-scope questions rightly refused.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from ask import Asker
from ask.answer import answerability
from ingest import Config, load_encoder

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent


def heading_questions(asker: Asker, limit: int = 60) -> list[str]:
    leaves = sorted({p.heading[-1].strip(" :?") for p in asker.data.passages if p.heading})
    leaves = [leaf for leaf in leaves if 3 <= len(leaf) <= 60][:limit]
    return leaves + [f"what do my notes say about {leaf.lower()}?" for leaf in leaves]


def scores(asker: Asker, questions: list[str]) -> np.ndarray:
    return np.array([answerability(asker.ask(q).hits) for q in questions])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    folders = {"seed": (REPO / "notes", args.shared / "eval/dev/seed_notes.jsonl"),
               "sdp": (args.shared / "corpora/system-design-primer", args.shared / "eval/dev/system_design_primer.jsonl")}
    off = [line.strip() for line in (HERE / "calibration/out_of_scope.txt").read_text().splitlines()
           if line.strip() and not line.startswith("#")]
    encoder = load_encoder()
    inside, outside = [], []
    for name, (notes, dev) in folders.items():
        with tempfile.TemporaryDirectory() as scratch:
            asker, _ = Asker.open(Config(notes_dir=notes, index_dir=Path(scratch)), encoder)
            dev_answerable = [q["question"] for q in map(json.loads, dev.read_text().splitlines()) if q["gold"]]
            inside.append(scores(asker, heading_questions(asker) + dev_answerable))
            outside.append(scores(asker, off))
            print(f"{name}: in-scope min {inside[-1].min():.3f} p5 {np.percentile(inside[-1], 5):.3f}; "
                  f"out-of-scope max {outside[-1].max():.3f} p50 {np.median(outside[-1]):.3f}")
    inside_all, outside_all = np.concatenate(inside), np.concatenate(outside)
    print("| threshold | in-scope refused | out-of-scope refused |\n|---|---|---|")
    for threshold in np.arange(0.40, 0.76, 0.025):
        print(f"| {threshold:.3f} | {np.mean(inside_all < threshold):.3f} | {np.mean(outside_all < threshold):.3f} |")


if __name__ == "__main__":
    main()
