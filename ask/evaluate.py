"""python -m ask.evaluate QUESTIONS.jsonl --notes DIR [--index DIR] [--out RUN.jsonl]

Sends every question through the same path as the app and prints the metrics as one JSON line.
The index for DIR is built in --index or a temporary folder, never in the project's index/.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from ingest import Config

from .asker import Asker
from .export import hit_json
from .metrics import score_run

PROJECT_INDEX = Path(__file__).resolve().parents[1] / "index"


def read_questions(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        missing = {"id", "question", "gold"} - set(row)
        if missing:
            raise ValueError(f"{path}: question {row.get('id', '?')!r} lacks {sorted(missing)}")
    return rows


def run_questions(asker: Asker, questions: list[dict]) -> list[dict]:
    """One run row per question, in the format of ../shared/eval/README.md."""
    asker.ask(questions[0]["question"])  # warm-up: latency is measured in a warm process
    rows = []
    for q in questions:
        answer = asker.ask(q["question"])
        rows.append({"id": q["id"], "answer": answer.text, "abstained": answer.abstained,
                     "passages": [hit_json(hit) for hit in answer.hits[:10]],
                     "latency_ms": round(answer.latency_ms, 3)})
    return rows


def evaluate(questions_path: Path, config: Config, out: Path | None = None) -> dict:
    questions = read_questions(questions_path)
    asker, _ = Asker.open(config)
    run = run_questions(asker, questions)
    if out:
        out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in run), encoding="utf-8")
    return score_run(questions, run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ask.evaluate", description=__doc__.splitlines()[2])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--notes", required=True, help="the notes folder the questions are about")
    parser.add_argument("--index", help="index folder for these notes (default: a temporary folder)")
    parser.add_argument("--model")
    parser.add_argument("--out", type=Path, help="write the run here (JSON lines)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa-eval-") as scratch:
        config = Config.from_env(notes_dir=args.notes, index_dir=args.index or scratch, model=args.model)
        if config.index_dir.resolve() == PROJECT_INDEX.resolve():
            print(f"error: evaluation never writes the app's index {PROJECT_INDEX}; pass another --index",
                  file=sys.stderr)
            return 2
        print(json.dumps(evaluate(args.questions, config, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
