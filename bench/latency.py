"""Warm question -> answer latency against the bare query embedding: python -m bench.latency [--rounds N]

All are timed in one process on the same questions (each folder's tuning questions), interleaved,
so machine noise hits all alike; medians and ratios are printed. Two encoders: the model run by
sentence-transformers (torch), and its ONNX export, which is what the app serves with. The target:
ask() within 1.3x of embedding the question alone.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from ask import Asker
from ingest import load_encoder, load_exported_encoder

from .folders import folders


def measure(asker: Asker, questions: list[str], rounds: int) -> tuple[float, float]:
    embed, full = [], []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            asker.encoder.encode_query(q)
            embed.append(time.perf_counter() - started)
            started = time.perf_counter()
            asker.ask(q)
            full.append(time.perf_counter() - started)
    return statistics.median(embed) * 1000, statistics.median(full) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    torch_encoder, served = load_encoder(), load_exported_encoder("all-MiniLM-L6-v2")
    print("| notes | passages | torch: embed / answer ms | ratio | ONNX (served): embed / answer ms | ratio "
          "| answer, torch / ONNX |")
    print("|---|---|---|---|---|---|---|")
    for name, folder in folders().items():
        askers = [folder.asker(encoder) for encoder in (torch_encoder, served)]
        questions = [q["question"] for q in folder.questions("tune")]
        for asker in askers:
            measure(asker, questions[:3], 1)  # warm-up
        timings: list[list[tuple[float, float]]] = [[], []]
        for _ in range(args.rounds):  # interleaved rounds: noise falls on both
            for i, asker in enumerate(askers):
                timings[i].append(measure(asker, questions, 1))
        (e1, a1), (e2, a2) = [tuple(statistics.median(t[j] for t in rounds) for j in (0, 1)) for rounds in timings]
        print(f"| {name} | {len(askers[0].data.passages)} | {e1:.2f} / {a1:.2f} | {a1 / e1:.2f} "
              f"| {e2:.2f} / {a2:.2f} | {a2 / e2:.2f} | {a1 / a2:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
