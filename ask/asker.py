"""The read side as one object: encoder and index loaded once, answers per question."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

from ingest import (Config, Encoder, IndexData, IngestReport, IndexUnusable, counted, index_status, ingest,
                    load_encoder, read_index, read_manifest)

from .abstain import assess
from .answer import Answer, compose_answer
from .followup import standalone_question
from .retrieve import Retriever
from .terms import terms


class QuestionError(ValueError):
    pass


class IndexMismatch(IndexUnusable):
    pass


class Asker:
    """Answers from the last good index; reload() swaps in a new one in a single assignment,
    so a question asked during a re-ingest is answered from the old index, never a mix."""

    def __init__(self, config: Config, encoder: Encoder, data: IndexData):
        self.config, self.encoder = config, encoder
        self._current = (data, Retriever(data))
        self._reload_lock = threading.Lock()

    @classmethod
    def load(cls, config: Config, encoder: Encoder | None = None) -> "Asker":
        """Open the existing index; raises IndexMissing, IndexCorrupt or IndexMismatch."""
        encoder = encoder or load_encoder(config.model)
        return cls(config, encoder, _checked(read_index(config.index_dir), encoder))

    @classmethod
    def open(cls, config: Config, encoder: Encoder | None = None,
             on_progress: Callable[[int, int, str], None] | None = None) -> tuple["Asker", IngestReport]:
        """Bring the index up to date with the notes (building it if missing, stale or damaged), then load it."""
        encoder = encoder or load_encoder(config.model)
        report = ingest(config, encoder, on_progress=on_progress)
        return cls.load(config, encoder), report

    @property
    def data(self) -> IndexData:
        return self._current[0]

    def ask(self, question: str, previous: str | None = None) -> Answer:
        """Answer one question; previous is the last question of the chat, for follow-ups."""
        started = time.perf_counter()
        question, notice = self._checked_question(question)
        data, retriever = self._current
        search_text = standalone_question(question, previous)
        vector = self.encoder.encode_query(search_text)
        # in a follow-up ("and in Redis?") the new words must be present; the old ones set the context
        word_text = question if search_text != question and terms(question) else search_text
        hits = retriever.search(word_text, vector, self.config.top_k)
        answer = compose_answer(search_text, vector, hits, data, retriever.unit_terms)
        answer = answer.judged(assess(word_text, hits, [q.text for q in answer.quotes], retriever.vocabulary))
        return replace(answer, question=question, notice=notice,
                       latency_ms=(time.perf_counter() - started) * 1000)

    def reingest(self, on_progress: Callable[[int, int, str], None] | None = None,
                 rebuild: bool = False) -> IngestReport:
        """Update the index from the notes and switch to it once complete; raises IngestBusy."""
        report = ingest(self.config, self.encoder, rebuild=rebuild, on_progress=on_progress)
        if report.wrote or self.data.manifest.get("generation") != _generation(self.config):
            self.reload()
        return report

    def reload(self) -> None:
        with self._reload_lock:
            data = _checked(read_index(self.config.index_dir), self.encoder)
            self._current = (data, Retriever(data))

    def status(self) -> str:
        """One line: notes, passages, model, built at, and what changed in the notes since."""
        manifest = self.data.manifest
        line = (f"{counted(len(manifest['notes']), 'note')} · {counted(manifest['passage_count'], 'passage')} · "
                f"{manifest['model']} · built {manifest['built_at']}")
        _, changes, problem = index_status(self.config)
        if problem:
            return f"{line} · ⚠ {problem}"
        if changes is not None and changes.any:
            return f"{line} · ⚠ {changes.summary()}: press Re-ingest notes"
        return line

    def _checked_question(self, question: str) -> tuple[str, str]:
        question = (question or "").strip()
        if not question:
            raise QuestionError("Type a question first.")
        limit = self.config.max_question_chars
        if len(question) > limit:
            return question[:limit], (f"Your question was {len(question):,} characters; "
                                      f"only the first {limit:,} were used.")
        return question, ""


def _checked(data: IndexData, encoder: Encoder) -> IndexData:
    built = (data.manifest.get("model"), data.manifest.get("dim"))
    if built != (encoder.name, encoder.dim):
        raise IndexMismatch(f"index built with {built[0]!r} ({built[1]} dims), encoder is {encoder.name!r} "
                            f"({encoder.dim} dims); run: python -m ingest --rebuild")
    return data


def _generation(config: Config) -> str | None:
    """The generation on disk, which another process (the CLI) may have written."""
    try:
        return read_manifest(config.index_dir).get("generation")
    except IndexUnusable:
        return None
