"""One configuration object, every value checked up front with the value, the limit and the fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest import Config


@pytest.mark.parametrize("field, value, message", [
    ("max_passage_chars", 50, "max_passage_chars must be a whole number from 200 to 4000, got 50"),
    ("max_passage_chars", 500.0, "max_passage_chars must be a whole number from 200 to 4000, got 500.0"),
    ("top_k", 0, "top_k must be a whole number from 1 to 50, got 0"),
    ("max_question_chars", 10**9, "max_question_chars must be a whole number from 20 to 20000, got 1000000000"),
    ("lock_timeout", -1, "lock_timeout must be between 0 and 86400 seconds, got -1"),
    ("model", " ", "model must name a sentence-transformers model or folder, got ' '; set QA_EMBED_MODEL"),
    ("notes_dir", "notes", "notes_dir must be a pathlib.Path, got 'notes'"),
    ("follow_symlinks", "yes", "follow_symlinks must be True or False, got 'yes'"),
])
def test_a_bad_value_is_refused_with_the_value_and_the_limit(field, value, message):
    with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(").replace(")", r"\)")):
        Config(**{field: value})


def test_from_env_reads_the_qa_variables_and_flags_win(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("QA_NOTES_DIR", str(tmp_path / "vault"))
    monkeypatch.setenv("QA_EMBED_MODEL", "some/model")
    config = Config.from_env(model="cli/model")
    assert (config.notes_dir, config.model, config.index_dir) == (tmp_path / "vault", "cli/model", Path("index"))


def test_the_fallback_index_folder_is_under_the_cache_and_differs_per_index_folder(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    one, other = Config.from_env(), Config.from_env(index_dir="elsewhere")
    assert one.fallback_index_dir.parent == tmp_path / "cache" / "ask-my-notes"
    assert one.fallback_index_dir != other.fallback_index_dir
