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

from .links import MARKDOWN_LINK, Link, is_web_url, links_in, links_in_html, unique_links

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[*_`]?[A-Z0-9])")
_TAG = re.compile(r"<[^>]+>")
_MDX_LINE = re.compile(r"^\s*(import\s.+\sfrom\s|export\s|:::\s*\w*\s*$|<[A-Z]\w*[^>]*/?>\s*$|</[A-Z]\w*>\s*$)")


@dataclass(frozen=True)
class Unit:
    """A sentence, bullet or table row: the smallest thing an answer quotes."""
    text: str
    line: int  # 1-based


@dataclass
class Block:
    """A top-level block (paragraph, list, fence, table...) with its source text and lines."""
    kind: str
    start: int  # 1-based, inclusive
    end: int
    source: str
    units: list[Unit] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    items: list["Block"] = field(default_factory=list)  # top-level list items, where a list may be cut


@dataclass
class Section:
    heading: tuple[str, ...]
    start: int
    end: int
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # in the heading and its own body, not subsections'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "linkify", "strikethrough"])
    return md.use(front_matter_plugin).use(admon_plugin)


def parse_note(text: str) -> list[Section]:
    """Sections in note order; text before the first heading forms a section with an empty path."""
    lines = text.splitlines()
    tokens = _parser().parse("\n".join(lines))
    sections = [Section((), 1, len(lines))]
    stack: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        close = _closing_index(tokens, i)
        if token.level == 0 and token.map and token.type != "front_matter":
            if token.type == "heading_open":
                level = int(token.tag[1])
                title = _plain(tokens[i + 1])
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
    return [s for s in sections if s.blocks or s.heading]


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
    if not source.strip() or (first.type == "paragraph_open" and _MDX_LINE.match(source) and "\n" not in source):
        return None  # MDX import/export lines and ':::' markers carry no meaning
    kind = first.type.removesuffix("_open")
    block = Block(kind, start, end, source)
    for token in tokens:
        if token.type == "inline":
            block.links.extend(links_in(token.children))
        elif token.type == "html_block":
            block.links.extend(links_in_html(token.content))
    block.links = list(unique_links(block.links))
    block.units = _units(tokens, kind)
    if block.units and all(_is_navigation(u.text) for u in block.units):
        return None  # a table of contents repeats headings and would outrank the sections it lists
    if kind in ("bullet_list", "ordered_list"):
        block.items = _list_items(tokens, lines)
    elif kind == "table":
        block.items = _table_rows(tokens, lines)
    return block


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
    """Sentences of paragraphs and list items, table rows, and the text of HTML blocks."""
    units: list[Unit] = []
    row: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and kind == "table":
            row.append(token.content.strip())
        elif token.type == "tr_close":
            units.append(Unit(" | ".join(row), token.map[0] + 1 if token.map else 0))
        elif token.type == "inline" and token.map:
            units.extend(Unit(s, token.map[0] + 1) for s in split_sentences(token.content))
        elif token.type == "html_block" and token.map:
            text = " ".join(_TAG.sub(" ", token.content).split())
            units.extend(Unit(s, token.map[0] + 1) for s in split_sentences(text))
        elif token.type in ("fence", "code_block") and token.map and token.content.strip():
            units.append(Unit(token.content.strip(), token.map[0] + 1))
    for unit in units:
        if unit.line == 0 and tokens[0].map:
            object.__setattr__(unit, "line", tokens[0].map[0] + 1)
    return [u for u in units if u.text]


def _is_navigation(text: str) -> bool:
    """Only links to places inside the notes ('[Sharding](#sharding)'): a table-of-contents entry."""
    targets = [m.group(2) for m in MARKDOWN_LINK.finditer(text)]
    rest = MARKDOWN_LINK.sub("", text).strip(" \t-*+.,;:|/")
    return bool(targets) and not rest and not any(is_web_url(t) for t in targets)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; soft line breaks are joined, so wrapped prose stays whole."""
    joined = " ".join(text.split())
    return [s.strip() for s in _SENTENCE_END.split(joined) if s.strip()]


def _plain(inline) -> str:
    """The heading text without Markdown marks: '[queries](url)' reads 'queries'."""
    parts = [c.content for c in (inline.children or ()) if c.type in ("text", "code_inline")]
    return " ".join("".join(parts).split()) or inline.content.strip()
