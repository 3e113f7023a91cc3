"""The running app (app.py in a subprocess) answered through gradio_client over loopback."""
from __future__ import annotations

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from helpers import copy_notes, running_app

REDIS_QUESTION = "how do redis consumer groups differ from kafka's?"
LINKING_NOTE = ("# Reading list\n\nThe [study notes](../system-design.md#kafka) come first, then "
                "[a missing note](gone.md) and [a script](javascript:alert(1)//x.md).\n")

COMMENTED_NOTE = ("# Garden\n\nTomatoes go out after the last frost.\n\n%%\n## Draft\n"
                  "- the shed's padlock code is 4711\n%%\n\nWater the beds in the morning.\n")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    notes = copy_notes(root / "notes")
    (notes / "reading").mkdir()
    (notes / "reading" / "list.md").write_text(LINKING_NOTE, encoding="utf-8")
    (notes / "outline.md").write_text("# Outline\n\n## Part one\n\n## Part two\n", encoding="utf-8")
    (notes / "garden.md").write_text(COMMENTED_NOTE, encoding="utf-8")
    # one address asks every question of this module: more than a visitor's burst (the limit is tested in test_limits)
    with running_app(notes, root / "index", QA_QUESTIONS_PER_MINUTE="120") as url:
        yield url, notes


@pytest.fixture(scope="module")
def client(app) -> Client:
    return Client(app[0], verbose=False, analytics_enabled=False, download_files=False)


def ask(client: Client, question: str) -> dict:
    return client.predict(question, api_name="/ask")


def _new_client(app) -> Client:
    """A client of its own: a session of its own, as a second visitor would have."""
    return Client(app[0], verbose=False, analytics_enabled=False, download_files=False)


def _last_reply(history: list[dict]) -> str:
    content = history[-1]["content"]
    return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)


def test_ask_endpoint_answers_from_the_redis_section_with_its_link(client):
    result = ask(client, REDIS_QUESTION)
    assert result["abstained"] is False
    assert "consumer group" in result["answer"].lower()
    assert "Redis" in result["passages"][0]["heading"]
    assert any("https://redis.io/docs/latest/develop/data-types/streams/" in link["url"]
               for link in result["links"])
    quotes = result["quotes"]  # each line quoted, its citation, and whether it matched or is there to be read
    assert "\n".join(f"{q['text']} [{q['source']}]" for q in quotes) == result["answer"]
    assert any(q["matched"] for q in quotes) and all(1 <= q["source"] <= len(result["citations"]) for q in quotes)


def test_off_topic_question_abstains(client):
    assert ask(client, "Which country won the 2010 football World Cup?")["abstained"] is True


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
    message = client.predict(api_name="/reingest")

    assert "1 note changed" in message and "passages" in message
    after = ask(client, question)
    assert after["abstained"] is False
    assert "Zookies" in after["answer"]


def test_a_follow_up_through_the_chat_endpoint_is_searched_with_the_question_before(app):
    client = _new_client(app)
    history, *_ = client.predict("What did I write about DynamoDB?", [], api_name="/chat")
    history, *_ = client.predict("and the docs link?", history, api_name="/chat")
    reply = _last_reply(history)
    assert "https://docs.aws.amazon.com/amazondynamodb/" in reply
    assert "searched: <q>What did I write about DynamoDB? and the docs link?</q>" in reply

    alone, *_ = _new_client(app).predict("and the docs link?", [], api_name="/chat")
    assert "docs.aws.amazon.com" not in _last_reply(alone) and "searched:" not in _last_reply(alone)


def test_thanks_in_the_chat_searches_nothing_and_the_next_follow_up_skips_it(app):
    client = _new_client(app)
    history, *_ = client.predict("What did I write about DynamoDB?", [], api_name="/chat")
    history, sources, *_ = client.predict("thanks!", history, api_name="/chat")
    reply = _last_reply(history)
    assert "There is nothing in that to look up" in reply and "don't cover" not in reply
    assert "Ask a question to see the passages" in sources
    history, *_ = client.predict("and the docs link?", history, api_name="/chat")
    assert "searched: <q>What did I write about DynamoDB? and the docs link?</q>" in _last_reply(history)


def test_whats_in_my_notes_through_the_api_gives_their_outline(client):
    result = ask(client, "what's in my notes?")
    assert result["abstained"] is False and result["passages"] == []
    outline = {note["doc"]: note for note in result["overview"]}
    assert "Messaging system" in outline["system-design.md"]["sections"]


