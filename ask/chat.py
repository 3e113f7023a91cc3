"""The chat behind the web page: one Asker (or none yet), replies, re-ingest, status and examples.

Everything it returns for the page is HTML built by ask.render (escaped, safe to show), and no
message shows a server path: the folders are named by their role ("the notes folder").
"""
from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ingest import (
    Config,
    Embedder,
    IndexUnusable,
    IndexWriteFailed,
    IngestBusy,
    NoNotes,
    counted,
    load_exported_encoder,
    read_note,
    resolve_note,
)

from .answer import Answer
from .asker import Asker, QuestionError
from .examples import example_questions
from .export import answer_json
from .followup import last_topic
from .limits import RateLimiter
from .pages import note_page_html, notes_page_html
from .render import answer_html, escape, question_html, sources_html

NO_NOTES = ("No notes yet. Put Markdown files (.md) in the notes folder (or set QA_NOTES_DIR), "
            "then press Re-ingest notes.")
MAX_MESSAGES = 40  # the conversation kept: each request carries it, so it stays bounded


PAGE_CHARS = 100_000               # a note page costs one token, and one more per this many characters
PAGE_CHARS_PER_MINUTE = 6_000_000  # rendered for one visitor: six 1 MB notes, or sixty small ones


class NotAllowed(PermissionError):
    """A visitor may not do this now (no admin token, too many questions); the message says why."""


@dataclass(frozen=True)
class Reply:
    history: list[dict]      # the conversation, the new turn appended
    sources: str             # the side panel's HTML
    asked: list[str]         # the questions asked so far, as typed: what follow-ups resolve against
    answer: Answer | None = None


