"""Ingest -> ask round trips with the real model on the bundled notes."""
from __future__ import annotations

import pytest

from ask import Asker, QuestionError
from ingest import Config

from helpers import write_notes


def test_consumer_group_question_finds_the_passage_and_carries_the_redis_link(bundled_asker: Asker):
    answer = bundled_asker.ask("how do redis consumer groups differ from kafka's?")
    assert not answer.abstained
    assert "server-side load balancing" in answer.text
    assert answer.sources[0].passage.heading[-1].startswith("Redis stream support 3 types of queries")
    assert "https://redis.io/docs/latest/develop/data-types/streams/" in [link.url for link in answer.links]
    assert "[1]" in answer.text


def test_every_quote_is_verbatim_from_its_cited_passage(bundled_asker: Asker):
    answer = bundled_asker.ask("why is kafka fast if it writes to disk")
    assert answer.quotes
    for quote in answer.quotes:
        assert quote.text in " ".join(answer.sources[quote.source - 1].passage.text.split())


@pytest.mark.parametrize("question", ["Which country won the 2010 football World Cup?", "best sourdough bread recipe"])
def test_off_topic_question_is_abstained_with_nearest_sections(bundled_asker: Asker, question: str):
    answer = bundled_asker.ask(question)
    assert answer.abstained
    assert answer.text == "Your notes don't cover this."
    assert answer.quotes == () and len(answer.hits) > 0


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_blank_question_is_refused_before_any_search(bundled_asker: Asker, question: str):
    with pytest.raises(QuestionError, match="Type a question first"):
        bundled_asker.ask(question)


def test_huge_question_is_cut_with_a_notice(bundled_asker: Asker):
    answer = bundled_asker.ask("kafka offsets " * 1500)
    assert len(answer.question) == bundled_asker.config.max_question_chars
    assert answer.notice == "Your question was 20,999 characters; only the first 1,000 were used."


def test_follow_up_is_resolved_with_the_previous_question(bundled_asker: Asker):
    alone = bundled_asker.ask("and the docs link?")
    follow = bundled_asker.ask("and the docs link?", previous="How does Kafka handle offsets?")
    assert any("kafka.apache.org" in link.url for link in follow.links)
    assert [h.passage.id for h in alone.hits] != [h.passage.id for h in follow.hits]


def test_follow_up_naming_a_new_subject_moves_to_that_subject(bundled_asker: Asker):
    kafka = "Which questions about Kafka did I still have open?"
    before = bundled_asker.ask(kafka)
    follow = bundled_asker.ask("what about Redis Stream?", previous=kafka)
    assert before.hits[0].passage.heading[-1] == "Kafka"
    assert "Redis Stream" in follow.hits[0].passage.heading, follow.hits[0].passage.heading
    assert all("Kafka" not in h.passage.heading for h in follow.hits[:3])  # the old subject is left behind


@pytest.mark.parametrize("question", ["thanks!", "ok, great", "hi there", "why?", "?"])
def test_small_talk_or_a_bare_question_word_searches_nothing_and_says_so(bundled_asker: Asker, question: str):
    answer = bundled_asker.ask(question)
    assert answer.abstained and not answer.looked_up
    assert answer.hits == () and answer.quotes == ()
    assert answer.reason.startswith("There is nothing in that to look up")


def test_small_talk_after_a_question_is_not_read_as_a_follow_up(bundled_asker: Asker):
    answer = bundled_asker.ask("thanks!", previous="How does Kafka handle offsets?")
    assert not answer.looked_up and answer.searched == ""


def test_a_bare_why_continues_the_question_before(bundled_asker: Asker):
    answer = bundled_asker.ask("why?", previous="Is Kafka disk based?")
    assert answer.looked_up and not answer.abstained
    assert answer.searched == "Is Kafka disk based? why?"
    assert "Kafka" in answer.sources[0].passage.heading


def test_a_wikilink_in_a_question_is_searched_as_the_words_it_names(bundled_asker: Asker):
    linked = bundled_asker.ask("what did I note about [[Redis Stream]] and [[notes/caching|caching]]?")
    plain = bundled_asker.ask("what did I note about Redis Stream and caching?")
    assert linked.searched == "what did I note about Redis Stream and caching?"
    assert linked.question.startswith("what did I note about [[Redis Stream]]")  # shown as typed
    assert [h.passage.id for h in linked.hits] == [h.passage.id for h in plain.hits]


@pytest.mark.parametrize("question", ["what's in my notes?", "What topics do my notes cover?", "summarize my notes",
                                      "help", "what can you do?"])
def test_a_question_about_the_notes_as_a_whole_is_answered_with_their_outline(bundled_asker: Asker, question):
    answer = bundled_asker.ask(question)
    assert not answer.abstained and answer.overview is not None and answer.hits == ()
    assert (answer.overview.notes, answer.overview.largest[0].title) == (1, "System design")
    assert "Messaging system" in answer.overview.largest[0].sections


