"""One configuration object, read once at the edge (environment or CLI) and passed down."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class Config:
    notes_dir: Path = Path("notes")
    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL         # any sentence-transformers name or local path
    max_passage_chars: int = 600       # a section longer than this is cut between blocks (bench.levers)
    top_k: int = 10                    # passages returned with an answer
    max_question_chars: int = 1000     # longer questions are cut, with a notice
    lock_timeout: float = 600.0        # seconds an ingest waits for another one to finish
    follow_symlinks: bool = False      # read notes that links point to outside the notes folder
    fallback_index_dir: Path | None = None  # where to build the index when index_dir cannot be written
    admin_token: str = field(default="", repr=False)  # when set, re-ingesting (page or API) asks for it
    questions_per_minute: int = 30     # per visitor, on the page and the API

    def __post_init__(self) -> None:
        """Check every value up front, saying the value, the limit and the fix."""
        for name in ("notes_dir", "index_dir"):
            if not isinstance(getattr(self, name), Path):
                raise TypeError(f"{name} must be a pathlib.Path, got {getattr(self, name)!r}")
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError(f"model must name a sentence-transformers model or folder, got {self.model!r}; "
                             f"set QA_EMBED_MODEL or leave it unset for {DEFAULT_MODEL!r}")
        _check_range("max_passage_chars", self.max_passage_chars, 200, 4000)
        _check_range("top_k", self.top_k, 1, 50)
        _check_range("max_question_chars", self.max_question_chars, 20, 20_000)
        _check_range("questions_per_minute", self.questions_per_minute, 1, 100_000)
        if not isinstance(self.admin_token, str):
            raise TypeError(f"admin_token must be text, got {type(self.admin_token).__name__}")
        if not isinstance(self.lock_timeout, (int, float)) or not 0 <= self.lock_timeout <= 86_400:
            raise ValueError(f"lock_timeout must be between 0 and 86400 seconds, got {self.lock_timeout!r}")
        if not isinstance(self.follow_symlinks, bool):
            raise TypeError(f"follow_symlinks must be True or False, got {self.follow_symlinks!r}")

    @classmethod
    def from_env(cls, **overrides) -> Config:
        """QA_NOTES_DIR, QA_INDEX_DIR, QA_EMBED_MODEL, QA_FOLLOW_SYMLINKS, QA_ADMIN_TOKEN,
        QA_QUESTIONS_PER_MINUTE; explicit overrides (CLI flags) win."""
        env = {
            "notes_dir": os.environ.get("QA_NOTES_DIR"),
            "index_dir": os.environ.get("QA_INDEX_DIR"),
            "model": os.environ.get("QA_EMBED_MODEL"),
            "follow_symlinks": _flag("QA_FOLLOW_SYMLINKS"),
            "admin_token": os.environ.get("QA_ADMIN_TOKEN"),
            "questions_per_minute": _whole("QA_QUESTIONS_PER_MINUTE"),
        }
        values = {k: v for k, v in env.items() if v is not None and v != ""}
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("notes_dir", "index_dir"):
            if key in values:
                values[key] = Path(values[key])
        index_dir = values.get("index_dir", cls.index_dir)
        values.setdefault("fallback_index_dir", _cache_folder(index_dir))
        return cls(**values)

    def with_(self, **changes) -> Config:
        return replace(self, **changes)


def _check_range(name: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}")


def _flag(variable: str) -> bool | None:
    raw = os.environ.get(variable)
    if raw is None:
        return None
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ValueError(f"{variable} must be 1 or 0 (true or false), got {raw!r}")


def _whole(variable: str) -> int | None:
    raw = os.environ.get(variable)
    if raw is None or not raw.strip():
        return None
    if not raw.strip().isdigit():
        raise ValueError(f"{variable} must be a whole number, got {raw!r}")
    return int(raw)


def _cache_folder(index_dir: Path) -> Path:
    """A writable place for the index when the repository is read-only (a Space, a read-only mount):
    under XDG_CACHE_HOME, one folder per configured index folder."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha1(str(index_dir.resolve()).encode("utf-8")).hexdigest()[:12]
    return cache / "ask-my-notes" / f"index-{key}"
