"""Sentences embedded alone, as an index-time lever, on the tuning questions only:
python -m bench.alone [--tokens 32,16,8]

ingest.encoder.ALONE_UP_TO is the longest sentence (in tokens) embedded on its own instead of pooled
from its passage's forward pass: lower is a faster ingest (fewer tokens fed to the model), higher keeps
terse bullets their own meaning. Each value builds every folder's index afresh under
bench/results/indexes/alone-N/ (the shipped value uses bench.levers' cache) and scores the tuning
sets with the shipped constants, by bench.levers' objective and its price on false refusals.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import ingest.encoder
from ask.evaluate import read_questions, run_questions
from ask.metrics import score_run
from ingest import load_encoder

from .folders import INDEXES, folders
from .levers import FALSE_ABSTAIN_LIMIT, objective


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.alone", description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", default="32,16,8")
    args = parser.parse_args(argv)
    encoder, shipped = load_encoder(), ingest.encoder.ALONE_UP_TO
    print("| alone up to (tokens) | folder | hit@600 | mrr@10 | answer_support | abstain_recall | worst set's "
          "false_abstain | objective | index opened in s (built when new) |\n|---|---|---|---|---|---|---|---|---|")
    for tokens in (int(t) for t in args.tokens.split(",")):
        ingest.encoder.ALONE_UP_TO = tokens
        root = INDEXES if tokens == shipped else INDEXES / f"alone-{tokens}"
        scores, worst = [], 0.0
        for name, folder in folders().items():
            started = time.perf_counter()
            asker = folder.asker(encoder, index_root=root)
            seconds = time.perf_counter() - started
            questions = folder.questions("tune")
            run = run_questions(asker, questions)
            m = score_run(questions, run)
            set_worst = max(score_run(read_questions(p), run)["false_abstain"] for p in folder.sets("tune"))
            worst = max(worst, set_worst)
            scores.append(objective(m))
            print(f"| {tokens} | {name} | {m['hit@600']:.3f} | {m['mrr@10']:.3f} | {m['answer_support']:.3f} | "
                  f"{m['abstain_recall']:.3f} | {set_worst:.3f} | {scores[-1]:.3f} | {seconds:.0f} |", flush=True)
        priced = float(np.mean(scores)) - 5.0 * max(0.0, worst - FALSE_ABSTAIN_LIMIT)
        print(f"| {tokens} | mean, priced | | | | | {worst:.3f} | **{priced:.3f}** | |", flush=True)
    ingest.encoder.ALONE_UP_TO = shipped
    return 0


if __name__ == "__main__":
    sys.exit(main())
