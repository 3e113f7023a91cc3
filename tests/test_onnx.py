"""Questions are embedded by the model's ONNX export: the same vectors, and a server without torch."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ask import Asker
from ingest import Config, Encoder, OnnxEncoder, ingest, load_exported_encoder, read_index
from ingest import onnx as exports
from ingest.encoder import pool_spans

from helpers import BUNDLED_NOTES, REPO, clean_env

MODEL = "all-MiniLM-L6-v2"
TEXTS = ["why is kafka fast if it writes to disk", "CAP", "consistent hashing " * 200]  # the last is truncated


@pytest.fixture(scope="module")
def cache(tmp_path_factory, encoder: Encoder) -> Path:
    """An export of the real model, made once for this module."""
    folder = tmp_path_factory.mktemp("onnx-cache")
    exports.export(encoder, folder / exports.export_key(MODEL))
    return folder


def test_the_export_embeds_questions_as_the_model_does(cache: Path, encoder: Encoder):
    queries = load_exported_encoder(MODEL, cache)
    assert isinstance(queries, OnnxEncoder)
    assert (queries.name, queries.dim) == (encoder.name, encoder.dim)
    for text in TEXTS:
        assert np.abs(queries.encode_query(text) - encoder.encode_query(text)).max() < 1e-5
    batch = queries.encode(TEXTS)  # padded together, shortest first
    assert np.abs(batch - encoder.encode(TEXTS)).max() < 1e-5
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("cores", [1, 2])  # 2: passages run side by side, one single-thread run per core
def test_an_ingest_through_the_export_gives_the_model_s_own_vectors(cache: Path, bundled_asker,
                                                                             tmp_path: Path, monkeypatch, cores: int):
    monkeypatch.setattr(exports, "_cores", lambda: cores)
    sessions = []
    new_session = OnnxEncoder._new_session
    monkeypatch.setattr(OnnxEncoder, "_new_session", lambda self, threads: sessions.append(threads)
                        or new_session(self, threads))
    queries = load_exported_encoder(MODEL, cache)
    config = Config(notes_dir=BUNDLED_NOTES, index_dir=tmp_path / "index")
    ingest(config, queries)
    assert sessions[1:] == ([] if cores == 1 else [1])  # after the questions' session: the passages', one thread
    ours, theirs = read_index(config.index_dir), bundled_asker.data  # theirs: built with the model alone
    assert ours.manifest.model == theirs.manifest.model == MODEL
    assert [p.id for p in ours.passages] == [p.id for p in theirs.passages]
    assert np.abs(np.asarray(ours.vectors) - np.asarray(theirs.vectors)).max() < 1e-5
    assert np.abs(np.asarray(ours.unit_vectors) - np.asarray(theirs.unit_vectors)).max() < 1e-5
    answer = Asker.load(config, queries).ask("why is kafka fast if it writes to disk")
    assert not answer.abstained and answer.sources[0].passage.doc == "system-design.md"


def test_progress_reaches_the_end_only_when_every_sentence_is_embedded():
    """Short sentences are embedded alone chunk by chunk: progress at 100% means done."""
    events = []
    documents = [f"Passage {i} says this. A short one." for i in range(130)]  # three chunks of up to 64

    def token_states(texts):  # a token per character, so a sentence's span is its characters
        return [(np.ones((len(t), 4), np.float32), np.array([[k, k + 1] for k in range(len(t))])) for t in texts]

    def alone(texts):
        events.append("alone")
        return np.ones((len(texts), 4), np.float32)
    pool_spans(documents, [d.split(" A ") for d in documents], 4, token_states, alone,
               lambda done, total: events.append((done, total)))
    assert events == ["alone", (64, 130), "alone", (128, 130), "alone", (130, 130)]


def test_the_cores_counted_are_the_process_s_or_the_machine_s_where_that_is_not_known(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    if hasattr(exports.os, "sched_getaffinity"):
        monkeypatch.setattr(exports.os, "sched_getaffinity", lambda pid: {0, 3, 5})
        assert exports._cores() == 3
        monkeypatch.delattr(exports.os, "sched_getaffinity")  # macOS and Windows have none
    monkeypatch.setattr(exports.os, "cpu_count", lambda: 8)
    assert exports._cores() == 8
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert exports._cores() == 2


def test_a_damaged_export_is_made_again(cache: Path, tmp_path: Path, monkeypatch):
    folder = tmp_path / "cache" / exports.export_key(MODEL)
    folder.mkdir(parents=True)
    (folder / "export.json").write_text(json.dumps({"dim": 384, "inputs": ["input_ids"], "max_tokens": 256}))
    (folder / "model.onnx").write_bytes(b"not a model")
    made = []

    def export_again(name, target):  # the real export is tested above; here, that it is asked for
        made.append(target)
        shutil.rmtree(target)
        shutil.copytree(cache / exports.export_key(MODEL), target)
    monkeypatch.setattr(exports, "export_in_a_child", export_again)
    queries = load_exported_encoder(MODEL, tmp_path / "cache")
    assert made == [folder] and isinstance(queries, OnnxEncoder)
    assert queries.encode_query(TEXTS[0]).shape == (384,)


def test_a_model_that_cannot_be_exported_is_served_by_the_model_itself(tmp_path: Path, monkeypatch):
    def refuse(name, folder):
        raise RuntimeError("this model's layers cannot be exported")
    monkeypatch.setattr(exports, "export_in_a_child", refuse)
    served = load_exported_encoder(MODEL, tmp_path / "cache")
    assert isinstance(served, Encoder) and served.name == MODEL
    assert not (tmp_path / "cache" / exports.export_key(MODEL)).exists()


def test_an_export_that_disagrees_with_the_model_is_not_kept(tmp_path: Path, encoder: Encoder, monkeypatch):
    monkeypatch.setattr(exports, "AGREEMENT", -1.0)  # no export can agree this closely
    with pytest.raises(ValueError, match="differ from the model's"):
        exports.export(encoder, tmp_path / "cache" / "key")
    assert list((tmp_path / "cache").iterdir()) == []  # nothing half-written left behind


def test_a_first_start_exports_in_a_child_and_neither_ingest_nor_the_app_imports_torch(tmp_path: Path):
    """The point of the export: half the memory, a cold start that does not wait for torch, and an
    ingest that does not bring it back; on a machine with nothing on disk, a child process exports."""
    script = (
        "import sys; from pathlib import Path; from ingest import Config, ingest; from ask.chat import NotesChat\n"
        f"config = Config(notes_dir=Path({str(BUNDLED_NOTES)!r}), index_dir=Path({str(tmp_path / 'index')!r}))\n"
        "report = ingest(config)\n"
        "chat = NotesChat(config)\n"
        "answer = chat.asker.ask('why is kafka fast if it writes to disk')\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules)\n"
        "print(report.embedded, type(chat.encoder).__name__, answer.abstained, heavy)\n")
    xdg = tmp_path / "xdg"  # empty: the export is made first
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env=clean_env(XDG_CACHE_HOME=str(xdg), PYTHONPATH=str(REPO)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "17 OnnxEncoder False []"
    assert (xdg / "ask-my-notes" / "onnx" / exports.export_key(MODEL) / "model.onnx").is_file()


def test_a_new_export_prunes_all_but_the_exports_used_last(cache: Path, tmp_path: Path, monkeypatch):
    """Each export is ~90 MB, and each fresh install of the model's package makes a new one: the cache
    keeps the new export and the two used last, and never touches what is not an export."""
    root = tmp_path / "onnx"
    made = cache / exports.export_key(MODEL)
    shutil.copytree(made, root / made.name)  # the export in use
    stale = []
    for age, name in enumerate(["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc", "dddddddddddddddd"]):
        old = root / name
        old.mkdir()
        (old / "export.json").write_text("{}", encoding="utf-8")
        os.utime(old, (1_000_000 - age * 1000, 1_000_000 - age * 1000))  # aaaa… used last
        stale.append(old)
    (root / "notes-of-mine").mkdir()  # not an export's name
    assert load_exported_encoder(MODEL, cache=root).dim == 384  # found: nothing pruned
    assert all(path.exists() for path in stale)
    made_again = root / exports.export_key(MODEL)
    shutil.rmtree(made_again)
    monkeypatch.setattr(exports, "export_in_a_child", lambda name, folder: shutil.copytree(made, folder))
    assert load_exported_encoder(MODEL, cache=root).dim == 384
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [made_again.name, "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "notes-of-mine"])
