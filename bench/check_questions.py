"""python -m bench.check_questions FILE.jsonl --notes DIR: is a question set well formed and are its golds verbatim?

Checks, for every question: the fields of ../shared/eval/README.md, a known kind, a unique id, a doc
that exists under DIR, and each gold snippet found in that doc after the scorer's normalisation
(case, Markdown marks, link syntax, white space). Unanswerable questions have no gold. Prints one
line per problem and a count of kinds; exits 1 if anything is wrong.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from ask.metrics import normalize

KINDS = {"lookup", "paraphrase", "keyword", "multi-hop", "unanswerable"}
LONG_GOLD = 200  # characters: a gold this long rarely fits the 600-character budget with its context


def problems(rows: list[dict], notes_dir: Path) -> list[str]:
    found, seen = [], set()
    for n, row in enumerate(rows, 1):
        where = f"line {n} ({row.get('id', '?')})"
        missing = {"id", "question", "gold", "kind"} - set(row)
        if missing:
            found.append(f"{where}: lacks {sorted(missing)}")
            continue
        if row["id"] in seen:
            found.append(f"{where}: duplicate id")
        seen.add(row["id"])
        if row["kind"] not in KINDS:
            found.append(f"{where}: kind {row['kind']!r} is not one of {sorted(KINDS)}")
        if (row["kind"] == "unanswerable") != (not row["gold"]):
            found.append(f"{where}: unanswerable questions, and only they, have an empty gold")
        if not row["gold"]:
            continue
        doc = notes_dir / row.get("doc", "")
        if not row.get("doc") or not doc.is_file():
            found.append(f"{where}: doc {row.get('doc')!r} is not a file under {notes_dir}")
            continue
        text = normalize(doc.read_text(encoding="utf-8"))
        for gold in row["gold"]:
            if not normalize(gold):
                found.append(f"{where}: empty gold snippet")
            elif normalize(gold) not in text:
                found.append(f"{where}: gold not found verbatim in {row['doc']}: {gold!r}")
            elif len(gold) > LONG_GOLD:
                found.append(f"{where}: gold longer than {LONG_GOLD} characters; quote the answering part")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check_questions", description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--notes", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = problems(rows, args.notes)
    for line in found:
        print(line)
    kinds = collections.Counter(row.get("kind") for row in rows)
    print(f"{len(rows)} questions: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
          + f"; {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
