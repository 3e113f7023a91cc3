"""python -m ingest [--notes DIR] [--index DIR] [--model NAME] [--dry-run | --rebuild | --watch]"""
from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from .build import IngestBusy, counted, diff_notes, ingest
from .config import Config
from .encoder import EncoderError
from .notes import NoNotes, read_notes
from .store import IndexUnusable, IndexWriteFailed, read_manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Build or update the notes index.")
    parser.add_argument("--notes", help="folder of Markdown notes (default: notes, or QA_NOTES_DIR)")
    parser.add_argument("--index", help="index folder (default: index, or QA_INDEX_DIR)")
    parser.add_argument("--model", help="sentence-transformers name or path (default: QA_EMBED_MODEL, else "
                                        "all-MiniLM-L6-v2)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="list what would be added, changed and removed")
    mode.add_argument("--rebuild", action="store_true", help="re-embed every passage")
    mode.add_argument("--watch", action="store_true", help="re-ingest whenever a note is saved")
    parser.add_argument("--wait", type=float, metavar="SECONDS",
                        help=f"seconds to wait for another ingest to finish (default {Config.lock_timeout:.0f})")
    parser.add_argument("--follow-symlinks", action="store_true", default=None,
                        help="read notes that links in the notes folder point to outside it (or QA_FOLLOW_SYMLINKS=1)")
    args = parser.parse_args(argv)
    try:
        config = Config.from_env(notes_dir=args.notes, index_dir=args.index, model=args.model,
                                 lock_timeout=args.wait, follow_symlinks=args.follow_symlinks)
    except (TypeError, ValueError) as error:
        parser.error(str(error))
    try:
        if args.dry_run:
            return _dry_run(config)
        status = _run(config, args.rebuild)
        if args.watch:
            from .watch import watch
            print(f"watching {config.notes_dir} for changes; Ctrl-C stops", file=sys.stderr)
            watch(config, lambda: _run(config, False, quiet_errors=True))
        return status
    except (NoNotes, EncoderError, IngestBusy, IndexWriteFailed) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _run(config: Config, rebuild: bool, quiet_errors: bool = False) -> int:
    bar = tqdm(total=0, unit="passage", desc="reading notes", leave=False, file=sys.stderr)

    def progress(done: int, total: int, stage: str) -> None:
        bar.set_description(stage, refresh=False)
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        report = ingest(config, rebuild=rebuild, on_progress=progress)
    except (NoNotes, IngestBusy, IndexWriteFailed) as error:
        if not quiet_errors:
            raise
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    for doc, why in report.skipped.items():
        print(f"warning: skipped {doc}: {why}", file=sys.stderr)
    print(report.summary())
    return 0


def _dry_run(config: Config) -> int:
    notes = read_notes(config.notes_dir, follow_symlinks=config.follow_symlinks)
    try:
        manifest = read_manifest(config.index_dir)
    except IndexUnusable as error:
        print(f"{error.problem}\nwould index {counted(len(notes.texts), 'note')} from scratch")
        return 0
    changes = diff_notes(notes, manifest, config)
    for label, docs in (("add", changes.added), ("change", changes.changed), ("remove", changes.removed)):
        for doc in docs:
            print(f"would {label}: {doc}")
    for doc, why in notes.skipped.items():
        print(f"would skip: {doc}: {why}")
    print(changes.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
