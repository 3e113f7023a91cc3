"""Example questions that the notes answer well: drawn from their headings, each one asked, and only
those answered clearly (not refused, not a weak match) kept, from as many notes as possible."""
from __future__ import annotations

from .asker import Asker

# Headings that name a part of a note, not a topic: a question about them answers nothing.
GENERIC = frozenset({
    "question", "questions", "question to answer", "questions to answer", "notes", "note", "overview", "intro",
    "introduction", "summary", "todo", "to do", "references", "reference", "links", "resources", "sources",
    "source", "source(s)", "further reading", "misc", "miscellaneous", "other", "examples", "example", "contents",
    "table of contents", "index", "appendix", "see also", "related", "readme", "about", "faq", "tips",
})
QUESTION_WORDS = frozenset("how why what when where which who whom whose can could should would is are do does".split())
CANDIDATES = 40  # questions tried: embedded in one batch, then answered (a few ms each)


def example_questions(asker: Asker, n: int = 5) -> list[str]:
    """Up to n questions, best answered first, one per note before a second from any."""
    tried: list[tuple[float, str, str]] = []  # (score, doc, question)
    candidates = _candidates(asker)[:CANDIDATES]
    vectors = asker.encoder.encode([question for _, question in candidates]) if candidates else []
    for (doc, question), vector in zip(candidates, vectors):
        answer = asker.ask(question, vector=vector)
        if not answer.abstained and not answer.weak and answer.coverage is not None:
            tried.append((answer.coverage.score, doc, question))
    tried.sort(key=lambda t: -t[0])
    picked, docs = [], set()
    for first_pass in (True, False):
        for _, doc, question in tried:
            if len(picked) < n and question not in picked and (doc not in docs or not first_pass):
                picked.append(question)
                docs.add(doc)
    return picked


def as_question(heading: str) -> str:
    """A heading asked: 'How to oppose a nomination' is a question already, 'Consumer groups' is not."""
    if heading.endswith("?"):
        return heading
    if heading.split(maxsplit=1)[0].lower() in QUESTION_WORDS:
        return f"{heading}?"
    return f"What do my notes say about {heading}?"


def _candidates(asker: Asker) -> list[tuple[str, str]]:
    """(doc, question) for each distinct section heading, deepest first: specific topics ask better."""
    seen: set[str] = set()
    found: list[tuple[int, int, str, str]] = []
    for order, passage in enumerate(asker.data.passages):
        if not passage.heading:
            continue
        topic = passage.heading[-1].strip().rstrip(":.!").strip()
        key = topic.lower()
        if key in seen or key in GENERIC or not 3 <= len(topic) <= 60 or not any(c.isalpha() for c in topic):
            continue
        seen.add(key)
        question = as_question(topic)
        found.append((-len(passage.heading), order, passage.doc, question))
    found.sort()
    return [(doc, question) for _, _, doc, question in found]
