"""The chat behind the web page: one Asker (or none yet), replies, re-ingest and status."""
from __future__ import annotations

from collections.abc import Callable

from ingest import Config, Encoder, IngestBusy, IndexUnusable, NoNotes, load_encoder

from .asker import Asker
from .examples import example_questions
from .export import answer_json
from .render import answer_markdown, sources_markdown

NO_NOTES = ("**No notes yet.** Put Markdown files (`.md`) in `{notes}` (or set `QA_NOTES_DIR`), "
            "then press **Re-ingest notes**.")


class NotesChat:
    """Everything app.py calls; raises QuestionError for a bad question, the edge shows it."""

    def __init__(self, config: Config, encoder: Encoder | None = None):
        self.config = config
        self.encoder = encoder or load_encoder(config.model)
        self.asker: Asker | None = None
        self.startup = ""
        try:
            self.asker, report = Asker.open(config, self.encoder)
            self.startup = f"On start: {report.summary()}"
            if report.skipped:
                self.startup += " · skipped: " + "; ".join(f"{d} ({why})" for d, why in report.skipped.items())
        except NoNotes as error:
            self.startup = f"{error}"
        except IngestBusy as error:  # another process is ingesting: serve the last good index meanwhile
            self.asker = _load_or_none(config, self.encoder)
            self.startup = str(error)

    def reply(self, question: str, history: list[dict]) -> tuple[list[dict], str]:
        """The conversation with the new turn appended, and the sources panel."""
        if self.asker is None:
            message = NO_NOTES.format(notes=self.config.notes_dir)
            return [*history, {"role": "user", "content": question}, {"role": "assistant", "content": message}], ""
        previous = next((m["content"] for m in reversed(history) if m.get("role") == "user"), None)
        answer = self.asker.ask(question, previous=previous if isinstance(previous, str) else None)
        turn = [{"role": "user", "content": question}, {"role": "assistant", "content": answer_markdown(answer)}]
        return [*history, *turn], sources_markdown(answer)

    def api_answer(self, question: str) -> dict:
        if self.asker is None:
            return {"error": NO_NOTES.format(notes=self.config.notes_dir)}
        return answer_json(self.asker.ask(question))

    def reingest(self, on_progress: Callable[[int, int, str], None] | None = None) -> str:
        try:
            if self.asker is None:
                self.asker, report = Asker.open(self.config, self.encoder, on_progress=on_progress)
            else:
                report = self.asker.reingest(on_progress=on_progress)
        except NoNotes:
            return NO_NOTES.format(notes=self.config.notes_dir)
        except IngestBusy as error:
            return f"⚠ {error}"
        skipped = "".join(f"\n- ⚠ skipped `{doc}`: {why}" for doc, why in report.skipped.items())
        return f"Re-ingested: {report.summary()}{skipped}"

    def status(self) -> str:
        if self.asker is None:
            return NO_NOTES.format(notes=self.config.notes_dir)
        return self.asker.status()

    def examples(self) -> list[str]:
        return example_questions(self.asker.data) if self.asker else []


def _load_or_none(config: Config, encoder: Encoder) -> Asker | None:
    try:
        return Asker.load(config, encoder)
    except IndexUnusable:
        return None
