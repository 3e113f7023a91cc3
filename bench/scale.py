"""Scale: ingest rate, index size, memory and question latency at 1k, 10k and 100k passages, and exact
FAISS against HNSW: python -m bench.scale [--sizes 1000,10000,100000] [--questions 200] [--reuse]

Vaults come from bench.vault (real corpus text, recombined). Sizes up to 10k are ingested for real
(python -m ingest, in a child process: its peak memory is its own). Embedding 100k passages takes
this 2-core machine about an hour, so the 100k index is made from the 10k one: its vectors, each
repeated ten times with a little noise and made unit length again, its passages repeated with them.
Everything after embedding (writing, loading, searching) is then measured for real at 100k.
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ask import Asker
from ingest import Config, IndexData, load_exported_encoder, read_index
from ingest.store import dense_index, write_index

from .folders import REPO
from .vault import write_vault

ROOT = REPO / "bench" / "results" / "scale"


def ingest_child(size: int) -> dict:
    """Build the vault's index in a child process; its seconds, peak RSS and size on disk."""
    vault, index = ROOT / f"vault-{size}", ROOT / f"index-{size}"
    if not vault.exists():
        write_vault(vault, size)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", _CHILD, str(vault), str(index)], cwd=REPO,
                         capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(run.stderr[-3000:])
    row = json.loads(run.stdout.strip().splitlines()[-1])
    return {**row, "wall_seconds": time.perf_counter() - started, "disk_mb": _disk_mb(index)}


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from ingest import Config, ingest, load_exported_encoder
encoder = load_exported_encoder("all-MiniLM-L6-v2")  # as the app and the CLI embed
started = time.perf_counter()
report = ingest(Config(notes_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2])), encoder, rebuild=True)
print(json.dumps({"seconds": time.perf_counter() - started, "passages": report.passages,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def grown(data: IndexData, times: int, seed: int = 7) -> IndexData:
    """The index repeated `times` over, each copy's vectors nudged by noise: a bigger index with the same
    kind of neighbourhoods, without embedding it."""
    rng = np.random.default_rng(seed)
    def nudged(block: np.ndarray) -> np.ndarray:
        out = np.concatenate([block + rng.normal(0, 0.02, block.shape).astype(np.float32) for _ in range(times)])
        return out / np.linalg.norm(out, axis=1, keepdims=True)
    passages = [replace(p, id=f"{p.id}-{i}") for i in range(times) for p in data.passages]
    manifest = replace(data.manifest, passage_count=len(passages), unit_count=len(data.unit_vectors) * times)
    units = nudged(np.asarray(data.unit_vectors))
    return IndexData(manifest, passages, nudged(np.asarray(data.vectors)), units,
                     np.cumsum([0] + [len(p.units) for p in passages]))


def questions_of(data: IndexData, count: int, seed: int = 3) -> list[str]:
    """Sentences of the notes, as questions a reader might type."""
    rng = np.random.default_rng(seed)
    units = [u.text for p in data.passages[:20_000] for u in p.units if 20 <= len(u.text) <= 200]
    return [units[i] for i in rng.choice(len(units), size=min(count, len(units)), replace=False)]


def latencies(asker: Asker, questions: list[str]) -> tuple[float, float]:
    asker.ask(questions[0])
    times = []
    for q in questions:
        started = time.perf_counter()
        asker.ask(q)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), float(np.percentile(times, 95))


def exact_against_hnsw(vectors: np.ndarray, queries: np.ndarray) -> dict:
    """recall@10 of HNSW against exact search, and the median latency of each, on the same vectors."""
    flat, graph = dense_index(vectors, hnsw_above=10**12), dense_index(vectors, hnsw_above=0)
    result = {}
    for name, index in (("exact", flat), ("hnsw", graph)):
        times, found = [], []
        for q in queries:
            started = time.perf_counter()
            _, rows = index.search(q.reshape(1, -1), 10)
            times.append((time.perf_counter() - started) * 1000)
            found.append(set(rows[0]))
        result[name] = (statistics.median(times), found)
    recall = float(np.mean([len(h & e) / 10 for h, e in zip(result["hnsw"][1], result["exact"][1])]))
    return {"exact_ms": result["exact"][0], "hnsw_ms": result["hnsw"][0], "hnsw_recall@10": recall}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="read the indexes an earlier run built; no ingest")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    encoder = load_exported_encoder("all-MiniLM-L6-v2")  # as the app asks
    rows, built = [], {}
    for size in sizes:
        base = max((s for s in built if s < size), default=None)
        if args.reuse and (ROOT / f"index-{size}").exists():
            data = read_index(ROOT / f"index-{size}")
            ingested = {"seconds": math.nan, "passages": len(data.passages), "peak_rss_mb": math.nan,
                        "disk_mb": _disk_mb(ROOT / f"index-{size}"), "note": "not ingested (--reuse)"}
        elif size <= 10_000 or base is None:
            ingested = ingest_child(size)
            data = read_index(ROOT / f"index-{size}")
        else:
            times = -(-size // len(built[base].passages))
            data = grown(built[base], times)
            with tempfile.TemporaryDirectory() as scratch:
                started = time.perf_counter()
                write_index(Path(scratch), data.manifest, data.passages, np.asarray(data.vectors), data.unit_vectors)
                write_seconds = time.perf_counter() - started
                started = time.perf_counter()
                data = read_index(Path(scratch))
                load_seconds = time.perf_counter() - started
                rate = rows[-1]["passages/s"]  # the base size's, measured just before (nan with --reuse)
                ingested = {"seconds": float("nan"), "passages": len(data.passages), "peak_rss_mb": float("nan"),
                            "disk_mb": _disk_mb(Path(scratch)), "note": f"grown from {base:,}; written in "
                            f"{write_seconds:.1f} s, loaded in {load_seconds:.1f} s" + ("" if math.isnan(rate) else
                            f"; embedding would take ~{len(data.passages) / rate / 60:.0f} min at the {base:,} rate")}
        built[size] = data
        asker = Asker(Config(notes_dir=REPO / "notes", index_dir=ROOT / "unused"), encoder, data)
        questions = questions_of(data, args.questions)
        p50, p95 = latencies(asker, questions)
        vectors = np.stack([encoder.encode_query(q) for q in questions[:100]])
        ann = exact_against_hnsw(np.asarray(data.vectors), vectors)
        per_second = len(data.passages) / ingested["seconds"] if not math.isnan(ingested["seconds"]) else math.nan
        rows.append({"size": size, "passages": len(data.passages), **ingested, "passages/s": per_second,
                     "ask_p50_ms": p50, "ask_p95_ms": p95, **ann,
                     "kind": type(data.dense).__name__, "rss_now_mb": _rss_mb()})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print("| passages | ingest s | passages/s | peak RSS MB | index on disk MB | dense index | ask p50 / p95 ms "
          "| exact top-10 ms | HNSW top-10 ms | HNSW recall@10 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['passages']:,} | {r['seconds']:.0f} | {r['passages/s']:.1f} | {r['peak_rss_mb']:.0f} | "
              f"{r['disk_mb']:.0f} | {r['kind']} | {r['ask_p50_ms']:.1f} / {r['ask_p95_ms']:.1f} | "
              f"{r['exact_ms']:.2f} | {r['hnsw_ms']:.2f} | {r['hnsw_recall@10']:.3f} |")
    for r in rows:
        if r.get("note"):
            print(f"\n{r['passages']:,}: {r['note']}")
    return 0


def _disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
