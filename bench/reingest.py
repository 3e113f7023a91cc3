"""Re-ingest after a one-line edit vs a full rebuild, in-process and via the CLI, on a copy of the primer.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.reingest

The issue's target: an incremental re-ingest takes at most 10% of a full rebuild.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from ask import Asker
from ingest import Config, IngestReport, ingest, load_encoder

REPO = Path(__file__).resolve().parents[1]
PRIMER = REPO.parent / "shared" / "corpora" / "system-design-primer"
NOTE = "solutions/system_design/pastebin/README.md"
COMMAND = "HF_HUB_OFFLINE=1 .venv/bin/python -m bench.reingest"
# (start of the line that is edited, sentence appended to it): one pair per re-ingest, all different
EDITS = [
    ("Without an interviewer", "We also assume pastes are plain text."),
    ("We could use a [relational database]", "A paste row stays under one kilobyte."),
    ("Instead of managing a file server", "Lifecycle rules can expire old objects."),
    ("For internal communications", "gRPC is one such framework."),
    ("Since realtime analytics are not a requirement", "A nightly job is enough."),
    ("To delete expired pastes", "An index on the expiration column keeps the scan cheap."),
    ("We'll introduce some components", "Each one can be scaled on its own."),
    ("The **Analytics Database** could use", "Either bills by the amount of data scanned."),
    ("An **Object Store** such as Amazon S3", "Storage classes lower the cost of cold pastes."),
    ("We should also consider moving some data", "Paste metadata is a natural first candidate."),
]


def append_to_line(path: Path, start: str, sentence: str) -> int:
    """Append sentence to the one line starting with start; returns its 1-based line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    matches = [i for i, line in enumerate(lines) if line.startswith(start)]
    if len(matches) != 1:
        raise ValueError(f"expected one line starting with {start!r} in {path}, found {len(matches)}")
    lines[matches[0]] = lines[matches[0]].rstrip() + " " + sentence
    path.write_text("\n".join(lines), encoding="utf-8")
    return matches[0] + 1


def run_cli(config: Config, *args: str) -> tuple[float, str]:
    """Wall time of `python -m ingest` (interpreter start and model load included) and its summary."""
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "ingest", "--notes", str(config.notes_dir),
                          "--index", str(config.index_dir), *args],
                         cwd=REPO, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise RuntimeError(f"python -m ingest {' '.join(args)} failed ({run.returncode}): {run.stderr[-2000:]}")
    return seconds, run.stdout.strip()


def full_rebuild_in_process(config: Config, encoder) -> tuple[float, IngestReport]:
    bar = tqdm(total=0, unit="text", desc="full rebuild (in-process)", file=sys.stderr)

    def progress(done: int, total: int, stage: str) -> None:
        bar.total, bar.n = total, done
        bar.refresh()

    started = time.perf_counter()
    report = ingest(config, encoder, rebuild=True, on_progress=progress)
    bar.close()
    return time.perf_counter() - started, report


def ratio(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reingest", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=PRIMER, help=f"notes folder to copy (default: {PRIMER})")
    parser.add_argument("--repeats", type=int, default=5, help="edit + re-ingest rounds per path (default 5)")
    args = parser.parse_args(argv)
    if not 1 <= args.repeats <= len(EDITS) // 2:
        parser.error(f"--repeats must be 1..{len(EDITS) // 2}, got {args.repeats}")
    os.environ["HF_HUB_OFFLINE"] = "1"  # the CLI runs are children of this process

    with tempfile.TemporaryDirectory(prefix="bench-reingest-") as tmp:
        notes = Path(tmp) / "notes"
        shutil.copytree(args.corpus, notes)
        config = Config(notes_dir=notes, index_dir=Path(tmp) / "index")

        started = time.perf_counter()
        encoder = load_encoder(config.model)
        load_seconds = time.perf_counter() - started
        full_seconds, full = full_rebuild_in_process(config, encoder)
        print(f"full rebuild, in-process: {full_seconds:.1f} s; {full.summary()}", file=sys.stderr)
        print("full rebuild, CLI ...", file=sys.stderr)
        full_cli_seconds, full_cli = run_cli(config, "--rebuild")
        print(f"full rebuild, CLI: {full_cli_seconds:.1f} s; {full_cli}", file=sys.stderr)
        noop_cli_seconds, noop = run_cli(config)
        print(f"no-change ingest, CLI: {noop_cli_seconds:.1f} s; {noop}", file=sys.stderr)

        asker = Asker.load(config, encoder)
        in_process, cli, embedded = [], [], []
        edits = iter(EDITS)
        for round_ in range(1, args.repeats + 1):
            line = append_to_line(notes / NOTE, *next(edits))
            started = time.perf_counter()
            report = asker.reingest()  # what the app's "Re-ingest notes" button runs: ingest, then reload
            in_process.append(time.perf_counter() - started)
            embedded.append(report.embedded)
            print(f"round {round_}: in-process re-ingest after editing line {line}: {in_process[-1]:.2f} s "
                  f"(ingest {report.seconds:.2f} s, reload {in_process[-1] - report.seconds:.2f} s); "
                  f"{report.summary()}", file=sys.stderr)

            line = append_to_line(notes / NOTE, *next(edits))
            seconds, summary = run_cli(config)
            cli.append(seconds)
            print(f"round {round_}: CLI re-ingest after editing line {line}: {seconds:.2f} s; {summary}",
                  file=sys.stderr)

    inc, inc_cli = statistics.median(in_process), statistics.median(cli)
    print(f"\n{full.notes} notes, {full.passages} passages; model {encoder.name} loaded once in "
          f"{load_seconds:.1f} s; {args.repeats} one-line edits per path, "
          f"{min(embedded)}-{max(embedded)} passages re-embedded per edit\n")
    print("| path | full rebuild | one-line edit + re-ingest (median of "
          f"{args.repeats}) | incremental / full |")
    print("|---|---:|---:|---:|")
    print(f"| in-process: `ingest(rebuild=True)` vs `Asker.reingest()` (incl. reload) | {full_seconds:.1f} s | "
          f"{inc:.2f} s | {ratio(inc, full_seconds)} |")
    print(f"| CLI: `python -m ingest --rebuild` vs `python -m ingest` (wall, incl. model load) | "
          f"{full_cli_seconds:.1f} s | {inc_cli:.2f} s | {ratio(inc_cli, full_cli_seconds)} |")
    print(f"\nCLI with nothing changed: {noop_cli_seconds:.2f} s. "
          f"Each run: {', '.join(f'{s:.2f}' for s in in_process)} s in-process; "
          f"{', '.join(f'{s:.2f}' for s in cli)} s CLI.")
    print(f"\nReproduce: `{COMMAND}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
