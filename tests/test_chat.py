"""The page's behaviour without the browser: no notes yet, and answering during a re-ingest."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from ask import Asker
from ask.chat import NotesChat
from ingest import Config, Encoder


def test_empty_notes_folder_says_how_to_add_notes_then_reingest_serves_them(tmp_path: Path, fake_encoder):
    notes = tmp_path / "notes"
    notes.mkdir()
    chat = NotesChat(Config(notes_dir=notes, index_dir=tmp_path / "index"), fake_encoder)
    assert chat.status() == ("No notes yet. Put Markdown files (.md) in the notes folder (or set QA_NOTES_DIR), "
                             "then press Re-ingest notes.")
    reply = chat.reply("kafka?", [])
    assert "No notes yet" in reply.history[-1]["content"]

    (notes / "kafka.md").write_text("# Kafka\nKafka keeps an ordered log per partition.\n", encoding="utf-8")
    assert chat.reingest().startswith("Ingested: 1 note, 1 passage (1 embedded, 0 reused)")
    reply = chat.reply("kafka ordered log partition", [])
    assert "Kafka keeps an ordered log per partition" in reply.history[-1]["content"]
    assert "kafka.md › Kafka" in reply.sources


class _SlowModel:
    """The fake model, but each batch takes a while: a re-ingest stays in progress."""

    def __init__(self, model, started: threading.Event):
        self.model, self.started = model, started

    def encode(self, texts, **kwargs):
        if len(texts) > 1:
            self.started.set()
            time.sleep(1.5)
        return self.model.encode(texts, **kwargs)


def test_questions_during_a_reingest_are_answered_from_the_last_good_index(config: Config, fake_encoder):
    started = threading.Event()
    slow = Encoder(fake_encoder.name, _SlowModel(fake_encoder.model, started), fake_encoder.dim)
    asker, _ = Asker.open(config, slow)
    old_generation = asker.data.manifest.generation
    note = config.notes_dir / "system-design.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n# Zanzibar\nZookies are consistency tokens.\n",
                    encoding="utf-8")

    worker = threading.Thread(target=asker.reingest)
    worker.start()
    assert started.wait(30)
    during = asker.ask("zookies consistency tokens")
    assert worker.is_alive() and asker.data.manifest.generation == old_generation
    assert "Zookies" not in during.text
    worker.join(60)

    after = asker.ask("zookies consistency tokens")
    assert asker.data.manifest.generation != old_generation
    assert "Zookies are consistency tokens." in after.text
