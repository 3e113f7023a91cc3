"""The peers: common ways people build notes QA, each run in the run-row format our evaluation scores.

Every dense peer embeds its chunks with our all-MiniLM-L6-v2 into a flat inner-product FAISS index
(vectors are unit length, so that is cosine), so only the chunking differs from peer to peer.
None abstains, and each answers with its top chunk: the usual "stuff the top chunk" baseline.
Latency is question embedding plus search (or BM25 tokenizing plus search) in a warm process.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable

import numpy as np

from ingest import Encoder

from .chunkers import (
    Chunk,
    heading_sections,
    langchain_markdown,
    langchain_quickstart,
    llamaindex_markdown,
    llamaindex_sentence,
)
from .khoj import khoj_markdown

Chunker = Callable[[str, str], list[Chunk]]
TOP_K = 10
_URL = re.compile(r"https?://[^\s)<>\]\"'`]+")

# name -> (chunker, searched with BM25 instead of dense vectors)
PEERS: dict[str, tuple[Chunker, bool]] = {
    "langchain-quickstart": (langchain_quickstart, False),
    "langchain-markdown": (langchain_markdown, False),
    "llamaindex-sentence": (llamaindex_sentence, False),
    "llamaindex-markdown": (llamaindex_markdown, False),
    "bm25-sections": (heading_sections, True),
    "khoj-markdown": (khoj_markdown, False),
}


class DenseSearch:
    """Flat FAISS IndexFlatIP over the chunks' unit vectors."""

    def __init__(self, chunks: list[Chunk], encoder: Encoder):
        import faiss
        self.encoder = encoder
        self.index = faiss.IndexFlatIP(encoder.dim)
        if chunks:
            self.index.add(np.ascontiguousarray(encoder.encode([c.embed_text for c in chunks])))

    def search(self, question: str, k: int) -> list[tuple[int, float]]:
        k = min(k, self.index.ntotal)
        if k == 0:
            return []
        scores, rows = self.index.search(self.encoder.encode_query(question).reshape(1, -1), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]


class LexicalSearch:
    """bm25s alone, with its English stop words and the Snowball English stemmer."""

    def __init__(self, chunks: list[Chunk]):
        import bm25s
        import Stemmer
        self.bm25s, self.stemmer = bm25s, Stemmer.Stemmer("english")
        self.size = len(chunks)
        self.index = bm25s.BM25()
        if chunks:
            self.index.index(self._tokens([c.embed_text for c in chunks]), show_progress=False)

    def _tokens(self, texts: list[str]) -> object:
        return self.bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer, show_progress=False)

    def search(self, question: str, k: int) -> list[tuple[int, float]]:
        k = min(k, self.size)
        if k == 0:
            return []
        rows, scores = self.index.retrieve(self._tokens([question]), k=k, show_progress=False)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0])]


def build(name: str, notes: dict[str, str], encoder: Encoder) -> tuple[list[Chunk], DenseSearch | LexicalSearch]:
    """Chunk every note with the peer's scheme and index the chunks."""
    chunker, lexical = PEERS[name]
    chunks = [chunk for doc, text in notes.items() for chunk in chunker(doc, text)]
    return chunks, (LexicalSearch(chunks) if lexical else DenseSearch(chunks, encoder))


def passage_json(chunk: Chunk, score: float) -> dict:
    return {"doc": chunk.doc, "heading": chunk.heading, "lines": list(chunk.lines), "text": chunk.text,
            "score": round(score, 4), "links": list(dict.fromkeys(_URL.findall(chunk.text)))}


def run_peer(name: str, notes: dict[str, str], questions: list[dict], encoder: Encoder) -> tuple[list[dict], int]:
    """One run row per question, and the number of chunks the peer indexed."""
    chunks, engine = build(name, notes, encoder)
    if questions:
        engine.search(questions[0]["question"], TOP_K)  # warm-up, as for our system
    rows = []
    for q in questions:
        started = time.perf_counter()
        found = engine.search(q["question"], TOP_K)
        latency_ms = (time.perf_counter() - started) * 1000
        passages = [passage_json(chunks[i], score) for i, score in found]
        rows.append({"id": q["id"], "answer": passages[0]["text"] if passages else "", "abstained": False,
                     "passages": passages, "latency_ms": round(latency_ms, 3)})
    return rows, len(chunks)
