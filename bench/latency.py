"""Warm question -> answer latency against the bare query embedding: python -m bench.latency [--rounds N]

Both are timed in one process on the same questions (each folder's tuning questions), interleaved,
so machine noise hits both alike; medians and their ratio are printed. The target: ask() within
1.3x of embedding the question alone.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from ask import Asker
from ingest import load_encoder

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
    encoder = load_encoder()
    print("| notes | passages | embed only, median ms | question -> answer, median ms | ratio |")
    print("|---|---|---|---|---|")
    for name, folder in folders().items():
        asker = folder.asker(encoder)
        questions = [q["question"] for q in folder.questions("tune")]
        measure(asker, questions[:3], 1)  # warm-up
        embed, full = measure(asker, questions, args.rounds)
        print(f"| {name} | {len(asker.data.passages)} | {embed:.2f} | {full:.2f} | {full / embed:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
