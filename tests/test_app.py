"""The running app (app.py in a subprocess) answered through gradio_client over loopback."""
from __future__ import annotations

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from server import copy_notes, running_app

REDIS_QUESTION = "how do redis consumer groups differ from kafka's?"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    notes = copy_notes(root / "notes")
    with running_app(notes, root / "index") as url:
        yield url, notes


@pytest.fixture(scope="module")
def client(app) -> Client:
    return Client(app[0], verbose=False, analytics_enabled=False, download_files=False)


def ask(client: Client, question: str) -> dict:
    return client.predict(question, api_name="/ask")


def test_ask_endpoint_answers_from_the_redis_section_with_its_link(client):
    result = ask(client, REDIS_QUESTION)
    assert result["abstained"] is False
    assert "consumer group" in result["answer"].lower()
    assert "Redis" in result["passages"][0]["heading"]
    assert any("https://redis.io/docs/latest/develop/data-types/streams/" in link["url"]
               for link in result["links"])


def test_off_topic_question_abstains(client):
    assert ask(client, "Who won the 2018 FIFA World Cup?")["abstained"] is True


def test_empty_question_is_an_error_through_the_client(client):
    with pytest.raises(AppError, match="Type a question first"):
        ask(client, "")


def test_overlong_question_is_answered_with_a_notice_that_it_was_cut(client):
    result = ask(client, ("redis consumer groups " * 1000)[:20_000])
    assert "20,000 characters" in result["notice"]
    assert "only the first" in result["notice"]
    assert "answer" in result


def test_reingest_after_editing_a_note_changes_the_answer(app, client):
    _, notes = app
    question = "What are zookies?"
    before = ask(client, question)
    assert before["abstained"] or "Zookies" not in before["answer"]

    with (notes / "system-design.md").open("a", encoding="utf-8") as note:
        note.write("\n## Zanzibar tokens\nZookies are consistency tokens that Zanzibar hands out "
                   "to avoid the new enemy problem.\n")
    message, status = client.predict(api_name="/reingest")

    assert "1 note changed" in message
    assert "passages" in status
    after = ask(client, question)
    assert after["abstained"] is False
    assert "Zookies" in after["answer"]