@pytest.mark.parametrize("question, whole", [
    ("what topics does my vault cover?", True), ("what kinds of things are in my notes?", True),
    ("what are my notes about?", True), ("what can I ask?", True),
    ("what do my notes say about topics?", False), ("what did I write about the vault?", False),
    ("what do you know about kafka", False), ("how do I take notes", False), ("help with kafka", False),
    ("What are the contents of a Kafka message?", False), ("what notes do I have about kafka?", False),
])
def test_what_asks_about_the_notes_as_a_whole(question: str, whole: bool):
    from ask.overview import asks_for_overview
    assert asks_for_overview(question) is whole


def test_a_question_about_one_topic_of_the_notes_is_searched(bundled_asker: Asker):
    answer = bundled_asker.ask("what do my notes say about Kafka?")
    assert answer.overview is None and "Kafka" in answer.sources[0].passage.heading


def test_follow_ups_continue_the_last_question_with_a_topic():
    from ask.followup import last_topic
    assert last_topic(["How does Kafka handle offsets?", "why?", "thanks!"]) == "How does Kafka handle offsets?"
    assert last_topic(["ok"]) is None and last_topic([]) is None
    assert last_topic(["What is Kafka?", "what's in my notes?"]) == "What is Kafka?"


@pytest.mark.parametrize("question, previous, expected", [
    ("and in Redis?", "how do kafka consumer groups work?", "how do kafka consumer groups work? and in Redis?"),
    ("what about it?", "kafka offsets", "kafka offsets what about it?"),
    ("tell me more", "kafka offsets", "kafka offsets tell me more"),
    ("thanks!", "kafka offsets", "thanks!"),
    ("How does DynamoDB single table design work?", "kafka offsets", "How does DynamoDB single table design work?"),
    ("and in Redis?", None, "and in Redis?"),
])
def test_standalone_question(question, previous, expected):
    from ask import standalone_question
    assert standalone_question(question, previous) == expected


@pytest.mark.parametrize("query, quoted", [
    ("consistant hashing", "Consistent hashing"),
    ("kafak offset", "How Kafka handle offset?"),
    ("dynamo db core componets", "Core components:"),
    ("bloom filter", "Bloom Filter"),
    ("websocket", "websocket vs long polling"),
])
def test_short_keyword_queries_and_typos_find_the_line(bundled_asker: Asker, query: str, quoted: str):
    answer = bundled_asker.ask(query)
    assert not answer.abstained and quoted in answer.text


def test_a_question_written_in_the_notes_is_quoted_with_its_answer(bundled_asker: Asker):
    answer = bundled_asker.ask("how does kafka handle offsets?")
    assert "How Kafka handle offset?" in answer.text
    assert "Manage message position consumed in a partition" in answer.text


def test_a_quoted_line_ending_in_a_colon_is_quoted_with_the_items_it_introduces(tmp_path, encoder):
    notes = write_notes(tmp_path / "notes", {"web.md": (
        "# Single web server\n\n"
        "- Open up only necessary ports\n"
        "    - Allow the web server to respond to incoming requests from:\n"
        "        - 80 for HTTP\n"
        "        - 443 for HTTPS\n"
        "        - 22 for SSH to only whitelisted IPs\n"
        "- Prevent the web server from initiating outbound connections\n")})
    asker, _ = Asker.open(Config(notes_dir=notes, index_dir=tmp_path / "index"), encoder)
    answer = asker.ask("which incoming requests should the web server respond to?")
    assert "Allow the web server to respond to incoming requests from:" in answer.text
    assert "443 for HTTPS" in answer.text and "80 for HTTP" in answer.text


def test_a_sentence_written_in_two_notes_is_quoted_once(tmp_path, encoder):
    step = "Ask questions to clarify use cases and constraints."
    notes = write_notes(tmp_path / "notes", {
        f"{name}.md": f"# Design {name}\n\n## Step 1\n\n{step}\n\nGather requirements and scope the problem.\n"
        for name in ("a paste bin", "a web crawler")})
    asker, _ = Asker.open(Config(notes_dir=notes, index_dir=tmp_path / "index"), encoder)
    answer = asker.ask("what should I ask to clarify use cases and constraints?")
    assert len(answer.sources) >= 1 and [q.text for q in answer.quotes].count(step) == 1


def test_a_misspelt_word_is_searched_as_the_notes_spell_it_and_the_answer_says_so(bundled_asker: Asker):
    typed = bundled_asker.ask("kafak offsets")
    spelt = bundled_asker.ask("kafka offsets")
    assert typed.searched == typed.suggestion == "kafka offsets"
    assert [h.row for h in typed.hits] == [h.row for h in spelt.hits]
    assert "How Kafka handle offset?" in typed.text
