"""Warm question -> answer latency against the bare query embedding: python -m bench.latency

Both are timed in one process on the same questions, interleaved, so machine noise hits both
alike; medians and their ratio are printed. The target: ask() within 1.3x of embedding alone.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from ask import Asker
from ingest import Config, load_encoder

REPO = Path(__file__).resolve().parents[1]


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folders = {"seed notes": (REPO / "notes", args.shared / "eval/dev/seed_notes.jsonl"),
               "system-design-primer": (args.shared / "corpora/system-design-primer",
                                        args.shared / "eval/dev/system_design_primer.jsonl")}
    encoder = load_encoder()
    print("| notes | passages | embed only, median ms | question -> answer, median ms | ratio |")
    print("|---|---|---|---|---|")
    for name, (notes, dev) in folders.items():
        questions = [json.loads(line)["question"] for line in dev.read_text().splitlines() if line.strip()]
        with tempfile.TemporaryDirectory() as scratch:
            asker, _ = Asker.open(Config(notes_dir=notes, index_dir=Path(scratch)), encoder)
            measure(asker, questions[:3], 1)  # warm-up
            embed, full = measure(asker, questions, args.rounds)
            print(f"| {name} | {len(asker.data.passages)} | {embed:.2f} | {full:.2f} | {full / embed:.2f} |")


if __name__ == "__main__":
    main()
