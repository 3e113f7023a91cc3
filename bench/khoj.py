"""Khoj's Markdown scheme, re-implemented from its description so the peer runs without Khoj's server.

Khoj (khoj-ai/khoj, src/khoj/processor/content/markdown/markdown_to_entries.py and
processor/content/text_to_entries.py) does, with words counted as whitespace-separated tokens:
1. recursively: a section of at most 256 words, or without deeper headings, is one entry, written
   as its heading ancestry ("# A\\n## B") followed by its body; a larger one is split at the next
   heading level that actually cuts it in two or more parts (a plain regex: fences are not special);
2. "compile" each entry for the model: "# <file>\\n" before it, and one more '#' on its first heading,
   so the file name becomes the top heading;
3. cut compiled entries over 256 words with LangChain's RecursiveCharacterTextSplitter (paragraph,
   line, sentence marks, words; no overlap), put the (last 100 characters of the) file+heading line
   before every piece after the first, and drop "words" longer than 500 characters.
The compiled piece is both what Khoj embeds and what it hands to its chat model.
"""
from __future__ import annotations

import re

from .chunkers import Chunk, line_span

MAX_WORDS = 256
MAX_WORD_CHARS = 500
_SEPARATORS = ["\n\n", "\n", "!", "?", ".", " ", "\t", ""]


def _words(text: str) -> int:
    return len(text.split())


def _entries(content: str, ancestry: dict[int, str]) -> list[tuple[str, tuple[str, ...]]]:
    """Step 1: heading-led entries, each carrying its ancestry headings; with the heading path."""
    path = tuple(ancestry[level] for level in sorted(ancestry))
    prefix = "\n".join(f"{'#' * level} {ancestry[level]}" for level in sorted(ancestry))
    entry = f"{prefix}{content}"
    deeper = re.search(rf"^#{{{len(ancestry) + 1},}}\s", content, flags=re.MULTILINE)
    if _words(entry) <= MAX_WORDS or not deeper:
        return [(entry, path)]
    level, parts = len(ancestry), [content]
    while len(parts) < 2:
        level += 1
        if level > 6:  # no level cuts it (e.g. only '####### x'): keep it whole, to be cut by words
            return [(entry, path)]
        parts = re.split(rf"(?:\n|^)(?=#{{{level}}} .+\n?)", content, flags=re.MULTILINE)
    entries = []
    for part in parts:
        if not part.strip():
            continue
        first = next(line for line in part.split("\n") if line.strip())
        child, body = dict(ancestry), part
        if re.match(rf"#{{{level}}} ", first):
            body = part.partition(first)[2]
            child[level] = first[level:].strip()
        entries.extend(_entries(body, child))
    return entries


def _drop_long_words(text: str) -> str:
    pieces = re.split(r"(\s+)", text) + [""]
    return "".join(word + gap for word, gap in zip(pieces[::2], pieces[1::2])
                   if not word.strip() or len(word.strip()) <= MAX_WORD_CHARS)


def khoj_markdown(doc: str, note: str) -> list[Chunk]:
    """Steps 1-3 for one file; heading is the entry's heading path, text the compiled piece."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    splitter = RecursiveCharacterTextSplitter(chunk_size=MAX_WORDS, chunk_overlap=0, separators=_SEPARATORS,
                                              keep_separator=True, length_function=_words)
    chunks, seen = [], set()
    for entry, path in _entries(note, {}):
        heading = entry.splitlines()[0] if re.match(r"#+\s", entry) else ""
        prefix = f"# {doc}\n#" if heading else f"# {doc}\n"
        compiled = prefix + entry
        if not compiled.strip():
            continue
        for index, piece in enumerate(splitter.split_text(compiled)):
            if index > 0 and heading:
                piece = f"{(prefix + heading)[-100:]}\n{piece}"
            piece = _drop_long_words(piece)
            if piece in seen:  # Khoj keys entries by a hash of the compiled text
                continue
            seen.add(piece)
            chunks.append(Chunk(doc, " > ".join(path), piece, piece, line_span(note, piece)))
    return chunks
