"""Incremental re-ingest: stable passage ids, only changed passages embedded, the same index as a rebuild."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ask import Asker
from ingest import Changes, Config, Encoder, IndexData, ingest, passage_document, read_index, split_note

from helpers import BUNDLED_NOTES, PRIMER, REPO, write_notes

NOTES = {
    "caching.md": "# Caching\n\nA cache keeps hot data in memory.\n\n"
                  "## Eviction\n\nLRU evicts the least recently used entry.\n\n"
                  "## Invalidation\n\nWrite-through updates the cache on every write.\n",
    "queues/kafka.md": "# Kafka\n\nKafka keeps an ordered log per partition.\n\n"
                       "## Consumer groups\n\nEach partition is read by one consumer of a group.\n",
    "sharding.md": "# Sharding\n\nSharding splits rows across databases by a key.\n",
}
NEW_NOTE = "# Replication\n\nA replica copies the leader's log.\n\n## Lag\n\nReplicas can fall behind the leader.\n"


@pytest.fixture
def small(tmp_path: Path) -> Config:
    return Config(notes_dir=write_notes(tmp_path / "notes", NOTES), index_dir=tmp_path / "index")


class _Recording:
    """Wraps a model and keeps every text it was asked to embed, to see exactly what was re-embedded."""

    def __init__(self, model):
        self.model, self.texts = model, []

    def encode(self, texts, **kwargs):
        self.texts.extend(texts)
        return self.model.encode(texts, **kwargs)


def _recording(encoder: Encoder) -> tuple[Encoder, _Recording]:
    model = _Recording(encoder.model)
    return Encoder(name=encoder.name, model=model, dim=encoder.dim), model


def _ids(config: Config) -> list[str]:
    return [p.id for p in read_index(config.index_dir).passages]


def _texts_of(passages) -> list[str]:
    """What embedding a list of passages sends to the model, in sorted order."""
    return sorted([passage_document(p) for p in passages] + [u.text for p in passages for u in p.units])


def _snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file and folder under folder: bytes (None for a folder) and mtime in ns."""
    return {path.relative_to(folder).as_posix(): (path.read_bytes() if path.is_file() else None,
                                                  path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*"))}


def test_passage_ids_are_stable_across_runs_and_do_not_depend_on_mtimes(small: Config, fake_encoder: Encoder):
    """Ids are what lets a re-ingest reuse vectors; if an mtime leaked in, every touch would re-embed."""
    ingest(small, fake_encoder)
    first = _ids(small)
    expected = [p.id for doc in sorted(NOTES) for p in split_note(doc, NOTES[doc], small.max_passage_chars)]
    assert first == expected

    for path in small.notes_dir.rglob("*.md"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # 1970: as far from now as an mtime gets
    report = ingest(small, fake_encoder)
    assert (report.wrote, report.embedded, report.reused) == (False, 0, 6)
    assert _ids(small) == first

    other = small.with_(index_dir=small.index_dir.parent / "second-index")
    ingest(other, fake_encoder, rebuild=True)
    assert _ids(other) == first


def test_editing_one_line_re_embeds_only_that_passage(small: Config, fake_encoder: Encoder):
    """A one-line edit must cost one passage's embedding, not the note's or the folder's."""
    ingest(small, fake_encoder)
    before = read_index(small.index_dir).passages
    note = small.notes_dir / "caching.md"
    note.write_text(NOTES["caching.md"].replace("used entry.", "used entry first."), encoding="utf-8")

    recorder_encoder, recorder = _recording(fake_encoder)
    report = ingest(small, recorder_encoder)

    after = read_index(small.index_dir).passages
    edited = [p for p in after if p.heading == ("Caching", "Eviction")]
    assert [p.text for p in edited] == ["LRU evicts the least recently used entry first."]
    assert (report.embedded, report.reused, report.passages) == (1, 5, 6)
    assert report.changes == Changes(changed=["caching.md"])
    assert sorted(recorder.texts) == _texts_of(edited)
    assert [p.id for p in after if p not in edited] == [p.id for p in before if p.heading != ("Caching", "Eviction")]


def test_a_new_alias_re_embeds_the_note_whose_text_is_unchanged(small: Config, fake_encoder: Encoder):
    """Vectors are reused by what is embedded, not by the Markdown: an alias is embedded with every
    passage of its note, so one added in the front matter must reach them."""
    ingest(small, fake_encoder)
    note = small.notes_dir / "sharding.md"
    note.write_text("---\naliases: [partitioning]\n---\n" + NOTES["sharding.md"], encoding="utf-8")

    recorder_encoder, recorder = _recording(fake_encoder)
    report = ingest(small, recorder_encoder)

    [sharding] = [p for p in read_index(small.index_dir).passages if p.doc == "sharding.md"]
    assert sharding.aliases == ("partitioning",) and "partitioning" in passage_document(sharding)
    assert (report.embedded, report.reused) == (1, 5)
    assert passage_document(sharding) in recorder.texts


def test_deleting_a_note_removes_exactly_its_passages(small: Config, fake_encoder: Encoder):
    """Passages of a deleted note must not linger as answers from a file that no longer exists."""
    ingest(small, fake_encoder)
    before = read_index(small.index_dir)
    (small.notes_dir / "queues" / "kafka.md").unlink()

    recorder_encoder, recorder = _recording(fake_encoder)
    report = ingest(small, recorder_encoder)

    after = read_index(small.index_dir)
    kept = [i for i, p in enumerate(before.passages) if p.doc != "queues/kafka.md"]
    assert [p.id for p in after.passages] == [before.passages[i].id for i in kept]
    assert len(after.passages) == len(before.passages) - 2
    assert np.array_equal(after.vectors, before.vectors[kept])
    assert (report.embedded, report.reused, recorder.texts) == (0, 4, [])
    assert report.changes == Changes(removed=["queues/kafka.md"])
    assert "queues/kafka.md" not in after.manifest.notes


def test_adding_a_note_adds_its_passages_and_embeds_only_them(small: Config, fake_encoder: Encoder):
    """A new note is embedded on its own; the rest of the index is reused as it is."""
    ingest(small, fake_encoder)
    before = _ids(small)
    (small.notes_dir / "replication.md").write_text(NEW_NOTE, encoding="utf-8")

    recorder_encoder, recorder = _recording(fake_encoder)
    report = ingest(small, recorder_encoder)

    new = split_note("replication.md", NEW_NOTE, small.max_passage_chars)
    assert len(new) == 2
    assert set(_ids(small)) == set(before) | {p.id for p in new}
    assert len(_ids(small)) == len(before) + 2
    assert (report.embedded, report.reused) == (2, 6)
    assert sorted(recorder.texts) == _texts_of(new)
    assert report.changes == Changes(added=["replication.md"])


def _assert_same_index(incremental: IndexData, full: IndexData) -> None:
    assert [(p.id, p.doc, p.heading, p.text, p.lines, p.links, p.units) for p in incremental.passages] == \
           [(p.id, p.doc, p.heading, p.text, p.lines, p.links, p.units) for p in full.passages]
    assert incremental.vectors.shape == full.vectors.shape
    assert np.allclose(incremental.vectors, full.vectors, atol=1e-5)
    assert incremental.unit_vectors.shape == full.unit_vectors.shape
    assert np.allclose(incremental.unit_vectors, full.unit_vectors, atol=1e-5)
    assert np.array_equal(incremental.unit_starts, full.unit_starts)


def _primer_solution(name: str) -> str:
    """Steps 1-3 of a primer solution (use cases, design, core components): half the embedding work."""
    text = (PRIMER / f"solutions/system_design/{name}/README.md").read_text(encoding="utf-8")
    return text[:text.index("## Step 4")]


def test_incremental_index_equals_a_full_rebuild_with_the_real_model(tmp_path: Path, encoder: Encoder):
    """The brute-force reference: after an edit, an add and a delete, reusing vectors must give
    the index (and the answers) a full rebuild gives."""
    notes = tmp_path / "notes"
    solutions = "solutions/system_design"
    notes.mkdir()
    shutil.copy(BUNDLED_NOTES / "system-design.md", notes / "system-design.md")
    write_notes(notes, {f"{solutions}/query_cache/README.md": _primer_solution("query_cache"),
                         "scratch.md": "# Scratch\n\nBuy milk. Call the dentist about Tuesday.\n"})
    incremental = Config(notes_dir=notes, index_dir=tmp_path / "incremental")
    ingest(incremental, encoder)
    first = {p.id for p in read_index(incremental.index_dir).passages}

    note = notes / "system-design.md"
    edited = note.read_text(encoding="utf-8").replace(
        "Pagination (cursor vs offset)", "Pagination (cursor vs offset; keyset pagination for deep pages)")
    assert edited != note.read_text(encoding="utf-8")
    note.write_text(edited, encoding="utf-8")
    (notes / "scratch.md").unlink()
    write_notes(notes, {f"{solutions}/social_graph/README.md": _primer_solution("social_graph")})
    report = ingest(incremental, encoder)

    full = incremental.with_(index_dir=tmp_path / "full")
    ingest(full, encoder, rebuild=True)
    incremental_data, full_data = read_index(incremental.index_dir), read_index(full.index_dir)
    _assert_same_index(incremental_data, full_data)

    new_ids = [p.id for p in full_data.passages if p.id not in first]
    edited_ids = [p.id for p in full_data.passages if p.id not in first and p.doc == "system-design.md"]
    assert report.changes == Changes(added=[f"{solutions}/social_graph/README.md"], changed=["system-design.md"],
                                     removed=["scratch.md"])
    assert len(edited_ids) == 1
    assert (report.embedded, report.reused) == (len(new_ids), len(full_data.passages) - len(new_ids))

    questions = ["Should pagination use a cursor or an offset?", "How does the query cache evict results?",
                 "How do we find the shortest path between two people in the social graph?"]
    answers = []
    for question in questions:
        a = Asker(incremental, encoder, incremental_data).ask(question)
        b = Asker(full, encoder, full_data).ask(question)
        assert (a.text, [h.passage.id for h in a.hits]) == (b.text, [h.passage.id for h in b.hits]), question
        assert not a.abstained, question
        answers.append(a.text)
    assert "keyset pagination for deep pages" in answers[0]  # the edit itself is what answers


class _Reversed:
    """Another 'model': the fake's vectors with columns reversed, so mixed vectors would show."""

    def __init__(self, model):
        self.model = model

    def encode(self, texts, **kwargs):
        return self.model.encode(texts, **kwargs)[:, ::-1].copy()


def test_changing_the_model_rebuilds_and_says_which_model_built_the_index(small: Config, fake_encoder: Encoder):
    """Vectors of two models live in different spaces: one must never be reused for the other."""
    ingest(small, fake_encoder)
    other = Encoder(name="fake-hash-64-reversed", model=_Reversed(fake_encoder.model), dim=64)

    report = ingest(small.with_(model=other.name), other)

    assert report.reason == ("index built with 'fake-hash-64', encoder is 'fake-hash-64-reversed': rebuilding, "
                             "never mixing vectors")
    assert report.reason in report.summary()
    assert (report.wrote, report.embedded, report.reused) == (True, 6, 0)
    data = read_index(small.index_dir)
    assert data.manifest.model == "fake-hash-64-reversed"
    assert np.array_equal(data.vectors, other.encode([passage_document(p) for p in data.passages]))
    assert np.array_equal(data.unit_vectors, other.encode([u.text for p in data.passages for u in p.units]))


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=REPO, env={**env, "HF_HUB_OFFLINE": "1"},
                          capture_output=True, text=True, timeout=120)


def test_dry_run_lists_what_would_change_and_writes_nothing(small: Config, fake_encoder: Encoder):
    """--dry-run answers 'what would an ingest do' without touching the index it inspects."""
    ingest(small, fake_encoder)
    (small.notes_dir / "caching.md").write_text(NOTES["caching.md"] + "\nTTLs bound staleness.\n", encoding="utf-8")
    (small.notes_dir / "replication.md").write_text(NEW_NOTE, encoding="utf-8")
    (small.notes_dir / "sharding.md").unlink()
    before = _snapshot(small.index_dir)

    run = _cli("--notes", str(small.notes_dir), "--index", str(small.index_dir), "--dry-run")

    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == ("would add: replication.md\n"
                          "would change: caching.md\n"
                          "would remove: sharding.md\n"
                          "1 note changed, 1 note added, 1 note removed since the last ingest\n")
    assert _snapshot(small.index_dir) == before


def test_dry_run_without_an_index_says_so_and_creates_no_folder(small: Config):
    """A dry run is safe to try first, even before the first ingest."""
    run = _cli("--notes", str(small.notes_dir), "--index", str(small.index_dir), "--dry-run")

    assert run.returncode == 0
    assert run.stdout == f"no index in {small.index_dir}\nwould index 3 notes from scratch\n"
    assert not small.index_dir.exists()


def test_ingest_and_rebuild_never_write_into_the_notes_folder(small: Config, fake_encoder: Encoder):
    """The notes are the user's: no lock file, cache or touched mtime may appear among them."""
    before = _snapshot(small.notes_dir)
    ingest(small, fake_encoder)
    ingest(small, fake_encoder)
    ingest(small, fake_encoder, rebuild=True)
    Asker.load(small, fake_encoder).reingest(rebuild=True)
    assert _snapshot(small.notes_dir) == before
    assert re.fullmatch(r"[0-9a-f]{64}", read_index(small.index_dir).manifest.notes["caching.md"])


def test_a_note_that_becomes_unreadable_keeps_its_last_good_passages(small: Config, fake_encoder: Encoder):
    """Losing nothing: a note saved in the wrong encoding is skipped with a warning, not dropped."""
    ingest(small, fake_encoder)
    before = {p.id for p in read_index(small.index_dir).passages}
    victim = sorted(small.notes_dir.rglob("*.md"))[0]
    victim.write_bytes(victim.read_bytes() + "\ncaf\xe9\n".encode("latin-1"))
    other = sorted(small.notes_dir.rglob("*.md"))[-1]
    other.write_text(other.read_text(encoding="utf-8") + "\n\n## New\nA brand new section.\n", encoding="utf-8")

    report = ingest(small, fake_encoder)

    after = {p.id for p in read_index(small.index_dir).passages}
    assert report.wrote and victim.relative_to(small.notes_dir).as_posix() in report.skipped
    assert before <= after and len(after) == len(before) + 1


def test_a_changed_splitter_version_splits_unchanged_notes_again(small: Config, fake_encoder: Encoder):
    ingest(small, fake_encoder)
    from ingest.store import write_index
    data = read_index(small.index_dir)
    write_index(small.index_dir, replace(data.manifest, splitter=1), data.passages, data.vectors, data.unit_vectors)

    report = ingest(small, fake_encoder)

    assert report.wrote and report.changes.resplit and report.embedded == 0
