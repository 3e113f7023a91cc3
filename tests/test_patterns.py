"""No regular expression over note or question text is worse than linear, and no text breaks the
Markdown -> passages -> answer path: pathological strings against every pattern, with a time bound,
and property-based tests (hypothesis) over the whole path."""
from __future__ import annotations

import importlib
import pkgutil
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ask
import ingest
from ask.render import inline_html, note_html, question_html
from ingest import split_note
from ingest.markdown import MAX_UNIT_CHARS
from ingest.passages import HARD_LIMIT


def _patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern at module level in ask/ and ingest/: a new one is covered without a word."""
    found = {}
    for package in (ask, ingest):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    found[f"{module.__name__}.{name}"] = value
    return found


PATTERNS = _patterns()
# Each fragment repeated to 30,000 characters: the shapes that make backtracking patterns quadratic.
FRAGMENTS = ["[", "]", "(", ")", "[a](", "](", "![", "[[", "[[a|", "<", "<a ", '<a href="', "<A", "</A", "<a\t",
             "http://", "https://a.b/", "www.", " ", "\t", "\n", "\n ", ".", ". ", "a. A", "a", "a1", "1", "#", "`",
             "*", "_", "|", ">", "-", "- ", "  - ", "1. ", "import a ", "export ", ":::", "how ", "default ",
             "max size ", "'", "’", "a.b", "a'", "&", "{%", "{{<", "#a ", "> [!", "\\", ":", "?", "!", "=", '"',
             "it ", "and ", "what about ", "a\u00a0", "é"]
LENGTH = 30_000
BOUND_SECONDS = 0.5  # linear work over 30,000 characters takes milliseconds; quadratic takes seconds


def test_every_pattern_of_ask_and_ingest_is_collected():
    assert {"ingest.markdown._SENTENCE_END", "ingest.links._HTML_HREF", "ask.terms._WORD",
            "ask.abstain._QUANTITY"} <= set(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_pathological_text(name):
    pattern = PATTERNS[name]
    slowest = (0.0, "")
    for fragment in FRAGMENTS:
        text = (fragment * (LENGTH // len(fragment) + 1))[:LENGTH]
        started = time.perf_counter()
        pattern.search(text)
        pattern.findall(text)
        pattern.match(text)
        slowest = max(slowest, (time.perf_counter() - started, fragment))
    assert slowest[0] < BOUND_SECONDS, f"{name} took {slowest[0]:.2f} s on {slowest[1]!r} x {LENGTH:,}"


MARKDOWNISH = st.lists(st.sampled_from(list("ab #*_[]()!<>`|-:.\n\t/\\\"'{}%=&1") + [
    "http://x.y/", "javascript:", "[[", "]]", "```", "<script>", "\u00a0", "é", "\r\n", "# ", "- ", "1. ", "> ",
    "| a |", "\n|-|", "[a](", "<a href='"]), max_size=150).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_any_text_splits_into_passages_inside_the_note(text):
    passages = split_note("n.md", text, max_chars=200)
    line_count = max(1, len(text.splitlines()))
    for p in passages:
        assert 1 <= p.lines[0] <= p.lines[1] <= line_count
        assert len(p.text) <= HARD_LIMIT * 200
        assert all(link.url.startswith(("http://", "https://")) for link in p.links)
        assert all(0 < len(u.text) <= MAX_UNIT_CHARS for u in p.units)


_SAFE_TAG = re.compile(r"</?(?:p|ul|ol|li|strong|em|code|pre|a|span|h[1-6]|table|thead|tbody|tr|th|td|blockquote|"
                       r"br|hr|s|div|input)\b[^<>]*>")


@settings(max_examples=150, deadline=None)
@given(MARKDOWNISH)
def test_rendering_any_text_leaves_no_tag_or_link_from_it(text):
    for html in (note_html(text), inline_html(text), question_html(text)):
        assert "\n\n" not in html
        leftover = _SAFE_TAG.sub("", html)
        assert "<" not in leftover and ">" not in leftover, html
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs  # "http://x.y/javascript:" is fine
        assert "<script" not in html.lower()


@pytest.fixture(scope="module")
def fake_asker(tmp_path_factory):
    """The bundled notes plus a note crafted to be slow, indexed with the fake encoder."""
    from ask import Asker
    from ingest import Config

    from helpers import BUNDLED_NOTES, fake_encoder, write_notes
    root = tmp_path_factory.mktemp("crafted")
    notes = write_notes(root / "notes", {"system-design.md": (BUNDLED_NOTES / "system-design.md").read_text(),
                                         "crafted.md": "# Crafted\n\nbrackets " + "[" * 50_000 + "\n\n"
                                                       "anchors " + "<a " * 20_000 + "\n"})
    started = time.perf_counter()
    asker, _ = Asker.open(Config(notes_dir=notes, index_dir=root / "index"), fake_encoder())
    return asker, time.perf_counter() - started


def test_a_crafted_note_neither_stalls_ingest_nor_the_answers_that_show_it(fake_asker):
    from ask.render import answer_html, sources_html
    asker, ingest_seconds = fake_asker
    assert ingest_seconds < 10
    started = time.perf_counter()
    answer = asker.ask("brackets anchors crafted")
    html = answer_html(answer) + sources_html(answer)
    assert time.perf_counter() - started < 1.0
    assert any(hit.passage.doc == "crafted.md" for hit in answer.hits) and len(html) < 100_000


QUESTIONISH = st.lists(st.sampled_from(list("ab ?!.,'’-:;\n\t") + ["kafka", "Redis", "how many", "and", "it",
                       "what about", "TLS", "the", "default size", "é", "\u00a0", "[", "<b>", "DBs", "1"]),
                       max_size=60).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=QUESTIONISH, previous=st.one_of(st.none(), QUESTIONISH))
def test_any_question_gets_an_answer_or_a_clear_question_error(fake_asker, question, previous):
    from ask import QuestionError
    asker, _ = fake_asker
    try:
        answer = asker.ask(question, previous=previous)
    except QuestionError as error:
        assert not question.strip() and str(error) == "Type a question first."
        return
    assert answer.abstained or answer.quotes
    assert all(1 <= q.source <= len(answer.sources) for q in answer.quotes)
