"""The notes folders the benchmarks run on, their question sets, and their indexes, built once.

Every folder has tuning questions (used to choose constants: bench.levers) and test questions
(used only to report). An index is kept in bench/results/indexes/<folder> and brought up to date by
the project's own incremental ingest, so a second run embeds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ask import Asker
from ask.evaluate import read_questions
from ask.tuning import Tuning
from ingest import Config, Embedder

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
QUESTIONS = REPO / "bench" / "questions"
CALIBRATION = REPO / "bench" / "calibration"
INDEXES = REPO / "bench" / "results" / "indexes"


@dataclass(frozen=True)
class Folder:
    name: str
    notes: Path
    tune: tuple[Path, ...]  # question sets constants may be chosen on
    test: tuple[Path, ...]  # question sets that only report

    def questions(self, split: str) -> list[dict]:
        return [q for path in self.sets(split) for q in read_questions(path)]

    def sets(self, split: str) -> tuple[Path, ...]:
        return self.tune if split == "tune" else self.test

    def asker(self, encoder: Embedder, tuning: Tuning = Tuning(), passage_chars: int = Config.max_passage_chars,
              index_root: Path = INDEXES) -> Asker:
        """An Asker over this folder's cached index (one per passage size), brought up to date first."""
        config = Config(notes_dir=self.notes, index_dir=index_root / f"{passage_chars}" / self.name,
                        max_passage_chars=passage_chars)
        asker, _ = Asker.open(config, encoder)
        return asker.with_tuning(tuning) if tuning != Tuning() else asker


def folders(shared: Path = SHARED) -> dict[str, Folder]:
    corpora, dev = shared / "corpora", shared / "eval" / "dev"
    found = [
        Folder("seed-notes", REPO / "notes", (dev / "seed_notes.jsonl", CALIBRATION / "seed_notes.jsonl",
                                               QUESTIONS / "seed-notes.dev2.jsonl"),
               (QUESTIONS / "seed-notes.test.jsonl",)),
        Folder("system-design-primer", corpora / "system-design-primer",
               (dev / "system_design_primer.jsonl", CALIBRATION / "system_design_primer.jsonl",
                QUESTIONS / "system-design-primer.dev2.jsonl"),
               (QUESTIONS / "system-design-primer.test.jsonl",)),
    ]
    for name in ("jbranchaud-til", "jzhao-garden", "nats-docs"):
        tune = tuple(p for p in (QUESTIONS / f"{name}.dev.jsonl", QUESTIONS / f"{name}.dev2.jsonl") if p.exists())
        found.append(Folder(name, corpora / name, tune, (QUESTIONS / f"{name}.test.jsonl",)))
    return {f.name: f for f in found}