def test_a_question_that_is_not_text_gets_a_clear_error(client):
    for value in (5, None, ["kafka"]):
        with pytest.raises(AppError, match="A question must be text, got"):
            ask(client, value)


def test_no_server_path_reaches_a_visitor(app, client):
    url, notes = app
    _, _, status, _ = client.predict(REDIS_QUESTION, [], api_name="/chat")
    message = client.predict(api_name="/reingest")
    page = httpx.get(url + "config", timeout=30).text
    for shown in (status, message, page):
        assert str(notes.parent) not in shown


def test_uploads_and_oversized_requests_are_refused(app):
    url, _ = app
    upload = httpx.post(url + "gradio_api/upload", files={"files": ("a.txt", b"x" * 10)}, timeout=30)
    assert (upload.status_code, upload.json()) == (403, {"error": "This app takes no files."})
    huge = httpx.post(url + "gradio_api/call/ask", content=b'{"data": ["' + b"x" * 2_000_000 + b'"]}', timeout=30)
    assert huge.status_code == 413


def test_a_note_page_shows_only_indexed_notes_with_scripts_forbidden(app):
    url, _ = app
    page = httpx.get(url + "note", params={"doc": "system-design.md", "from": 100, "to": 104}, timeout=30)
    assert page.status_code == 200
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none' covers scripts
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert 'id="cited"' in page.text and "Consumer group" in page.text
    for doc in ("../../../etc/passwd", "/etc/passwd", "system-design.md/../../app.py", "missing.md", ""):
        refused = httpx.get(url + "note", params={"doc": doc}, timeout=30)
        assert refused.status_code == 404 and "root:" not in refused.text
    listing = httpx.get(url + "notes", timeout=30)
    assert listing.status_code == 200 and "system-design.md" in listing.text and "passages" in listing.text


def test_an_obsidian_comment_is_neither_answered_from_nor_shown(app, client):
    """What a note hides in %% … %% (here a heading and a list) stays hidden: in answers and on its page."""
    url, _ = app
    page = httpx.get(url + "note", params={"doc": "garden.md"}, timeout=30).text
    assert "last frost" in page and "Water the beds" in page
    assert "4711" not in page and "Draft" not in page
    result = ask(client, "what is the code of the shed's padlock?")
    assert "4711" not in result["answer"] and all("4711" not in p["text"] for p in result["passages"])


def test_a_plain_markdown_link_to_another_note_opens_that_note(app):
    """A docs folder or a Notion export links notes with [text](../other.md), not [[wikilinks]]."""
    url, _ = app
    page = httpx.get(url + "note", params={"doc": "reading/list.md"}, timeout=30)
    assert page.status_code == 200
    assert '<a class="note-link" href="note?doc=system-design.md"' in page.text
    assert '<span class="note-link" title="note: gone.md">a missing note</span>' in page.text
    assert "javascript:" not in page.text
    linked = httpx.get(url + "note", params={"doc": "system-design.md"}, timeout=30)
    assert linked.status_code == 200 and "Consumer group" in linked.text


def test_an_answer_offers_the_notes_its_sources_link_to(app):
    """[[wikilinks]] and [text](other.md) links of the cited passages are listed as related notes,
    each opening the note; a link to a note the folder does not have is not offered."""
    history, *_ = _new_client(app).predict("what is on my reading list?", [], api_name="/chat")
    reply = _last_reply(history)
    assert "reading/list.md" in reply
    related = reply.split('<p class="related">', 1)[1].split("</p>", 1)[0]
    assert '<a class="note-link" href="note?doc=system-design.md"' in related and "gone" not in related


def test_the_list_of_notes_shows_a_note_with_nothing_to_quote_too(app):
    """A note of headings only gives no passage, but it was read: the list says so instead of
    leaving its writer to wonder whether it was found."""
    listing = httpx.get(app[0] + "notes", timeout=30).text
    assert 'outline.md</a> · 0 passages' in listing and "system-design.md</a> · " in listing


def test_one_visitor_cannot_keep_the_server_rendering_note_pages(app):
    """Rendering a note costs the server time in proportion to its size: each visitor has a budget
    of characters a minute, and past it is told when to come back. (Last in this file: it spends the
    loopback visitor's page budget.)"""
    url, _ = app
    with httpx.Client(base_url=url, timeout=30) as http:
        codes = [http.get("note", params={"doc": "system-design.md"}).status_code for _ in range(80)]
        refused = http.get("note", params={"doc": "system-design.md"})
    assert codes[0] == 200 and 429 in codes
    assert refused.status_code == 429 and "Too many note pages from your address" in refused.text
