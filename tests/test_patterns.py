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
        assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
        assert "<script" not in html.lower() and "javascript:" not in " ".join(hrefs).lower()
