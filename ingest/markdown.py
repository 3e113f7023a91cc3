"""Parse a Markdown note into sections: heading path, top-level blocks, line ranges and links.

Walks markdown-it tokens, not lines: a '#' inside a code fence is not a heading, setext
headings and front matter are understood, and every block knows its source lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .dialect import (
    CALLOUT_HEAD,
    NoteMeta,
    as_read,
    is_comment,
    is_only_shortcodes,
    property_front_matter,
    read_front_matter,
    toml_front_matter,
    unwrap_docs_markup,
)
from .links import Link, is_web_url, links_in, links_in_html, unique_links

# Every pattern here runs over note text, so each is linear: no two quantifiers may compete for
# the same characters, and a scan from one start stops where the next start could begin.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[*_`]?[A-Z0-9])|(?<=[。！？])\s*(?=\S)")  # 。！？: CJK ends
_TAG = re.compile(r"<[^<>]+>")
_IMG = re.compile(r"<img\b", re.IGNORECASE)
_FOOTNOTE_START = re.compile(r"\n(?=\[\^[^\]\n]{1,100}\]:)")  # [^1]: a footnote, one per line
QUERY_BLOCKS = frozenset({"dataview", "dataviewjs", "query", "tasks"})  # Obsidian's (and its plugins') live queries
FIGURE_CAPTION_WORDS = 12  # an HTML block with an image and no more words than this is a figure
_MDX_LINE = re.compile(r"\A[ \t]*(?:import\s.*\sfrom\s|export\s|:::[ \t]*\w*[ \t]*$|</?[A-Z][^<>]*>[ \t]*$)")
# An image pasted into a note (Typora, Obsidian, a notebook's export) is its bytes in base64: tens of
# kilobytes of letters that would become passages of noise. The payload goes; the line stays.
_DATA_PAYLOAD = re.compile(r"(data:[\w.+-]{1,100}/[\w.+-]{1,100}(?:;[\w.+-]{1,100}=[\w.+-]{1,100}){0,5};base64,)"
                           r"[A-Za-z0-9+/=]{64,}")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s")
MAX_UNIT_CHARS = 1_000  # a sentence longer than this (a minified line, a wall of text) is cut at a space
MAX_HEADING_CHARS = 200  # a longer heading is cut, with an ellipsis: it is repeated in every passage under it


@dataclass(frozen=True)
class Unit:
    """A sentence, bullet, table row or code block: the smallest thing an answer quotes."""
    text: str
    line: int           # 1-based
    kind: str = "text"  # "text" (inline Markdown), "row" (cells joined by " | ") or "code"


@dataclass
class Block:
    """A top-level block (paragraph, list, fence, table...) with its source text and lines."""
    kind: str
    start: int  # 1-based, inclusive
    end: int
    source: str
    units: list[Unit] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    items: list[Block] = field(default_factory=list)  # top-level list items, where a list may be cut


@dataclass(frozen=True)
class ParsedNote:
    meta: NoteMeta              # from the front matter
    first_heading: str          # the text of the note's first level-1 heading, or ""
    sections: list[Section]
    references: dict[str, str] = field(default_factory=dict)  # [label]: target definitions, by normalised label


@dataclass
class Section:
    heading: tuple[str, ...]
    start: int
    end: int
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # in the heading and its own body, not subsections'


def new_parser(html: bool = True) -> MarkdownIt:
    """The Markdown dialect of notes. html=False reads raw HTML as text: what a page may show."""
    md = MarkdownIt("commonmark", {"linkify": True, "html": html}).enable(["table", "linkify", "strikethrough"])
    return md.use(front_matter_plugin).use(admon_plugin)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return new_parser()


def list_item_depth(line: str) -> int | None:
    """How far the list item a line starts is indented (0 at the top level), or None if it starts none."""
    item = _LIST_ITEM.match(line)
    return len(item.group(1).expandtabs(4)) if item else None


def parse_note(text: str) -> ParsedNote:
    """Sections in note order; text before the first heading forms a section with an empty path."""
    lines = as_read(unwrap_docs_markup(_DATA_PAYLOAD.sub(r"\1", text).splitlines()))
    meta, header_lines = toml_front_matter(lines)  # YAML front matter is a token of the parse below
    if not header_lines:
        meta, header_lines = property_front_matter(lines)
    env: dict = {}
    tokens = _parser().parse("\n" * header_lines + "\n".join(lines[header_lines:]), env)
    sections = [Section((), 1, len(lines))]
    stack: list[tuple[int, str]] = []
    first_heading = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        close = _closing_index(tokens, i)
        if token.type == "front_matter":
            meta = read_front_matter(token.content)
        elif token.level == 0 and token.map:
            if token.type == "heading_open":
                level = int(token.tag[1])
                title = _plain(tokens[i + 1])
                if level == 1 and not first_heading:
                    first_heading = title
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, title or "(untitled)"))
                sections.append(Section(tuple(t for _, t in stack), token.map[0] + 1, token.map[1]))
                sections[-1].links.extend(links_in(tokens[i + 1].children))
            else:
                block = _block(tokens[i:close + 1], lines)
                if block is not None:
                    sections[-1].blocks.append(block)
        i = close + 1
    for section, following in zip(sections, sections[1:] + [None]):
        section.end = following.start - 1 if following else len(lines)
        for block in section.blocks:
            section.links.extend(block.links)
        section.links = list(unique_links(section.links))
    references = {label: str(ref.get("href", "")) for label, ref in env.get("references", {}).items()}
    return ParsedNote(meta, first_heading, [s for s in sections if s.blocks or s.heading], references)


def _closing_index(tokens: list, i: int) -> int:
    """Index of the token closing tokens[i] (itself for self-contained tokens like fences)."""
    if tokens[i].nesting != 1:
        return i
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _block(tokens: list, lines: list[str]) -> Block | None:
    first = tokens[0]
    start, end = first.map[0] + 1, first.map[1]
    source = "\n".join(lines[start - 1:end]).strip("\n")
    if not source.strip() or (first.type == "paragraph_open" and (
            ("\n" not in source and _MDX_LINE.match(source)) or is_only_shortcodes(source))) or is_comment(source):
        return None  # MDX import/export lines, ':::' markers, {% endhint %} lines and comments are not read
    if first.type == "html_block" and _is_figure(first.content):
        return None  # an image and its credit line: nothing a quote or a search can use, and raw HTML on the page
    if first.type == "fence" and first.info.strip().split(" ")[0].lower() in QUERY_BLOCKS:
        return None  # Obsidian shows what the query finds, from other notes: the query itself says nothing
    kind = first.type.removesuffix("_open")
    block = Block(kind, start, end, source)
    for token in tokens:
        if token.type == "inline":
            block.links.extend(links_in(token.children))
        elif token.type == "html_block":
            block.links.extend(links_in_html(token.content))
    block.links = list(unique_links(block.links))
    block.units = _units(tokens, kind)
    inlines = [t for t in tokens if t.type == "inline"]
    if inlines and all(_is_navigation(t) for t in inlines) and any(_is_link(t) for t in inlines):
        return None  # a table of contents repeats headings and would outrank the sections it lists
    if kind in ("bullet_list", "ordered_list"):
        block.items = _list_items(tokens, lines)
    elif kind == "table":
        block.items = _table_rows(tokens, lines)
    return block


def _is_figure(html: str) -> bool:
    """<p align="center"><img src=…><br/><i>Source: …</i></p>, as READMEs show a diagram."""
    return bool(_IMG.search(html)) and len(_TAG.sub(" ", html).split()) <= FIGURE_CAPTION_WORDS


def _list_items(tokens: list, lines: list[str]) -> list[Block]:
    items = []
    for i, token in enumerate(tokens):
        if token.type == "list_item_open" and token.level == 1:
            item_tokens = tokens[i:_closing_index(tokens, i) + 1]
            start, end = token.map[0] + 1, token.map[1]
            source = "\n".join(lines[start - 1:end]).strip("\n")
            units = _units(item_tokens, "list_item")
            items.append(Block("list_item", start, end, source, units, _inline_links(item_tokens)))
    return items


def _table_rows(tokens: list, lines: list[str]) -> list[Block]:
    """Body rows, where a long table may be cut; the header row travels with the first of them."""
    rows = [i for i, token in enumerate(tokens) if token.type == "tr_open" and token.map]
    items = []
    for n, i in enumerate(rows[1:], 1):
        first = rows[0] if n == 1 else i  # header, delimiter row and first body row together
        row_tokens = tokens[first:_closing_index(tokens, i) + 1]
        start, end = tokens[first].map[0] + 1, tokens[i].map[1]
        source = "\n".join(lines[start - 1:end]).strip("\n")
        items.append(Block("table_row", start, end, source, _units(row_tokens, "table"), _inline_links(row_tokens)))
    return items


def _inline_links(tokens: list) -> list[Link]:
    return list(unique_links(link for t in tokens if t.type == "inline" for link in links_in(t.children)))


def _units(tokens: list, kind: str) -> list[Unit]:
    """Sentences of paragraphs and list items, table rows, code blocks and the text of HTML blocks."""
    first_line = tokens[0].map[0] + 1 if tokens[0].map else 1
    units: list[Unit] = []
    row: list[str] = []
    row_line = first_line
    for token in tokens:
        line = token.map[0] + 1 if token.map else first_line
        if token.type == "tr_open":
            row, row_line = [], line
        elif token.type == "inline" and kind == "table":
            row.append(token.content.strip())
        elif token.type == "tr_close":  # no line of its own: the row's is where it opened
            units.append(Unit(" | ".join(row), row_line, "row"))
        elif token.type == "inline" and token.map:
            units.extend(Unit(s, line) for s in _sentences(token.content))
        elif token.type == "html_block" and token.map:
            text = " ".join(_TAG.sub(" ", token.content).split())
            units.extend(Unit(s, line) for s in split_sentences(text))
        elif token.type in ("fence", "code_block") and token.map and token.content.strip():
            units.append(Unit(token.content.strip(), line, "code"))
    return [piece for unit in units if unit.text and not is_only_shortcodes(unit.text) for piece in cut_unit(unit)]


def cut_unit(unit: Unit, limit: int = MAX_UNIT_CHARS) -> list[Unit]:
    """A unit no longer than limit: a longer one is cut at the last space before it (or at it)."""
    pieces, text = [], unit.text
    while len(text) > limit:
        cut = text.rfind(" ", limit // 2, limit)
        cut = cut if cut > 0 else limit
        pieces.append(Unit(text[:cut].rstrip(), unit.line, unit.kind))
        text = text[cut:].lstrip()
    return pieces + [Unit(text, unit.line, unit.kind)] if text else pieces


def _is_link(inline) -> bool:
    return any(child.type == "link_open" for child in inline.children or ())


def _is_navigation(inline) -> bool:
    """Only links to places inside the notes ('[Sharding](#sharding)'), with punctuation between:
    a table-of-contents entry."""
    depth = 0
    for child in inline.children or ():
        if child.type == "link_open":
            if is_web_url(str(child.attrs.get("href", ""))):
                return False
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        elif depth == 0 and child.type not in ("softbreak", "hardbreak") and \
                child.content.strip(" \t-*+.,;:|/"):
            return False
    return True


def _sentences(text: str) -> list[str]:
    """A paragraph's sentences; a callout's first line ("[!quote] Kleppmann, p. 161") is its title, a
    unit of its own without the marker, not the start of the sentence below it; and footnotes written
    one under another ("[^1]: …" "[^2]: …") are one paragraph to Markdown but not one sentence."""
    head = CALLOUT_HEAD.match(text)
    if head:
        title = head.group(2).strip()
        return ([title] if title else []) + _sentences(text[head.end():])
    return [sentence for part in _FOOTNOTE_START.split(text) for sentence in split_sentences(part)]


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; soft line breaks are joined, so wrapped prose stays whole."""
    joined = " ".join(text.split())
    return [s.strip() for s in _SENTENCE_END.split(joined) if s.strip()]


def _plain(inline) -> str:
    """The heading text without Markdown marks: '[queries](url)' reads 'queries'."""
    parts = [c.content for c in (inline.children or ()) if c.type in ("text", "code_inline")]
    title = " ".join("".join(parts).split()) or " ".join(inline.content.split())
    return title if len(title) <= MAX_HEADING_CHARS else title[:MAX_HEADING_CHARS - 1].rstrip() + "…"
