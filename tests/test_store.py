"""The index format: a typed manifest that says why an index cannot be used, and damage that is
reported, never crashed on."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ingest import Config, IndexCorrupt, embedding_scheme, ingest, read_index, read_manifest

from helpers import write_notes

NOTES = {"caching.md": "# Caching\n\nLRU evicts the least recently used entry.\n"}


@pytest.fixture
def small(tmp_path: Path, fake_encoder) -> Config:
    config = Config(notes_dir=write_notes(tmp_path / "notes", NOTES), index_dir=tmp_path / "index")
    ingest(config, fake_encoder)
    return config


def _edit_manifest(index_dir: Path, **changes) -> Path:
    path = index_dir / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}), encoding="utf-8")
    return path


@pytest.mark.parametrize("changes, problem", [
    ({"files": ["passages.jsonl"]}, "has a list for 'files', expected dict[str, str]"),
    ({"notes": "caching.md"}, "has a str for 'notes', expected dict[str, str]"),
    ({"dim": "64"}, "has a str for 'dim', expected int"),
    ({"dim": True}, "has a bool for 'dim', expected int"),
    ({"passage_count": None}, "has a NoneType for 'passage_count', expected int"),
    ({"files": {"passages": "p.jsonl"}}, "names the files ['p.jsonl'], expected one each of"),
    ({"files": {"passages": "../x", "vectors": "v", "units": "u"}, "checksums": {"../x": "", "v": "", "u": ""}},
     "names a file outside the index folder"),
])
def test_a_damaged_manifest_is_reported_as_damage_and_rebuilt(small: Config, fake_encoder, changes, problem):
    path = _edit_manifest(small.index_dir, **changes)
    with pytest.raises(IndexCorrupt, match=f"^{path} .*; run: python -m ingest --rebuild$") as raised:
        read_manifest(small.index_dir)
    assert problem in str(raised.value)
    report = ingest(small, fake_encoder)
    assert report.wrote and report.reason.endswith(": rebuilding from the notes")
    assert "run: python -m ingest" not in report.reason  # the rebuild is under way: no advice to run one
    assert read_index(small.index_dir).manifest.passage_count == 1


def test_a_manifest_missing_a_field_names_it(small: Config):
    path = small.index_dir / "manifest.json"
    row = json.loads(path.read_text())
    del row["checksums"]
    path.write_text(json.dumps(row), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match=f"^{path} lacks 'checksums'; run"):
        read_manifest(small.index_dir)


def test_the_manifest_says_why_an_encoder_cannot_use_the_index(small: Config):
    manifest = read_manifest(small.index_dir)
    assert manifest.unusable_with("fake-hash-64", 64) is None
    assert manifest.unusable_with("other-model", 64) == "index built with 'fake-hash-64', encoder is 'other-model'"
    assert replace(manifest, scheme="old/0").unusable_with("fake-hash-64", 64) == (
        f"index built by another version of this app (old/0; this one writes {embedding_scheme()})")
    assert manifest.unusable_with("fake-hash-64", 384) == "index has 64 dims, 'fake-hash-64' gives 384"


def test_an_index_embedded_with_another_alone_threshold_is_not_used(small: Config, monkeypatch):
    import ingest.encoder
    manifest = read_manifest(small.index_dir)
    monkeypatch.setattr(ingest.encoder, "ALONE_UP_TO", ingest.encoder.ALONE_UP_TO // 2)
    assert "another version of this app" in manifest.unusable_with("fake-hash-64", 64)


def test_a_rebuild_reports_the_notes_as_unchanged_not_added(small: Config, fake_encoder):
    report = ingest(small, fake_encoder, rebuild=True)
    assert report.summary() == ("rebuilding: every passage is embedded again; 1 note, 1 passage (1 embedded, "
                                f"0 reused) in {report.seconds:.1f} s")
    first = ingest(Config(notes_dir=small.notes_dir, index_dir=small.index_dir.parent / "fresh"), fake_encoder)
    assert first.summary().endswith("; built the index")


def test_what_front_matter_says_of_a_note_is_kept_in_the_index(tmp_path: Path, fake_encoder):
    note = ("---\ntitle: Caching\naliases: [cache]\ntags: [perf]\ndescription: When to keep a copy near the reader\n"
            "---\nLRU evicts the least recently used entry. See [[Redis]].\n")
    config = Config(notes_dir=write_notes(tmp_path / "notes", {"caching.md": note}), index_dir=tmp_path / "index")
    written = ingest(config, fake_encoder).data.passages
    [passage] = read_index(config.index_dir).passages
    assert passage == written[0]
    assert (passage.aliases, passage.tags, passage.summary, passage.related) == \
        (("cache",), ("perf",), "When to keep a copy near the reader", ("Redis",))
