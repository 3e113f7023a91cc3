"""Choose the read side's constants on tuning questions, report them on questions and folders that
played no part: python -m bench.levers [--folders a,b,...] [--json PATH]

For each lever of LEVERS (a field of ask.tuning.Tuning and the values tried), in order, the value
kept is the one with the best mean OBJECTIVE over the tuning question sets of the folders used for
choosing, the other levers as chosen so far (coordinate ascent, one pass). This runs once with
every folder, which gives the shipped constants, and once per folder without it (leave one folder
out), which gives, for that folder, constants it played no part in. Reported: each folder's test
questions under the constants chosen without it, and under the shipped ones.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path

import numpy as np

from ask import Asker
from ask.evaluate import run_questions
from ask.metrics import score_run
from ask.tuning import Tuning
from ingest import DEFAULT_MODEL, load_encoder

from .folders import Folder, folders

METRICS = ["hit@600", "hit@2000", "mrr@10", "answer_support", "abstain_recall", "false_abstain"]
LEVERS: dict[str, list] = {
    "lexical": ["coverage", "idf", "bm25"],
    "neighbour_weight": [0.0, 0.05, 0.1, 0.2, 0.3],
    "note_weight": [0.0, 0.05, 0.1, 0.2, 0.3],
    "lexical_weight": [0.2, 0.3, 0.4, 0.5, 0.6, 0.8],
    "unit_weight": [0.0, 0.25, 0.5, 0.75, 1.0],
    "context_penalty": [0.0, 0.25, 0.5, 1.0],
    "quote_margin": [0.65, 0.7, 0.75, 0.8, 0.85],
    "quote_passage": [0.0, 0.25, 0.5, 0.75],
    "answer_passages": [1, 2, 3, 4],
    "max_quotes": [2, 3, 4, 5],
    "rare_zipf": [0.0, 1.5, 2.0, 2.25, 2.5, 3.0],
    "unknown_term_penalty": [0.0, 0.1, 0.2, 0.3],
    "min_answerability": [0.35, 0.4, 0.425, 0.45, 0.475, 0.5, 0.525, 0.55],
}
FALSE_ABSTAIN_LIMIT = 0.03  # a refused question the notes answer is the worst error: a heavy price above this


def objective(m: dict) -> float:
    """Retrieval, quotes and honesty in one number; refusing answerable questions costs most."""
    return (m["hit@600"] + m["mrr@10"] + m["answer_support"] + 0.5 * m["abstain_recall"]
            - 5.0 * max(0.0, m["false_abstain"] - FALSE_ABSTAIN_LIMIT))


class Evaluator:
    """Metrics of (folder, split, tuning), each computed once; question vectors embedded once."""

    def __init__(self, chosen: dict[str, Folder]):
        self.folders = chosen
        self.encoder = _MemoEncoder(load_encoder(DEFAULT_MODEL))
        self.askers = {name: folder.asker(self.encoder) for name, folder in chosen.items()}
        self.cache: dict[tuple, dict] = {}

    def metrics(self, name: str, split: str, tuning: Tuning) -> dict:
        key = (name, split, tuning)
        if key not in self.cache:
            asker = _tuned(self.askers[name], tuning)
            questions = self.folders[name].questions(split)
            self.cache[key] = score_run(questions, run_questions(asker, questions))
        return self.cache[key]

    def mean_objective(self, names: list[str], tuning: Tuning) -> float:
        return float(np.mean([objective(self.metrics(n, "tune", tuning)) for n in names]))

    def choose(self, names: list[str], log=None) -> Tuning:
        tuning = Tuning()
        for lever, values in LEVERS.items():
            scored = [(self.mean_objective(names, tuning.with_(**{lever: v})), -i, v) for i, v in enumerate(values)]
            best = max(scored)[2]
            if log:
                log(lever, [(v, s) for s, _, v in scored], best)
            tuning = tuning.with_(**{lever: best})
        return tuning


def _tuned(asker: Asker, tuning: Tuning) -> Asker:
    """The same index and retriever, other constants: no rebuild."""
    other = copy.copy(asker)
    other.tuning = tuning
    data, retriever = asker._current
    retriever = copy.copy(retriever)
    retriever.tuning = tuning
    other._current = (data, retriever)
    return other


class _MemoEncoder:
    """The encoder, remembering question vectors: every setting asks the same questions."""

    def __init__(self, encoder):
        self._encoder = encoder
        self.name, self.dim, self.model = encoder.name, encoder.dim, encoder.model

    def __getattr__(self, name):
        return getattr(self._encoder, name)

    @lru_cache(maxsize=None)
    def encode_query(self, text: str) -> np.ndarray:
        return self._encoder.encode_query(text)


def _changed(tuning: Tuning) -> str:
    default = Tuning()
    diff = {f.name: getattr(tuning, f.name) for f in fields(Tuning) if getattr(tuning, f.name) != getattr(default, f.name)}
    return ", ".join(f"{k}={v}" for k, v in diff.items()) or "(the defaults)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.levers", description=__doc__.splitlines()[0])
    parser.add_argument("--folders", help="comma-separated folder names (default: all)")
    parser.add_argument("--json", type=Path, help="write every number here")
    args = parser.parse_args(argv)
    available = folders()
    names = [n.strip() for n in args.folders.split(",")] if args.folders else list(available)
    evaluator = Evaluator({n: available[n] for n in names})

    def log(lever, scored, best):
        print(f"  {lever}: " + ", ".join(f"{v}={s:.3f}" for v, s in scored) + f"  -> {best}", file=sys.stderr)

    print("choosing on every folder's tuning questions", file=sys.stderr)
    shipped = evaluator.choose(names, log)
    held_out = {}
    for name in names:
        others = [n for n in names if n != name]
        held_out[name] = evaluator.choose(others) if others else Tuning()
        print(f"without {name}: {_changed(held_out[name])}", file=sys.stderr)

    print(f"Chosen on all folders: {_changed(shipped)}\n")
    print("| folder | constants | " + " | ".join(METRICS) + " |")
    print("|---|---|" + "---|" * len(METRICS))
    report = {}
    for name in names:
        for label, tuning in (("chosen without it", held_out[name]), ("shipped", shipped), ("defaults", Tuning())):
            m = evaluator.metrics(name, "test", tuning)
            report.setdefault(name, {})[label] = m
            print(f"| {name} | {label} | " + " | ".join(f"{m[k]:.3f}" for k in METRICS) + " |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"shipped": asdict(shipped), "held_out": {n: asdict(t) for n, t in held_out.items()},
                                         "test": report}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
