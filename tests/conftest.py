"""Shared fixtures: the real model once per session, a fast fake encoder for logic-only tests, and a
clean environment for every test."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

os.environ["HF_HUB_OFFLINE"] = "1"  # before anything imports huggingface_hub

from ingest import Config, Encoder, load_encoder

from helpers import BUNDLED_NOTES
from helpers import fake_encoder as _fake_encoder

# In CI the property tests replay the same examples every run, so a landing never hangs on a new draw;
# elsewhere they draw anew each run and keep exploring.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No QA_* setting of the developer's shell leaks into a test; nothing goes to the hub."""
    for name in [n for n in os.environ if n.startswith("QA_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The real all-MiniLM-L6-v2, loaded once."""
    return load_encoder("all-MiniLM-L6-v2")


@pytest.fixture
def fake_encoder() -> Encoder:
    return _fake_encoder()


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
