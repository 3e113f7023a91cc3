"""Calibrate the abstention rule: python -m bench.calibrate

Calibration questions, per notes folder, none of them from the dev sets:
- in scope: questions made from the folder's own section headings ("Refresh-ahead",
  "what do my notes say about refresh-ahead?"), and the answerable questions of
  bench/calibration/<folder>.jsonl (hand-written lookups, paraphrases, keywords with typos, multi-hop);
- out of scope: bench/calibration/out_of_scope.txt (off-topic and near-domain), and the unanswerable
  questions of bench/calibration/<folder>.jsonl (mostly details the notes do not give about topics they cover).
Prints, for candidate thresholds, the share of in-scope questions wrongly refused and of out-of-scope
questions rightly refused; the threshold chosen is the highest that refuses at most 2% of the in-scope
questions of every folder. Then the dev sets at that threshold, as a held-out check.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from ask import Asker, Coverage
from ask.abstain import MIN_ANSWERABILITY
from ask.evaluate import read_questions
from ingest import Config, load_encoder

from .quality import SHARED, question_sets

HERE = Path(__file__).resolve().parent
MAX_IN_SCOPE_REFUSED = 0.02  # the rule for choosing MIN_ANSWERABILITY: refuse almost no question the notes answer


def heading_questions(asker: Asker, limit: int = 60) -> list[str]:
    leaves = sorted({p.heading[-1].strip(" :?") for p in asker.data.passages if p.heading})
    leaves = [leaf for leaf in leaves if 3 <= len(leaf) <= 60][:limit]
    return leaves + [f"what do my notes say about {leaf.lower()}?" for leaf in leaves]


def question_set(path: Path) -> tuple[list[str], list[str]]:
    """(answerable, unanswerable) questions of a question set."""
    rows = read_questions(path)
    return [r["question"] for r in rows if r["gold"]], [r["question"] for r in rows if not r["gold"]]


def evidence(asker: Asker, questions: list[str]) -> list[Coverage]:
    return [asker.ask(q).coverage for q in questions]


def refused(coverages: list[Coverage], threshold: float) -> float:
    return float(np.mean([c.reason(threshold) is not None for c in coverages]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--index-root", type=Path, help="keep the built indexes here (index-root/<set>) and reuse them")
    args = parser.parse_args()
    sets = question_sets(args.shared)
    folders = ["seed", "sdp"]  # each with its dev set (sets[name]) and calibration set (sets[name + "-cal"])
    off_topic = [line.strip() for line in (HERE / "calibration/out_of_scope.txt").read_text().splitlines()
                 if line.strip() and not line.startswith("#")]
    encoder = load_encoder()
    inside, outside, dev = {}, {}, {}
    for name in folders:
        dev_questions, notes = sets[name]
        with tempfile.TemporaryDirectory() as scratch:
            index_dir = args.index_root / name if args.index_root else Path(scratch)
            asker, _ = Asker.open(Config(notes_dir=notes, index_dir=index_dir), encoder)
            answerable, unanswerable = question_set(sets[f"{name}-cal"][0])
            inside[name] = evidence(asker, heading_questions(asker) + answerable)
            outside[name] = evidence(asker, unanswerable + off_topic)
            dev[name] = [evidence(asker, part) for part in question_set(dev_questions)]
    print("| threshold | " + " | ".join(f"{n}: in-scope refused | {n}: out-of-scope refused" for n in folders) + " |")
    print("|---" * (1 + 2 * len(folders)) + "|")
    thresholds = [round(t, 3) for t in np.arange(0.40, 0.66, 0.025)]
    for threshold in thresholds:
        cells = [f"{refused(inside[n], threshold):.3f} | {refused(outside[n], threshold):.3f}" for n in folders]
        marker = " (chosen)" if abs(threshold - MIN_ANSWERABILITY) < 1e-9 else ""
        print(f"| {threshold:.3f}{marker} | " + " | ".join(cells) + " |")
    fair = [t for t in thresholds if all(refused(inside[n], t) <= MAX_IN_SCOPE_REFUSED for n in folders)]
    print(f"\nHighest threshold refusing at most {MAX_IN_SCOPE_REFUSED:.0%} of in-scope questions in every folder: "
          f"{max(fair):.3f}" if fair else "\nNo threshold keeps in-scope refusals low enough in every folder.")
    print(f"Calibration sizes: " + ", ".join(f"{n}: {len(inside[n])} in scope, {len(outside[n])} out" for n in folders))
    print(f"Held out, dev sets at {MIN_ANSWERABILITY:.3f}: " + ", ".join(
        f"{n}: false_abstain {refused(dev[n][0], MIN_ANSWERABILITY):.3f}, "
        f"abstain_recall {refused(dev[n][1], MIN_ANSWERABILITY):.3f}" for n in folders))
    ablation = {"answerability alone": lambda c: c.answerability < MIN_ANSWERABILITY,
                "+ unknown terms": lambda c: c.score < MIN_ANSWERABILITY,
                "+ numbers (all checks)": lambda c: c.reason() is not None}
    print("\n| rule | " + " | ".join(f"{n}: in-scope refused | {n}: out-of-scope refused" for n in folders) + " |")
    print("|---" * (1 + 2 * len(folders)) + "|")
    for label, refuses in ablation.items():
        cells = [f"{np.mean([refuses(c) for c in inside[n]]):.3f} | {np.mean([refuses(c) for c in outside[n]]):.3f}"
                 for n in folders]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
