"""The read side as one object: encoder and index loaded once, answers per question."""
from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from ingest import (
    Config,
    Embedder,
    IndexData,
    IndexUnusable,
    IndexWriteFailed,
    IngestBusy,
    IngestReport,
    NoteHashes,
    counted,
    diff_notes,
    ingest,
    load_exported_encoder,
    read_index,
    wikilinks_as_words,
)

from .abstain import PROBES, answerability, assess, probe_bar, probe_vectors
from .answer import Answer, compose_answer
from .followup import is_small_talk, standalone_question
from .overview import asks_for_overview, overview
from .retrieve import Retriever
from .terms import terms, topic
from .tuning import Tuning


class QuestionError(ValueError):
    pass


class IndexMismatch(IndexUnusable):
    pass


class Asker:
    """Answers from the last good index; reingest() swaps in the new one in a single assignment,
    so a question asked during a re-ingest is answered from the old index, never a mix."""

    def __init__(self, config: Config, encoder: Embedder, data: IndexData, tuning: Tuning = Tuning()):
        self.config, self.encoder, self.tuning = config, encoder, tuning
        self._current = self._serve(data)
        self._note_hashes = NoteHashes()
        self._status: tuple[float, str] = (0.0, "")

    def with_tuning(self, tuning: Tuning) -> Asker:
        """The same index and encoder, other constants (bench.levers): nothing is rebuilt."""
        other = copy.copy(self)
        other.tuning = tuning
        data, retriever, _ = self._current
        retuned = retriever.with_tuning(tuning)
        other._current = (data, retuned, other._bar(retuned))
        return other

    @classmethod
    def load(cls, config: Config, encoder: Embedder | None = None) -> Asker:
        """Open the existing index; raises IndexMissing, IndexCorrupt or IndexMismatch."""
        encoder = encoder or load_exported_encoder(config.model)
        return cls(config, encoder, _checked(read_index(config.index_dir), encoder))

    @classmethod
    def open(cls, config: Config, encoder: Embedder | None = None,
             on_progress: Callable[[int, int, str], None] | None = None) -> tuple[Asker, IngestReport]:
        """Bring the index up to date with the notes (building it if missing, stale or damaged), then load it."""
        encoder = encoder or load_exported_encoder(config.model)
        report = ingest(config, encoder, on_progress=on_progress)
        return cls(config, encoder, report.data), report

    @classmethod
    def serve(cls, config: Config, encoder: Embedder | None = None,
              on_progress: Callable[[int, int, str], None] | None = None) -> tuple[Asker, str]:
        """An Asker to serve questions with, and a line saying how it was opened. Neither another
        ingest nor a folder that cannot be written stops serving: the last good index answers, and when
        there is none and index_dir is read-only, the index is built in config.fallback_index_dir.
        Raises NoNotes, or the write or index error when there is nothing to serve."""
        encoder = encoder or load_exported_encoder(config.model)
        try:
            asker, report = cls.open(config.with_(lock_timeout=0), encoder, on_progress)  # serving beats waiting
            asker.config = config
            return asker, report.summary()
        except IngestBusy as busy:
            try:
                return cls.load(config, encoder), f"{busy}; serving the last good index meanwhile"
            except IndexUnusable:
                raise busy from None
        except IndexWriteFailed as failed:
            try:
                return cls.load(config, encoder), f"{failed}; serving the index as it was last built"
            except IndexUnusable:
                if config.fallback_index_dir is None or config.fallback_index_dir == config.index_dir:
                    raise failed from None
            fallback = config.with_(index_dir=config.fallback_index_dir)
            asker, report = cls.open(fallback, encoder, on_progress)
            return asker, (f"{config.index_dir} cannot be written, so the index was built in "
                           f"{fallback.index_dir} instead: {report.summary()}")

    @property
    def data(self) -> IndexData:
        return self._current[0]

    def ask(self, question: str, previous: str | None = None, vector: np.ndarray | None = None) -> Answer:
        """Answer one question; previous is the last question of the chat, for follow-ups; vector, the
        question's embedding when it was made already (a batch of example questions)."""
        started = time.perf_counter()
        typed, notice = self._checked_question(question)
        question = wikilinks_as_words(typed)  # "what is a [[CRDT]]?" is searched as the notes are: "CRDT"
        data, retriever, bar = self._current
        if asks_for_overview(question):
            return Answer(typed, abstained=False, notice=notice, looked_up=False, overview=overview(data.passages),
                          latency_ms=(time.perf_counter() - started) * 1000)
        search_text = standalone_question(question, previous)
        if not terms(search_text) or is_small_talk(search_text):  # "thanks!"; "why?" with nothing before
            return Answer(typed, abstained=True, notice=notice, looked_up=False,
                          reason="There is nothing in that to look up: ask about something your notes cover.",
                          latency_ms=(time.perf_counter() - started) * 1000)
        # in a follow-up ("and in Redis?") the new words must be present; the old ones set the context
        word_text = question if search_text != question and terms(question) else search_text
        suggestion = retriever.vocabulary.suggest(question) or ""
        if suggestion:  # a misspelt word finds nothing: search as the notes spell it
            def spelt(text: str) -> str:  # the question's spelling is known; a follow-up's joined text is not
                return suggestion if text == question else retriever.vocabulary.suggest(text) or text
            search_text, word_text = spelt(search_text), spelt(word_text)
        embedded = topic(search_text)
        if vector is None or embedded != typed:  # vector: the question's own, when it was made already
            vector = self.encoder.encode_query(embedded)
        hits = retriever.search(search_text, vector, self.config.top_k, words=terms(word_text))
        answer = compose_answer(search_text, hits, self.tuning)
        coverage = assess(word_text, hits, answer.matching, retriever.vocabulary, self.tuning)
        answer = answer.judged(coverage, bar, self.tuning.weak_band)
        searched = search_text if search_text != typed else ""
        return replace(answer, question=typed, notice=notice, searched=searched, suggestion=suggestion,
                       latency_ms=(time.perf_counter() - started) * 1000)

    def reingest(self, on_progress: Callable[[int, int, str], None] | None = None,
                 rebuild: bool = False) -> IngestReport:
        """Update the index from the notes and switch to it once complete; raises IngestBusy."""
        report = ingest(self.config, self.encoder, rebuild=rebuild, on_progress=on_progress)
        if report.data.manifest.generation != self.data.manifest.generation:  # new, or written by the CLI
            self._current = self._serve(report.data)
        self._status = (0.0, "")
        return report

    def bar(self) -> float:
        """The answerability below which the notes are said not to cover a question: fixed, or set just
        above where unrelated questions (ask/probes.txt) score against this index."""
        return self._current[2]

    def _serve(self, data: IndexData) -> tuple[IndexData, Retriever, float]:
        """The index, its retriever, and its bar: set once per index, not per question."""
        retriever = Retriever(data, self.tuning)
        return data, retriever, self._bar(retriever)

    def _bar(self, retriever: Retriever) -> float:
        t = self.tuning
        if t.bar == "fixed":
            return t.min_answerability
        scores = [answerability(retriever.search(q, v, t.answer_passages), t)
                  for q, v in zip(PROBES, probe_vectors(self.encoder))]
        return probe_bar(scores, t)

    def status(self, max_age: float = 2.0) -> str:
        """One line: notes, passages, model, when built, and what changed in the notes since.
        Computed at most every max_age seconds, however many pages ask; a note is re-read only when
        its size or mtime changed."""
        checked_at, line = self._status
        if time.monotonic() - checked_at < max_age and line:
            return line
        manifest = self.data.manifest
        line = (f"{counted(len(manifest.notes), 'note')} · {counted(manifest.passage_count, 'passage')} · "
                f"{manifest.model} · built {_ago(manifest.built_at)}")
        try:
            notes = self._note_hashes.current(self.config.notes_dir, self.config.follow_symlinks)
            changes = diff_notes(notes, manifest, self.config)
            if changes.any:
                line += f" · ⚠ {changes.summary()}: press Re-ingest notes"
        except FileNotFoundError as error:
            line += f" · ⚠ {error}"
        self._status = (time.monotonic(), line)
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


def _checked(data: IndexData, encoder: Embedder) -> IndexData:
    mismatch = data.manifest.unusable_with(encoder.name, encoder.dim)
    if mismatch:
        raise IndexMismatch(mismatch)
    return data


def _ago(iso_time: str) -> str:
    """'just now', '5 min ago', '3 h ago', '2 days ago': the same in every reader's time zone."""
    try:
        seconds = (datetime.now(UTC) - datetime.fromisoformat(iso_time)).total_seconds()
    except ValueError:
        return iso_time
    for unit, size in (("day", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if unit == 'day' and n > 1 else ''} ago"
    return "just now"
