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

import ingest.encoder
from ask.tuning import Tuning

from .folders import INDEXES, folders
from .levers import Evaluator, objective


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.alone", description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", default="32,16,8")
    args = parser.parse_args(argv)
    shipped, size, names = ingest.encoder.ALONE_UP_TO, 600, list(folders())
    print("| alone up to (tokens) | folder | hit@600 | mrr@10 | answer_support | abstain_recall | worst set's "
          "false_abstain | objective | index opened in s (built when new) |\n|---|---|---|---|---|---|---|---|---|")
    for tokens in (int(t) for t in args.tokens.split(",")):
        ingest.encoder.ALONE_UP_TO = tokens
        evaluator = Evaluator(folders(), [size], INDEXES if tokens == shipped else INDEXES / f"alone-{tokens}")
        for name in names:
            started = time.perf_counter()
            m = evaluator.metrics(name, "tune", size, Tuning())
            seconds = time.perf_counter() - started
            print(f"| {tokens} | {name} | {m['hit@600']:.3f} | {m['mrr@10']:.3f} | {m['answer_support']:.3f} | "
                  f"{m['abstain_recall']:.3f} | {m['worst_set_false_abstain']:.3f} | {objective(m):.3f} | "
                  f"{seconds:.0f} |", flush=True)
        worst = max(evaluator.metrics(n, "tune", size, Tuning())["worst_set_false_abstain"] for n in names)
        print(f"| {tokens} | mean, priced | | | | | {worst:.3f} | "
              f"**{evaluator.mean_objective(names, size, Tuning()):.3f}** | |", flush=True)
    ingest.encoder.ALONE_UP_TO = shipped
    return 0


if __name__ == "__main__":
    sys.exit(main())
