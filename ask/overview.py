"""'What's in my notes?': a question about the notes as a whole is answered with their outline, not
with whichever passage happens to be nearest to the words "my notes"."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from ingest import Passage

from .terms import STOPWORDS, words

SHOWN_NOTES = 12    # the largest notes, by passages: a folder of 900 notes links to its full list instead
SHOWN_SECTIONS = 8  # a note's top-level sections, in order
SHOWN_FOLDERS = 24
# What an overview question is made of, once "my notes" and the stopwords are gone: "what topics do my
# notes cover?" ("topics" counts only when nothing comes after "about": "about Kafka topics" is a topic)
_OVERVIEW_WORDS = frozenset("""topic topics subject subjects overview summary summarize summarise everything list
show contents cover covers covered contain contains hold holds include includes know kind kinds sort sorts main
things whats mine outline ask give help""".split())
_THE_NOTES = re.compile(r"\b(?:all\s+)?(?:(?:my|your|our|these|the)\s+notes"
                        r"|(?:my|your|our|this)\s+(?:vault|notebook|wiki))\b", re.IGNORECASE)
_ABOUT_THE_ASKING = re.compile(r"\bwhat can (?:i ask|you do)\b|\bwhat do you (?:know|cover)\b|^\W*(?:help|notes)\W*$",
                               re.IGNORECASE)
_ABOUT = re.compile(r"\b(?:about|on|regarding|concerning)\s+(\w+)|\bof\s+(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class NoteOutline:
    doc: str
    title: str
    sections: tuple[str, ...]  # its top-level sections, in order
    passages: int


@dataclass(frozen=True)
class Overview:
    notes: int
    passages: int
    largest: tuple[NoteOutline, ...]  # at most SHOWN_NOTES, the notes with most passages first
    folders: tuple[tuple[str, int], ...] = ()  # (folder, notes) where the notes branch, most notes first


def asks_for_overview(question: str) -> bool:
    """'what's in my notes?', 'summarize my notes', 'what topics does my vault cover?': about the
    notes as a whole, naming no topic of them ('what do my notes say about topics?' names one)."""
    rest = _THE_NOTES.sub(" ", question)
    if rest == question and not _ABOUT_THE_ASKING.search(question):
        return False
    for about, of in _ABOUT.findall(rest):  # "about topics" names one; "kinds of things" does not
        if (about and about.lower() not in STOPWORDS) or (of and of.lower() not in STOPWORDS | _OVERVIEW_WORDS):
            return False
    content = [w.removesuffix("'s") for w in words(rest) if w not in STOPWORDS]
    return all(w in _OVERVIEW_WORDS or w in STOPWORDS for w in content)


def overview(passages: Sequence[Passage]) -> Overview:
    """The notes' outline: each note's title and top-level sections, the largest notes first."""
    sizes = Counter(p.doc for p in passages)
    sections: dict[str, dict[str, None]] = {}
    titles: dict[str, str] = {}
    for p in passages:
        titles.setdefault(p.doc, p.heading[0] if p.heading else p.doc)
        if len(p.heading) > 1:
            sections.setdefault(p.doc, {})[p.heading[1]] = None
    largest = sorted(sizes, key=lambda doc: (-sizes[doc], doc))[:SHOWN_NOTES]
    return Overview(len(sizes), len(passages), tuple(
        NoteOutline(doc, titles[doc], tuple(sections.get(doc, ()))[:SHOWN_SECTIONS], sizes[doc]) for doc in largest),
        _folders(list(sizes)))


def _folders(docs: list[str]) -> tuple[tuple[str, int], ...]:
    """Notes per folder, at the first level where the folders branch ("content/" over everything is
    skipped): a folder of 364 one-page notes is better told by its folders than by its largest notes."""
    paths = [PurePosixPath(doc).parts for doc in docs]
    depth = 0  # the folders every note is in
    while paths and all(len(p) > depth + 1 for p in paths) and len({p[depth] for p in paths}) == 1:
        depth += 1
    counts = Counter("/".join(p[:depth + 1]) for p in paths if len(p) > depth + 1)
    if len(counts) < 2:
        return ()
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))[:SHOWN_FOLDERS]
