"""One configuration object, read once at the edge (environment or CLI) and passed down."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Config:
    notes_dir: Path = Path("notes")
    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL         # any sentence-transformers name or local path
    max_passage_chars: int = 500       # a section longer than this is cut between blocks
    top_k: int = 10                    # passages returned with an answer
    max_question_chars: int = 1000     # longer questions are cut, with a notice
    lock_timeout: float = 0.0          # seconds a second ingest waits for the first

    @classmethod
    def from_env(cls, **overrides) -> "Config":
        """QA_NOTES_DIR, QA_INDEX_DIR, QA_EMBED_MODEL; explicit overrides (CLI flags) win."""
        env = {
            "notes_dir": os.environ.get("QA_NOTES_DIR"),
            "index_dir": os.environ.get("QA_INDEX_DIR"),
            "model": os.environ.get("QA_EMBED_MODEL"),
        }
        values = {k: v for k, v in env.items() if v}
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("notes_dir", "index_dir"):
            if key in values:
                values[key] = Path(values[key])
        return cls(**values)

    def with_(self, **changes) -> "Config":
        return replace(self, **changes)
