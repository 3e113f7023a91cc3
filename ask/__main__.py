"""python -m ask "question" [--json] [--notes DIR] [--index DIR] [--model NAME]"""
from __future__ import annotations

import argparse
import json
import sys

from ingest import Config, EncoderError, IndexUnusable, IndexWriteFailed, IngestBusy, NoNotes, resolve_note

from .asker import Asker, QuestionError
from .export import answer_json
from .render import answer_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ask", description="Ask your notes a question.")
    parser.add_argument("question")
    parser.add_argument("--json", action="store_true", help="print answer, passages and links as JSON")
    parser.add_argument("--notes")
    parser.add_argument("--index")
    parser.add_argument("--model")
    args = parser.parse_args(argv)
    try:
        config = Config.from_env(notes_dir=args.notes, index_dir=args.index, model=args.model)
    except (TypeError, ValueError) as error:
        parser.error(str(error))
    try:
        asker, how = Asker.serve(config)
        print(how, file=sys.stderr)
        for doc, why in asker.data.manifest.skipped.items():
            print(f"warning: skipped {doc}: {why}", file=sys.stderr)
        answer = asker.ask(args.question)
    except (QuestionError, NoNotes, EncoderError, IngestBusy, IndexUnusable, IndexWriteFailed) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    docs = sorted(asker.data.manifest.notes)
    print(json.dumps(answer_json(answer), ensure_ascii=False, indent=1) if args.json
          else answer_text(answer, lambda target: resolve_note(target, docs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
