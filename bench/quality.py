"""Quality benchmark: our pipeline next to common peers, on every notes folder, in one table:
python -m bench.quality [--split test|tune] [--folders a,b] [--only NAME[,NAME]] [--json PATH]
                         [--folder NAME=NOTES_DIR:QUESTIONS.jsonl]

--split test (the default) scores the reporting questions of bench/questions/<folder>.test.jsonl,
which played no part in choosing our constants (bench.levers chooses on the tuning questions).
Needs `.venv/bin/pip install -r bench/requirements.txt torch==2.13.0` once (make bench does both).
Every system is scored by ask.metrics.score_run, the implementation of ../shared/eval/README.md; our
index is bench.folders' cached one, never index/. Takes several minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ask.evaluate import run_questions
from ask.metrics import score_run
from ingest import DEFAULT_MODEL, Embedder, Encoder, load_encoder, load_exported_encoder, read_notes

from .folders import Folder, folders
from .peers import PEERS, run_peer

OURS = "ours"
SYSTEMS = [OURS, *PEERS]
COLUMNS = ["hit@600", "hit@2000", "mrr@10", "answer_support", "abstain_recall", "false_abstain", "latency_p50_ms"]


def run_folder(folder: Folder, split: str, systems: list[str], ours: Embedder | None, model: Encoder | None) -> dict:
    """system -> metrics (plus the number of chunks indexed) on one folder's questions; ours runs the
    model as the app does (its ONNX export), the peers through sentence-transformers."""
    questions = folder.questions(split)
    notes = read_notes(folder.notes).texts
    results = {}
    for system in systems:
        started = time.perf_counter()
        if system == OURS:
            asker = folder.asker(ours)
            rows, chunks = run_questions(asker, questions), len(asker.data.passages)
        else:
            rows, chunks = run_peer(system, notes, questions, model)
        results[system] = {**score_run(questions, rows), "chunks": chunks}
        print(f"{folder.name}: {system:<22} {chunks:>5} chunks  {time.perf_counter() - started:6.1f} s",
              file=sys.stderr)
    return results


def table(results: dict[str, dict[str, dict]], systems: list[str]) -> str:
    """Markdown: one block of rows per folder, one row per system, the best of each column in bold."""
    lines = ["| folder | system | " + " | ".join(COLUMNS) + " |", "|---|---|" + "---|" * len(COLUMNS)]
    for folder, by_system in results.items():
        best = {c: (min if c in ("false_abstain", "latency_p50_ms") else max)(by_system[s][c] for s in systems)
                for c in COLUMNS}
        for system in systems:
            m = by_system[system]
            cells = [(f"{m[c]:.1f}" if c == "latency_p50_ms" else f"{m[c]:.3f}") for c in COLUMNS]
            cells = [f"**{cell}**" if m[c] == best[c] and c not in ("false_abstain", "latency_p50_ms") else cell
                     for cell, c in zip(cells, COLUMNS)]
            lines.append(f"| {folder} | {system} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "tune"], default="test")
    parser.add_argument("--folders", help="comma-separated folder names (default: all)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only these systems (repeat or comma-separate): {', '.join(SYSTEMS)}")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument("--folder", action="append", default=[], metavar="NAME=NOTES_DIR:QUESTIONS.jsonl",
                        help="a notes folder of your own and its questions (scored as --split test); repeatable")
    args = parser.parse_args(argv)
    available = folders()
    names = [n.strip() for n in args.folders.split(",")] if args.folders else [] if args.folder else list(available)
    for spec in args.folder:  # your own folder: only it, unless --folders names others too
        name, _, paths = spec.partition("=")
        notes, _, questions = paths.rpartition(":")
        if not (name and notes and questions):
            parser.error(f"--folder wants NAME=NOTES_DIR:QUESTIONS.jsonl, got {spec!r}")
        available[name] = Folder(name, Path(notes), (Path(questions),), (Path(questions),))
        names.append(name)
    systems = SYSTEMS
    if args.only:
        wanted = [name.strip() for item in args.only for name in item.split(",") if name.strip()]
        unknown = sorted(set(wanted) - set(SYSTEMS))
        if unknown:
            parser.error(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
        systems = [s for s in SYSTEMS if s in wanted]
    missing = [str(available[n].notes) for n in names if not available[n].notes.exists()]
    if missing:
        print(f"error: {', '.join(missing)} not found (the shared/ folder sits beside the repository)", file=sys.stderr)
        return 2
    # all-MiniLM-L6-v2, from its PyPI package; each loaded only when a system needs it
    ours = load_exported_encoder(DEFAULT_MODEL) if OURS in systems else None
    model = load_encoder(DEFAULT_MODEL) if set(systems) - {OURS} else None
    results = {n: run_folder(available[n], args.split, systems, ours, model) for n in names}
    print(table(results, systems))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"split": args.split, "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
