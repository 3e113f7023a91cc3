"""Ingest speed and memory, side by side in one run: python -m bench.ingest [--notes DIR] [--repeats N]

Each measure runs in a fresh process, after the model is loaded, so its peak memory is its own:
- floor: the notes' text cut into 500-character pieces and embedded in one plain sentence-transformers call
  (the least any pipeline that embeds the notes once can do);
- ours: a full rebuild (python -m ingest --rebuild), from reading the notes to the index on disk, as
  shipped: embedded by the model's ONNX export (made beforehand, so this process never loads torch);
- ours-torch: the same rebuild with the model run by sentence-transformers (how it was before the export);
- before: the pipeline as it was (passage and every sentence embedded alone, in fixed batches of 64);
- langchain-quickstart: RecursiveCharacterTextSplitter(1000, 200) chunks, embedded in one call.
Prints medians over the repeats, the ratio to the floor, the texts and tokens fed to the model, texts/s,
KB of Markdown/s and peak RSS.
Needs bench/requirements.txt for the LangChain row (make bench installs it).
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest import Config, ingest, load_encoder, load_exported_encoder, passage_document, read_notes, split_note

from .folders import REPO, SHARED

MEASURES = ["floor", "ours", "ours-torch", "before", "langchain-quickstart"]


def measure(kind: str, notes_dir: Path) -> dict:
    """Seconds, texts embedded and peak RSS of one measure, in this process."""
    if kind == "ours":
        return _measure_shipped(notes_dir)
    encoder = load_encoder()
    encoder.model.encode(["warm up"])
    texts = read_notes(notes_dir).texts
    fed = _count_inputs(encoder.model)
    started = time.perf_counter()
    if kind == "floor":
        joined = "\n".join(texts.values())
        encoder.model.encode([joined[i:i + 500] for i in range(0, len(joined), 500)])
    elif kind == "ours-torch":
        with tempfile.TemporaryDirectory() as scratch:
            ingest(Config(notes_dir=notes_dir, index_dir=Path(scratch)), encoder, rebuild=True)
    elif kind == "before":
        passages = [p for doc, text in texts.items() for p in split_note(doc, text)]
        batch = [passage_document(p) for p in passages] + [u.text for p in passages for u in p.units]
        for start in range(0, len(batch), 64):
            encoder.model.encode(batch[start:start + 64], batch_size=64)
    else:
        from .chunkers import langchain_quickstart
        chunks = [c.embed_text for doc, text in texts.items() for c in langchain_quickstart(doc, text)]
        encoder.model.encode(chunks)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    limit = encoder.model.max_seq_length
    tokens = sum(len(ids) for ids in encoder.model.tokenizer(fed, truncation=True, max_length=limit)["input_ids"])
    return {"seconds": seconds, "texts": len(fed), "tokens": tokens, "peak_rss_mb": peak,
            "markdown_kb": sum(len(t.encode()) for t in texts.values()) / 1024}


def _measure_shipped(notes_dir: Path) -> dict:
    """ours: the rebuild as the app and the CLI run it, with the ONNX export (torch never imported)."""
    encoder = load_exported_encoder("all-MiniLM-L6-v2")
    encoder.encode(["warm up"])
    texts = read_notes(notes_dir).texts
    tokenizer = encoder._tokenizer
    fed: list[str] = []

    class Counted:  # every text the export is asked to embed
        def encode(self, text):
            fed.append(text)
            return tokenizer.encode(text)

        def encode_batch(self, batch):
            fed.extend(batch)
            return tokenizer.encode_batch(batch)

    encoder._tokenizer = Counted()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        ingest(Config(notes_dir=notes_dir, index_dir=Path(scratch)), encoder, rebuild=True)
    seconds = time.perf_counter() - started
    if "torch" in sys.modules:
        raise RuntimeError("the shipped ingest imported torch: is the export made?")
    return {"seconds": seconds, "texts": len(fed), "tokens": sum(len(e.ids) for e in tokenizer.encode_batch(fed)),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "markdown_kb": sum(len(t.encode()) for t in texts.values()) / 1024}


def _count_inputs(model) -> list[str]:
    """Every text the model is asked to embed from now on, in a list (the wrapper costs nothing measurable)."""
    fed: list[str] = []
    encode = model.encode

    def counted(sentences, *args, **kwargs):
        fed.extend([sentences] if isinstance(sentences, str) else sentences)
        return encode(sentences, *args, **kwargs)

    model.encode = counted
    return fed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=Path, default=SHARED / "corpora" / "system-design-primer")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=MEASURES, help=argparse.SUPPRESS)  # one measure, in a child process
    args = parser.parse_args(argv)
    if args.only:
        print(json.dumps(measure(args.only, args.notes)))
        return 0
    load_exported_encoder("all-MiniLM-L6-v2")  # the export, made once before anything is timed
    runs: dict[str, list[dict]] = {kind: [] for kind in MEASURES}
    for _ in range(args.repeats):  # interleaved, so the machine's noise falls on every measure alike
        for kind in MEASURES:
            child = subprocess.run([sys.executable, "-m", "bench.ingest", "--only", kind, "--notes", str(args.notes)],
                                   cwd=REPO, capture_output=True, text=True)
            if child.returncode:
                print(f"{kind}: failed\n{child.stderr[-2000:]}", file=sys.stderr)
                continue
            runs[kind].append(json.loads(child.stdout.strip().splitlines()[-1]))
    floor = statistics.median(r["seconds"] for r in runs["floor"])
    print(f"{args.notes.name}: {runs['floor'][0]['markdown_kb']:.0f} KB of Markdown, medians of {args.repeats}\n")
    print("| pipeline | seconds | × floor | texts embedded | tokens embedded | texts/s | KB Markdown/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, rows in runs.items():
        if not rows:
            continue
        seconds = statistics.median(r["seconds"] for r in rows)
        texts, kb = rows[0]["texts"], rows[0]["markdown_kb"]
        rss = statistics.median(r["peak_rss_mb"] for r in rows)
        print(f"| {kind} | {seconds:.1f} | {seconds / floor:.2f} | {texts} | {rows[0]['tokens']:,} | "
              f"{texts / seconds:.0f} | {kb / seconds:.1f} | {rss:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
