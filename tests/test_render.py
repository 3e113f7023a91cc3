from __future__ import annotations

from ask import escape
from ask.answer import Answer, Quote
from ask.render import answer_markdown, link_markdown, sources_markdown
from ask.retrieve import Hit
from ingest import Link, Passage


def _answer(text: str, links=()) -> Answer:
    passage = Passage("id", "n.md", ("H <b>",), (1, 2), text, tuple(links))
    hit = Hit(passage, 0, 1.0, 0.9, 0.9, 1.0)
    return Answer("q", False, (Quote(text, 1, 1),), (hit,), (hit,))


def test_html_in_notes_is_shown_as_text_not_markup():
    assert escape('<script>alert(1)</script>') == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"


def test_markdown_links_in_quotes_show_their_text_only():
    assert escape("[click](javascript:alert(1)) now") == "click now"


def test_a_bare_web_url_becomes_a_working_link_and_nothing_else_does():
    assert escape("Reference: https://kafka.apache.org/documentation/.") == (
        "Reference: [https://kafka\\.apache\\.org/documentation/](https://kafka.apache.org/documentation/)\\.")
    assert escape("javascript:alert(1)") == "javascript:alert\\(1\\)"
    assert escape('see https://a.org/"onmouseover=x') == 'see [https://a\\.org/](https://a.org/)"onmouseover=x'


def test_non_web_link_is_rendered_as_plain_text():
    assert link_markdown("javascript:alert(1)", "x") == "x"
    assert link_markdown("https://a.org/p(1)", "A") == "[A](https://a.org/p%281%29)"


def test_answer_markdown_has_quotes_sources_and_referenced_docs():
    md = answer_markdown(_answer("Kafka is fast.", [Link("https://kafka.apache.org/documentation/")]))
    assert md.splitlines()[0] == "- Kafka is fast\\. **[1]**"
    assert "**Sources**\n1. n\\.md › H &lt;b&gt;, lines 1–2" in md
    assert "[Documentation — kafka\\.apache\\.org](https://kafka.apache.org/documentation/)" in md


def test_no_raw_html_survives_in_sources_panel():
    md = sources_markdown(_answer('<img src=x onerror="alert(1)">'))
    assert "<img" not in md and "&lt;img" in md


def test_indented_note_lines_do_not_become_code_blocks_in_sources():
    md = sources_markdown(_answer("    out of order. To"))
    assert "```" not in md and "> out of order\\. To" in md


def test_terminal_answer_is_plain_text():
    from ask.render import answer_text
    text = answer_text(_answer("Kafka <is> fast.", [Link("https://kafka.apache.org/documentation/")]))
    assert text == ("- Kafka <is> fast. [1]\n\nSources\n  [1] n.md › H <b>, lines 1–2\n\n"
                    "Referenced docs\n  - Documentation — kafka.apache.org: https://kafka.apache.org/documentation/")
