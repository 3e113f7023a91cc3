"""Split a note into passages that follow its headings and keep their path, lines and links."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .dialect import note_targets, searchable
from .links import Link, note_links, unique_links
from .markdown import Block, ParsedNote, Unit, cut_unit, list_item_depth, parse_note, split_sentences

_EXPORT_ID = re.compile(r" [0-9a-f]{32}$")
SPLIT_VERSION = 18  # bump whenever split_note gives other passages for the same text
# A passage keeps its own links and this many of its section's and ancestors' (a "Reference: …" line
# cut away from it); a section of hundreds (a changelog, a list of links) is not about each passage.
CONTEXT_LINKS = 5
HARD_LIMIT = 4      # times max_chars: no passage is longer, whatever the Markdown (a huge code block, one long line)
SCHEME = "heading-path+text/3"  # passage_document, mean-pooled; long units pooled from its pass; a change re-embeds all


@dataclass(frozen=True)
class Passage:
    id: str                       # stable: note path, heading path and text, never mtimes
    doc: str                      # path under the notes folder, with '/'
    heading: tuple[str, ...]      # ("Messaging system", "Kafka")
    lines: tuple[int, int]        # 1-based, inclusive, for "open at line"
    text: str                     # the Markdown as written
    links: tuple[Link, ...] = ()  # its own links, then up to CONTEXT_LINKS of its section's and ancestors'
    units: tuple[Unit, ...] = field(default=(), compare=False)
    aliases: tuple[str, ...] = ()  # the note's other names (front matter)
    summary: str = ""              # the note's description (front matter): what every part of it is about
    tags: tuple[str, ...] = ()     # the note's tags (front matter)
    related: tuple[str, ...] = ()  # notes it links to: [[wikilinks]] as written, [text](other.md) as paths


def passage_document(passage: Passage) -> str:
    """The text embedded and searched for a passage: its heading path (the note's title first, with
    its aliases), the note's summary, then its words (a wikilink reads as its text; shortcodes and
    embeds are dropped)."""
    heading = " > ".join(passage.heading)
    if passage.aliases:
        heading += f" ({', '.join(passage.aliases)})"
    return "\n".join(part for part in (heading, passage.summary, searchable(passage.text)) if part)


def note_title(doc: str, note: ParsedNote) -> str:
    """What a note is called: its front-matter title, else its first level-1 heading, else its file name
    ('CAP Theorem.md' -> 'CAP Theorem'; not 'README' or 'index', which name a folder's page)."""
    if note.meta.title or note.first_heading:
        return note.meta.title or note.first_heading
    path = PurePosixPath(doc)
    stem = path.stem.removesuffix(".excalidraw")  # 'Sketch.excalidraw.md', a drawing, is called 'Sketch'
    stem = stem if stem.lower() not in ("readme", "index", "_index") else path.parent.name
    stem = _EXPORT_ID.sub("", stem)  # Notion's 'Kafka 5d41402abc4b2a76b9719d911017c592'
    return stem if " " in stem else " ".join(stem.replace("-", " ").replace("_", " ").split())


def split_note(doc: str, text: str, max_chars: int = 500) -> list[Passage]:
    """Passages in note order; a section longer than max_chars is cut between blocks,
    a long list between its items (a long item where a nested item starts), a long table
    between its rows and a long paragraph between sentences; never inside a sentence,
    table row, nested item or code block."""
    if max_chars < 100:
        raise ValueError(f"max_chars must be at least 100, got {max_chars}")
    passages: list[Passage] = []
    links_by_path: dict[tuple[str, ...], tuple[Link, ...]] = {}
    copies: Counter = Counter()
    note = parse_note(text)
    title = note_title(doc, note)
    for section in note.sections:
        inherited = [link for depth in range(len(section.heading) - 1, 0, -1)
                     for link in links_by_path.get(section.heading[:depth], ())]
        links_by_path[section.heading] = tuple(section.links)
        heading = section.heading
        if title and (not heading or heading[0].lower() != title.lower()):
            heading = (title, *heading)  # every passage says which note it is from
        for group in _pack(_pieces(section.blocks, max_chars), max_chars):
            body = _joined(group)
            own = unique_links(link for piece in group for link in piece.links)
            urls = {link.url for link in own}
            around = [link for link in unique_links([*section.links, *inherited]) if link.url not in urls]
            passages.append(Passage(
                id=_passage_id(doc, heading, body, copies), doc=doc, heading=heading,
                lines=(group[0].start, group[-1].end), text=body,
                links=(*own, *around[:CONTEXT_LINKS]),
                units=tuple(unit for piece in group for unit in piece.units),
                aliases=note.meta.aliases, tags=note.meta.tags, summary=note.meta.summary,
                related=tuple(dict.fromkeys(note_targets(body) + note_links(body, note.references))),
            ))
    return passages


def _pieces(blocks: list[Block], max_chars: int) -> list[Block]:
    """Blocks small enough to pack; only lists, tables and paragraphs may be cut."""
    pieces: list[Block] = []
    for block in blocks:
        if len(block.source) <= max_chars:
            pieces.append(block)
        elif block.items:
            pieces.extend(run for item in block.items for run in (
                _line_runs(item, max_chars) if item.kind == "list_item" else [item]))
        elif block.kind == "paragraph" and len(block.units) > 1:
            pieces.extend(_sentence_runs(block, max_chars))
        else:
            pieces.append(block)  # a code block or single long sentence stays whole...
    return [cut for piece in pieces for cut in _hard_cut(piece, HARD_LIMIT * max_chars)]  # ...up to a limit


def _hard_cut(piece: Block, limit: int) -> list[Block]:
    """A piece no longer than limit: cut between lines, and a longer line at a space (or anywhere)."""
    if len(piece.source) <= limit:
        return [piece]
    chunks: list[tuple[int, str]] = []  # (line, text), lines no longer than limit
    for offset, line in enumerate(piece.source.split("\n")):
        chunks.extend((piece.start + offset, unit.text) for unit in cut_unit(Unit(line, 0), limit))
    runs: list[list[tuple[int, str]]] = []
    for chunk in chunks:
        if runs and sum(len(text) + 1 for _, text in runs[-1]) + len(chunk[1]) <= limit:
            runs[-1].append(chunk)
        else:
            runs.append([chunk])
    pieces = []
    for run in runs:
        source, first, last = "\n".join(text for _, text in run), run[0][0], run[-1][0]
        if piece.kind in ("fence", "code_block"):
            units = [Unit(source, first, "code")]
        else:
            units = [Unit(sentence, first) for sentence in split_sentences(source)]
        links = [link for link in piece.links if link.url in source]
        pieces.append(Block(piece.kind, first, last, source, units, links))
    return pieces


def _line_runs(item: Block, max_chars: int) -> list[Block]:
    """A long list item, cut into runs of whole lines where a nested item starts."""
    if len(item.source) <= max_chars:
        return [item]
    lines = item.source.split("\n")
    starts = [0] + [k for k in range(1, len(lines)) if (list_item_depth(lines[k]) or 0) > 0]
    runs: list[list[str]] = []
    for a, b in zip(starts, starts[1:] + [len(lines)]):
        if runs and len("\n".join(runs[-1] + lines[a:b])) <= max_chars:
            runs[-1] += lines[a:b]
        else:
            runs.append(lines[a:b])
    pieces, first = [], item.start
    for run in runs:
        source, last = "\n".join(run), first + len(run) - 1
        pieces.append(Block(item.kind, first, last, source.strip("\n"),
                            [u for u in item.units if first <= u.line <= last],
                            [link for link in item.links if link.url in source]))
        first = last + 1
    return pieces


def _joined(group: list[Block]) -> str:
    """The pieces' Markdown, a blank line apart, except rows of a table, which stay on
    consecutive lines as in the note."""
    text = group[0].source
    for before, piece in zip(group, group[1:]):
        together = before.kind == piece.kind == "table_row" and piece.start == before.end + 1
        text += ("\n" if together else "\n\n") + piece.source
    return text


def _sentence_runs(block: Block, max_chars: int) -> list[Block]:
    runs: list[list[Unit]] = [[]]
    for unit in block.units:
        if runs[-1] and sum(len(u.text) + 1 for u in runs[-1]) + len(unit.text) > max_chars:
            runs.append([])
        runs[-1].append(unit)
    return [Block("paragraph", block.start, block.end, " ".join(u.text for u in run), run,
                  list(block.links) if i == 0 else []) for i, run in enumerate(runs)]


def _pack(pieces: list[Block], max_chars: int) -> list[list[Block]]:
    groups: list[list[Block]] = []
    size = 0
    for piece in pieces:
        if groups and size + len(piece.source) + 2 <= max_chars:
            groups[-1].append(piece)
            size += len(piece.source) + 2
        else:
            groups.append([piece])
            size = len(piece.source)
    return groups


def _passage_id(doc: str, heading: tuple[str, ...], body: str, copies: Counter) -> str:
    """A content hash; a repeated passage in the same section gets a counter, not a clash."""
    key = "\x1f".join([doc, *heading, body])
    copy = copies[key]
    copies[key] += 1
    if copy:
        key += "\x1f" + str(copy)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
