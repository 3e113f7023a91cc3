"""Shared fixtures: the real model once per session, a fast fake encoder for logic-only tests."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest import Config, Encoder, load_encoder  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BUNDLED_NOTES = REPO / "notes"
PRIMER = SHARED / "corpora" / "system-design-primer"
EVAL_DEV = SHARED / "eval" / "dev"


def write_notes(folder: Path, notes: dict[str, str]) -> Path:
    """Write {relative path: text} under folder; returns folder."""
    for doc, text in notes.items():
        (folder / doc).parent.mkdir(parents=True, exist_ok=True)
        (folder / doc).write_text(text, encoding="utf-8")
    return folder


class _HashModel:
    """Deterministic bag-of-words vectors: same encode() shape as sentence-transformers, no meaning."""

    def encode(self, texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True):
        out = np.zeros((len(texts), 64), np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The real all-MiniLM-L6-v2, loaded once."""
    return load_encoder("all-MiniLM-L6-v2")


@pytest.fixture
def fake_encoder() -> Encoder:
    return Encoder(name="fake-hash-64", model=_HashModel(), dim=64)


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    """A copy of the bundled notes that a test may edit."""
    target = tmp_path / "notes"
    shutil.copytree(BUNDLED_NOTES, target)
    return target


@pytest.fixture
def config(tmp_path: Path, notes_dir: Path) -> Config:
    return Config(notes_dir=notes_dir, index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def bundled_asker(tmp_path_factory, encoder):
    """An Asker over the bundled notes with the real model, built once."""
    from ask import Asker
    config = Config(notes_dir=BUNDLED_NOTES, index_dir=tmp_path_factory.mktemp("bundled-index"))
    asker, _ = Asker.open(config, encoder)
    return asker