class NotesChat:
    """Everything app.py calls; raises QuestionError or NotAllowed, the edge shows them."""

    def __init__(self, config: Config, encoder: Embedder | None = None):
        self.config = config
        self.encoder = encoder or load_exported_encoder(config.model)
        self.asker: Asker | None = None
        self._resolver: tuple[str, Callable[[str], str | None]] = ("-", lambda target: None)
        self.limiter = RateLimiter(config.questions_per_minute, burst=max(5, config.questions_per_minute // 3))
        self.page_limiter = RateLimiter(PAGE_CHARS_PER_MINUTE // PAGE_CHARS)  # in units of PAGE_CHARS rendered
        try:
            self.asker, how = Asker.serve(config, self.encoder)  # its config says where it re-ingests
            self.startup = self.public(f"On start: {how}")
        except (NoNotes, IngestBusy, IndexWriteFailed, IndexUnusable) as error:
            self.startup = self.public(NO_NOTES if isinstance(error, NoNotes) else f"⚠ {error}")
        self._examples = self._draw_examples()

    def reply(self, question: object, history: list[dict], asked: list[str] | None = None,
              client: str = "") -> Reply:
        """The conversation with the new turn appended, the sources panel and the questions asked.
        asked: this visitor's earlier questions, kept by the page; a follow-up ("and the docs link?")
        is searched together with the last of them."""
        question = _text(question)
        self._admit(client)
        asked = [q for q in (asked or []) if isinstance(q, str)]
        history = list(history or [])[-(MAX_MESSAGES - 2):]
        if self.asker is None:
            turn = [{"role": "user", "content": question_html(question)},
                    {"role": "assistant", "content": f"<p>{escape(self.public(NO_NOTES))}</p>"}]
            return Reply([*history, *turn], sources_html(None), asked)
        answer = self.asker.ask(question, previous=last_topic(asked))
        resolve = self.resolver()
        turn = [{"role": "user", "content": question_html(answer.question)},
                {"role": "assistant", "content": answer_html(answer, resolve)}]
        return Reply([*history, *turn], sources_html(answer, resolve), [*asked, answer.question][-MAX_MESSAGES:],
                     answer)

    def api_answer(self, question: object, client: str = "") -> dict:
        question = _text(question)
        self._admit(client)
        if self.asker is None:
            raise QuestionError(self.public(NO_NOTES))
        return answer_json(self.asker.ask(question))

    def reingest(self, token: object = "", on_progress: Callable[[int, int, str], None] | None = None) -> str:
        """One line for the page: what the re-ingest did, or why it could not."""
        if self.config.admin_token and not (isinstance(token, str) and
                                            hmac.compare_digest(token.encode(), self.config.admin_token.encode())):
            raise NotAllowed("Re-ingesting needs the admin token (QA_ADMIN_TOKEN) of this app.")
        try:
            if self.asker is None:
                self.asker, how = Asker.serve(self.config, self.encoder, on_progress=on_progress)
                message = f"Ingested: {how}"
            else:
                report = self.asker.reingest(on_progress=on_progress)
                skipped = f" · skipped {counted(len(report.skipped), 'note')}: " + "; ".join(
                    f"{doc} ({why})" for doc, why in report.skipped.items()) if report.skipped else ""
                message = f"Re-ingested: {report.summary()}{skipped}"
        except NoNotes:
            return self.public(NO_NOTES)
        except (IngestBusy, IndexWriteFailed, IndexUnusable) as error:
            return self.public(f"⚠ {error}")
        self._examples = self._draw_examples()
        return self.public(message)

    def status(self) -> str:
        if self.asker is None:
            return self.public(NO_NOTES)
        return self.public(self.asker.status())

    def examples(self) -> list[str]:
        return list(self._examples)

    def resolver(self) -> Callable[[str], str | None]:
        """[[wikilink]] target -> the indexed note it names, for the index being served."""
        generation = self.asker.data.manifest.generation if self.asker else ""
        if self._resolver[0] != generation:
            docs = sorted({p.doc for p in self.asker.data.passages}) if self.asker else []
            self._resolver = (generation, lru_cache(maxsize=4096)(lambda target: resolve_note(target, docs)))
        return self._resolver[1]

    def note_page(self, doc: str, lines: tuple[int, int] | None, client: str = "local") -> str:
        """The note, rendered, if the index holds it; raises FileNotFoundError otherwise, and NotAllowed
        when this visitor has had its share of rendering (a 2 MB note takes about a second)."""
        if self.asker is None or doc not in self.asker.data.manifest.notes:
            raise FileNotFoundError(f"no note {doc!r} in the index")
        text = read_note(self.config.notes_dir, doc, self.config.follow_symlinks)
        wait = self.page_limiter.wait(client or "local", 1 + len(text) / PAGE_CHARS)
        if wait:
            raise NotAllowed(f"Too many note pages from your address: open it again in {max(1, round(wait))} s.")
        return note_page_html(doc, text, lines, self.resolver())

    def notes_page(self) -> str:
        if self.asker is None:
            raise FileNotFoundError(self.public(NO_NOTES))
        return notes_page_html(self.asker.data)

    def public(self, message: str) -> str:
        """The message with server paths replaced by the folders' roles (longest first: one may hold another)."""
        roles = [(self.config.notes_dir, "the notes folder"), (self.config.index_dir, "the index folder")]
        if self.config.fallback_index_dir:
            roles.insert(0, (self.config.fallback_index_dir, "a cache folder"))
        for path, role in roles:
            spellings = {str(path.resolve()), str(path.absolute()), str(path)}
            for spelling in sorted(spellings, key=len, reverse=True):
                if "/" in spelling:  # a bare relative name ("index") is no server path, and is also a word
                    message = message.replace(spelling, role)
        return message

    def _admit(self, client: str) -> None:
        wait = self.limiter.wait(client or "local")
        if wait:
            raise NotAllowed(f"Too many questions from your address: ask again in {max(1, round(wait))} s.")

    def _draw_examples(self) -> list[str]:
        return example_questions(self.asker) if self.asker else []


def _text(question: object) -> str:
    """A question must be text; the page always sends text, a script may send anything."""
    if not isinstance(question, str):
        raise QuestionError(f"A question must be text, got {type(question).__name__}.")
    return question
