"""Quality benchmark: our pipeline next to common peers, on both dev question sets, in one table.

    cd /work/main && HF_HUB_OFFLINE=1 .venv/bin/python -m bench.quality
        [--sets seed|sdp|both|seed-cal|sdp-cal|all] [--only NAME[,NAME]] [--json PATH] [--shared DIR]

Needs `.venv/bin/pip install -r bench/requirements.txt torch==2.13.0` once (make bench does both).
Every system is scored by ask.metrics.score_run, the implementation of ../shared/eval/README.md;
our index is built in a temporary folder, never in index/. Takes a few minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from ask import Asker
from ask.evaluate import read_questions, run_questions
from ask.metrics import score_run
from ingest import DEFAULT_MODEL, Config, Encoder, load_encoder, read_notes

from .peers import PEERS, run_peer

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
OURS = "ours"
SYSTEMS = [OURS, *PEERS]
COLUMNS = ["hit@600", "hit@2000", "mrr@10", "answer_support", "abstain_recall", "false_abstain", "latency_p50_ms"]


def question_sets(shared: Path) -> dict[str, tuple[Path, Path]]:
    """Set name -> (questions file, notes folder it is about): the dev sets, then the calibration sets."""
    seed, primer = REPO / "notes", shared / "corpora/system-design-primer"
    return {"seed": (shared / "eval/dev/seed_notes.jsonl", seed),
            "sdp": (shared / "eval/dev/system_design_primer.jsonl", primer),
            "seed-cal": (REPO / "bench/calibration/seed_notes.jsonl", seed),
            "sdp-cal": (REPO / "bench/calibration/system_design_primer.jsonl", primer)}


def run_ours(notes_dir: Path, questions: list[dict], encoder: Encoder) -> tuple[list[dict], int]:
    """The app's own path (ask.evaluate), on an index built in a throw-away folder."""
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as scratch:
        asker, _ = Asker.open(Config(notes_dir=notes_dir, index_dir=Path(scratch)), encoder)
        return run_questions(asker, questions), len(asker.data.passages)


def run_set(name: str, questions_path: Path, notes_dir: Path, systems: list[str], encoder: Encoder) -> dict:
    """system -> metrics (plus the number of chunks indexed) on one question set."""
    questions = read_questions(questions_path)
    notes = read_notes(notes_dir).texts
    results = {}
    for system in systems:
        started = time.perf_counter()
        if system == OURS:
            rows, chunks = run_ours(notes_dir, questions, encoder)
        else:
            rows, chunks = run_peer(system, notes, questions, encoder)
        results[system] = {**score_run(questions, rows), "chunks": chunks}
        print(f"{name}: {system:<22} {chunks:>5} chunks  {time.perf_counter() - started:6.1f} s", file=sys.stderr)
    return results


def table(results: dict[str, dict[str, dict]], sets: list[str], systems: list[str]) -> str:
    """Markdown: one row per system, each set's metrics side by side."""
    header = ["system"] + [f"{s} {c}" for s in sets for c in COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for system in systems:
        cells = [system]
        for s in sets:
            metrics = results[s][system]
            cells += [f"{metrics[c]:.1f}" if c == "latency_p50_ms" else f"{metrics[c]:.3f}" for c in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--sets", choices=["seed", "sdp", "both", "seed-cal", "sdp-cal", "all"], default="both",
                        help="both: the two dev sets; all: the dev sets and the calibration sets")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only these systems (repeat or comma-separate): {', '.join(SYSTEMS)}")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument("--shared", type=Path, default=SHARED, help=f"the shared folder (default {SHARED})")
    args = parser.parse_args(argv)
    args.systems = SYSTEMS
    if args.only:
        wanted = [name.strip() for item in args.only for name in item.split(",") if name.strip()]
        unknown = sorted(set(wanted) - set(SYSTEMS))
        if unknown:
            parser.error(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
        args.systems = [s for s in SYSTEMS if s in wanted]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    available = question_sets(args.shared)
    sets = {"both": ["seed", "sdp"], "all": list(available)}.get(args.sets, [args.sets])
    for s in sets:
        for path in available[s]:
            if not path.exists():
                print(f"error: {path} not found (set --shared to the folder holding eval/ and corpora/)",
                      file=sys.stderr)
                return 2
    encoder = load_encoder(DEFAULT_MODEL)  # all-MiniLM-L6-v2, from its PyPI package
    results = {s: run_set(s, *available[s], args.systems, encoder) for s in sets}
    print(table(results, sets, args.systems))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"sets": {s: {"questions": str(available[s][0]), "notes": str(available[s][1])}
                                                  for s in sets}, "results": results}, indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
