"""How each peer cuts a note into chunks: the frameworks' own splitters with their documented settings.

Every chunker takes (doc, note text) and returns Chunks. `text` is what the framework hands on
(to an LLM, and here to the scorer); `embed_text` is what the framework would embed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    doc: str                # path under the notes folder, with '/'
    heading: str            # "A > B" where the framework knows it, else ""
    text: str               # as the framework returns it
    embed_text: str         # as the framework would embed it
    lines: tuple[int, int]  # best-effort 1-based span in the note, (0, 0) when not found


def line_span(note: str, body: str) -> tuple[int, int]:
    """Where a chunk sits in its note, for reading runs only (scoring never uses it): found by its
    first and last distinctive non-heading lines, widened to a heading right above; (0, 0) if not found."""
    stripped = [line.strip() for line in body.splitlines()]
    wanted = [line for line in stripped if len(line) >= 8 and not line.startswith("#")]
    lines = note.splitlines()
    start = next((i for first in wanted[:4] for i, line in enumerate(lines) if first in line), None)
    if start is None:
        return (0, 0)
    end = next((i for i in range(start, len(lines)) if wanted[-1] in lines[i]), start)
    above = start - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above >= 0 and lines[above].lstrip().startswith("#") and stripped[0].startswith("#"):
        start = above
    return (start + 1, end + 1)


def _chunk(doc: str, note: str, text: str, heading: str = "", embed_text: str | None = None) -> Chunk:
    return Chunk(doc, heading, text, text if embed_text is None else embed_text, line_span(note, text))


def langchain_quickstart(doc: str, note: str) -> list[Chunk]:
    """LangChain's RAG tutorial setting: RecursiveCharacterTextSplitter(1000, 200) over the raw file."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    return [_chunk(doc, note, text) for text in splitter.split_text(note)]


def langchain_markdown(doc: str, note: str) -> list[Chunk]:
    """LangChain's Markdown recipe: split at # / ## / ### (headers stripped into metadata), then 500/50."""
    from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter
    by_header = MarkdownHeaderTextSplitter(headers_to_split_on=[("#", "h1"), ("##", "h2"), ("###", "h3")])
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    chunks = []
    for piece in splitter.split_documents(by_header.split_text(note)):
        heading = " > ".join(piece.metadata[key] for key in ("h1", "h2", "h3") if key in piece.metadata)
        chunks.append(_chunk(doc, note, piece.page_content, heading))
    return chunks


def _llamaindex(parser: object, doc: str, note: str) -> list[Chunk]:
    """Nodes of one Document; embedded as VectorStoreIndex would (MetadataMode.EMBED), reported as node.text.

    Nothing is downloaded: no embed model or LLM is ever set, and SentenceSplitter's default tokenizer
    (tiktoken cl100k_base) is read from the BPE file that ships inside llama-index-core
    (llama_index/core/_static/tiktoken_cache, which llama_index.core.utils points TIKTOKEN_CACHE_DIR at),
    as is its NLTK punkt data (_static/nltk_cache). Kept rather than a whitespace tokenizer so the
    chunk sizes are the framework's real defaults.
    """
    from llama_index.core import Document
    from llama_index.core.schema import MetadataMode
    chunks = []
    for node in parser.get_nodes_from_documents([Document(text=note)]):
        first = node.text.lstrip().splitlines()[0] if node.text.strip() else ""
        heading = first.lstrip("#").strip() if first.startswith("#") else ""
        chunks.append(_chunk(doc, note, node.text, heading, node.get_content(metadata_mode=MetadataMode.EMBED)))
    return chunks


def llamaindex_sentence(doc: str, note: str) -> list[Chunk]:
    """LlamaIndex's default node parser: SentenceSplitter() (1024 tokens, overlap 200)."""
    from llama_index.core.node_parser import SentenceSplitter
    return _llamaindex(SentenceSplitter(), doc, note)


def llamaindex_markdown(doc: str, note: str) -> list[Chunk]:
    """LlamaIndex's MarkdownNodeParser: one node per heading section, header_path in metadata."""
    from llama_index.core.node_parser import MarkdownNodeParser
    return _llamaindex(MarkdownNodeParser(), doc, note)


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def heading_sections(doc: str, note: str) -> list[Chunk]:
    """One chunk per ATX heading section (the heading line included), ignoring '#' inside code fences."""
    sections: list[tuple[str, list[str], int]] = [("", [], 1)]
    path: list[tuple[int, str]] = []
    fence = ""
    for number, line in enumerate(note.splitlines(), 1):
        opener = _FENCE.match(line)
        if fence:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = ""
        elif opener:
            fence = opener.group(1)
        elif match := _ATX.match(line):
            level, title = len(match.group(1)), (match.group(2) or "").strip()
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, title)]
            sections.append((" > ".join(t for _, t in path), [], number))
        sections[-1][1].append(line)
    chunks = []
    for heading, lines, start in sections:
        text = "\n".join(lines).strip()
        if text:
            chunks.append(Chunk(doc, heading, text, text, (start, start + len(lines) - 1)))
    return chunks
