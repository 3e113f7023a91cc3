"""Retrieval against brute force, with the fake encoder: the fused ranking is a plain sort of the
signals computed one passage at a time, the evidence is each sentence's own cosine, and scoring only
the candidates (large indexes) finds what scoring everything finds."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import ask.retrieve
from ask.lexical import LexicalIndex
from ask.retrieve import Retriever
from ask.terms import terms, topic
from ask.tuning import Tuning
from ingest import Config, ingest, passage_document, searchable

from helpers import write_notes

NOTES = {f"topic-{i}.md": f"# Topic {i}\n\nKafka partitions keep order {i}. Redis streams add entries {i % 3}.\n\n"
                          f"## Details {i}\n\nConsumers read offsets and groups {i}; caches evict {i % 5}.\n"
         for i in range(12)}
QUESTION = "how do kafka consumers read offsets"


@pytest.fixture
def index(tmp_path: Path, fake_encoder):
    config = Config(notes_dir=write_notes(tmp_path / "notes", NOTES), index_dir=tmp_path / "index")
    return ingest(config, fake_encoder).data, fake_encoder


def _brute_force(data, vector: np.ndarray, tuning: Tuning) -> list[tuple[float, int]]:
    wanted = list(dict.fromkeys(terms(QUESTION)))
    scored = []
    for row, passage in enumerate(data.passages):
        dense = float(data.vectors[row] @ vector)
        start, end = data.passage_units(row)
        unit = max((float(np.asarray(data.unit_vectors[j]) @ vector) for j in range(start, end)), default=0.0)
        held = set(terms(passage_document(passage)))
        coverage = sum(t in held for t in wanted) / len(wanted)
        best_sentence = max((sum(t in set(terms(searchable(u.text))) for t in wanted) / len(wanted)
                             for u in passage.units), default=0.0)
        scored.append((tuning.dense_weight * dense + tuning.unit_weight * unit + tuning.lexical_weight * coverage
                       + tuning.sentence_words_weight * best_sentence, row))
    return sorted(scored, key=lambda s: (-s[0], s[1]))


ALONE = Tuning(lexical="coverage", neighbour_weight=0.0, note_weight=0.0)  # each passage on its own merits


@pytest.mark.parametrize("tuning", [ALONE, ALONE.with_(unit_weight=0.0, sentence_words_weight=0.3)])
def test_fused_ranking_is_a_plain_sort_of_the_signals(index, tuning):
    data, encoder = index
    vector = encoder.encode_query(QUESTION)
    hits = Retriever(data, tuning).search(QUESTION, vector, k=10)
    expected = _brute_force(data, vector, tuning)[:10]
    assert [h.row for h in hits] == [row for _, row in expected]
    assert [h.score for h in hits] == pytest.approx([score for score, _ in expected], abs=1e-5)


def test_each_quotable_hit_carries_its_sentences_with_their_own_cosine_and_word_overlap(index):
    data, encoder = index
    vector = encoder.encode_query(QUESTION)
    hits = Retriever(data).search(QUESTION, vector, k=5)
    quotable = Tuning().answer_passages  # an answer quotes from these; the others need no sentences
    assert all(h.evidence for h in hits[:quotable]) and not any(h.evidence for h in hits[quotable:])
    hit = hits[0]
    start, _ = data.passage_units(hit.row)
    assert [e.unit for e in hit.evidence] == list(hit.passage.units)
    for j, evidence in enumerate(hit.evidence):
        assert evidence.similarity == pytest.approx(float(np.asarray(data.unit_vectors[start + j]) @ vector), abs=1e-5)
    assert max(e.similarity for e in hit.evidence) == pytest.approx(hit.unit, abs=1e-5)


def test_scoring_only_the_candidates_finds_what_scoring_everything_finds(index, monkeypatch):
    data, encoder = index
    vector = encoder.encode_query(QUESTION)
    exact = [h.row for h in Retriever(data, ALONE).search(QUESTION, vector, k=5)]
    monkeypatch.setattr(ask.retrieve, "EXACT_UP_TO", 0)
    monkeypatch.setattr(ask.retrieve, "CANDIDATES", 8)
    assert [h.row for h in Retriever(data, ALONE).search(QUESTION, vector, k=5)] == exact


def test_a_passage_gains_from_its_note_and_its_neighbour(index):
    data, encoder = index
    vector = encoder.encode_query(QUESTION)
    alone = {h.row: h.score for h in Retriever(data, ALONE).search(QUESTION, vector, k=len(data.passages))}
    both = {h.row: h.score for h in Retriever(data, ALONE.with_(neighbour_weight=0.1, note_weight=0.3))
            .search(QUESTION, vector, k=len(data.passages))}
    for row, passage in enumerate(data.passages):
        note = max(alone[r] for r, p in enumerate(data.passages) if p.doc == passage.doc)
        neighbours = [alone[r] for r in (row - 1, row + 1) if 0 <= r < len(data.passages)
                      and data.passages[r].doc == passage.doc]
        expected = alone[row] + 0.3 * note + 0.1 * (max(neighbours) if neighbours else 0.0)
        assert both[row] == pytest.approx(expected, abs=1e-5)


def test_bm25_and_coverage_agree_with_their_formulas():
    documents = [["kafka", "kafka", "log"], ["redis", "log"], ["kafka"]]
    lexical = LexicalIndex(documents)
    assert list(lexical.scores(["kafka", "log"], "coverage")) == [1.0, 0.5, 0.5]
    n, mean_length = 3, 2.0

    def bm25(doc):
        score = 0.0
        for term in ("kafka", "log"):
            df = sum(term in d for d in documents)
            tf = doc.count(term)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(doc) / mean_length)) if tf else 0.0
        return score
    raw = [bm25(d) for d in documents]
    assert list(lexical.scores(["kafka", "log"], "bm25")) == pytest.approx([r / max(raw) for r in raw])


@pytest.mark.parametrize("question, expected", [
    ("did I jot down anything about bloom filters?", "bloom filters?"),
    ("what do my notes say about leader election", "leader election"),
    ("Remind me, why is Kafka fast", "why is Kafka fast"),
    ("what is in my notes?", "what is in my notes?"),  # nothing would be left: unchanged
    ("what is a write-ahead log", "what is a write-ahead log"),
    ("how do I list the open ports", "how do I list the open ports"),  # a how-to, not about the notes
])
def test_the_words_about_the_notes_themselves_are_left_out_of_the_embedded_question(question, expected):
    assert topic(question) == expected


def test_a_passage_in_the_words_of_a_better_one_is_shown_once(tmp_path, fake_encoder):
    option = "### dry-run\n\n* Default: false\n\nKafka consumers read offsets without committing them.\n"
    notes = {f"command-{i}.md": f"# Command {i}\n\nCommand {i} does its own thing.\n\n## Options\n\n{option}"
             for i in range(6)}  # a docs folder describes one option the same way on every command's page
    notes["offsets.md"] = "# Offsets\n\nKafka consumers read offsets and commit them to the broker.\n"
    config = Config(notes_dir=write_notes(tmp_path / "notes", notes), index_dir=tmp_path / "index")
    data = ingest(config, fake_encoder).data
    vector = fake_encoder.encode_query(QUESTION)
    hits = Retriever(data, ALONE).search(QUESTION, vector, k=5)
    texts = [" ".join(h.passage.text.split()) for h in hits]
    assert len(texts) == len(set(texts))  # one copy of the option, then what else the notes hold
    assert "offsets.md" in [h.passage.doc for h in hits]
    every = Retriever(data, ALONE)
    every.has_copies = False  # the ranking as it would be with every copy in it
    ranked = every.search(QUESTION, vector, k=len(data.passages))
    assert len([h for h in ranked[:5] if "without committing" in h.passage.text]) > 1
    best_copy = next(h.row for h in ranked if "without committing" in h.passage.text)
    assert [h.row for h in hits if "without committing" in h.passage.text] == [best_copy]


POINTED_AT = {
    "Postel's Law.md": "# Postel's Law\n\nPostel's law, the robustness principle: be conservative in what you send, "
                       "be liberal in what you accept.\n",
    "Protocols.md": "# Protocols\n\nSee also: [[Postel's Law]]\n\n"
                    "## Handshakes\n\nTCP opens a connection with three messages.\n",
}


def test_a_passage_that_only_points_to_a_note_ranks_below_that_note(tmp_path, encoder):
    """'See also: [[Postel's Law]]' holds the other note's title and nothing else: it answers nothing."""
    config = Config(notes_dir=write_notes(tmp_path / "notes", POINTED_AT), index_dir=tmp_path / "index")
    data = ingest(config, encoder).data
    question = "what does postel's law say"
    vector = encoder.encode_query(question)
    unpenalised = Retriever(data, Tuning(context_penalty=0.0)).search(question, vector, k=2)
    assert unpenalised[0].passage.text == "See also: [[Postel's Law]]"  # its words are the title asked for
    hits = Retriever(data).search(question, vector, k=2)
    assert hits[0].passage.doc == "Postel's Law.md" and hits[1].passage.text == "See also: [[Postel's Law]]"
    assert hits[1].score == pytest.approx(unpenalised[0].score - Tuning().context_penalty)
