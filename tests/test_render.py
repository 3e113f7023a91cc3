"""Rendering: note Markdown becomes HTML in which nothing from the note runs; answers cite their cards."""
from __future__ import annotations

from dataclasses import replace

import pytest

from ask.answer import Answer, Quote
from ask.render import answer_html, answer_text, inline_html, note_html, question_html, sources_html
from ask.retrieve import Hit
from ingest import Link, Passage


def _answer(text: str, links=(), heading=("H <b>",)) -> Answer:
    passage = Passage("id", "n.md", heading, (1, 2), text, tuple(links))
    hit = Hit(passage, 0, 1.0, 0.9, 0.9, 1.0, 1.0)
    return Answer("q", False, (Quote(text, 1, 1),), (hit,), (hit,))


def test_html_in_a_note_is_shown_as_text():
    assert note_html("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert inline_html('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


def test_note_markdown_renders_emphasis_lists_code_and_tables():
    html = note_html("- **Client** talks\n  - nested `x<y`\n\n```\na\n\nb\n```\n\n| k | v |\n|---|---|\n| 1 | 2 |\n")
    assert "<strong>Client</strong>" in html and "<ul>\n<li>nested <code>x&lt;y</code></li>" in html
    assert "<pre><code>a&#10;&#10;b</code></pre>" in html
    assert "<td>1</td>" in html


def test_rendered_html_has_no_blank_line_even_with_blank_lines_in_code():
    """A blank line would end the HTML block in the chat's Markdown viewer and expose the rest to it."""
    html = note_html("para\n\n\n```\nx\n\n\n\ny\n```\n\n\n- a\n\n- b\n")
    assert "\n\n" not in html


@pytest.mark.parametrize("markdown", [
    "[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "[click](data:text/html,x)",
    "[click](vbscript:x)", "[click](file:///etc/passwd)", "[click](relative/page.md)", "[click](#anchor)",
    "<javascript:alert(1)>", "[click][r]\n\n[r]: javascript:alert(1)",
])
def test_only_web_links_keep_an_href(markdown):
    html = note_html(markdown)
    assert "href" not in html and "<a" not in html


def test_web_links_open_in_a_new_tab_without_referrer():
    html = inline_html("see [docs](https://kafka.apache.org/documentation/) or https://redis.io/docs/")
    assert html == ('see <a href="https://kafka.apache.org/documentation/" target="_blank" '
                    'rel="noopener noreferrer nofollow">docs</a> or <a href="https://redis.io/docs/" '
                    'target="_blank" rel="noopener noreferrer nofollow">https://redis.io/docs/</a>')


def test_images_are_never_loaded():
    html = note_html("![diagram](https://tracker.example/pixel.png) ![local](img/a.png)")
    assert "<img" not in html
    assert '[image: diagram]</a>' in html and '<span class="image">[image: local]</span>' in html


def test_a_question_is_shown_literally():
    assert question_html('<svg><a href="javascript:x">\n*b*') == (
        '<div class="question">&lt;svg&gt;&lt;a href=&quot;javascript:x&quot;&gt;<br>*b*</div>')


def test_answer_has_quotes_citations_sources_and_referenced_docs():
    html = answer_html(_answer("Kafka is **fast**.", [Link("https://kafka.apache.org/documentation/")]))
    assert ('<li>Kafka is <strong>fast</strong>. <a class="cite" href="#source-1" aria-label="source 1">[1]</a></li>'
            in html)
    assert '<a href="#source-1">[1] n.md › H &lt;b&gt;, lines 1–2</a>' in html
    assert ('<a href="https://kafka.apache.org/documentation/" target="_blank" rel="noopener noreferrer nofollow">'
            'Documentation — kafka.apache.org</a>') in html


def test_lines_that_match_are_marked_when_a_passage_is_quoted_whole():
    answer = _answer("Kafka is fast.")
    assert "matched" not in answer_html(answer)  # every line matched: nothing to tell apart
    whole = replace(answer, quotes=(Quote("Kafka is fast.", 1, 1), Quote("It writes to disk.", 1, 2, matched=False)))
    html = answer_html(whole)
    assert '<li class="matched" title="matches your question">Kafka is fast.' in html
    assert "<li>It writes to disk." in html


def test_a_link_written_by_reference_is_live_again_in_a_quote_and_a_card():
    paper = Link("https://lamport.azurewebsites.net/pubs/time-clocks.pdf", "time paper")
    answer = _answer("Read the [time paper][lamport], then m[i][j].", [paper])
    live = ('<a href="https://lamport.azurewebsites.net/pubs/time-clocks.pdf" target="_blank" '
            'rel="noopener noreferrer nofollow">time paper</a>, then m[i][j].')
    assert live in answer_html(answer) and live in sources_html(answer)  # an index is no reference
    unknown = _answer("Read the [other paper][other].", [paper])  # no link of that text: left as written
    assert "Read the [other paper][other]." in answer_html(unknown)


def test_a_reference_to_a_heading_of_its_page_reads_as_its_text():
    """Reference docs (Node's API pages) write '[`fs.open()`][]' with its definition, an anchor of the
    same page, at the page's end: cut from the page, it is a link's text, not bracketed Markdown."""
    answer = _answer("Like [`fs.open()`][], but m[i][j] and [text][label] stay.")
    for html in (answer_html(answer), sources_html(answer)):
        assert "Like <code>fs.open()</code>, but m[i][j] and [text][label] stay." in html
    assert answer_text(answer).startswith("- Like `fs.open()`, but m[i][j] and [text][label] stay. [1]\n")


def test_source_cards_carry_the_ids_citations_point_to():
    html = sources_html(_answer("<b>bold</b> text"))
    assert html.startswith('<section class="source" id="source-1" tabindex="-1"><h3>[1] n.md › H &lt;b&gt;')
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html


def test_terminal_answer_reads_wikilinks_and_shortcodes_as_the_page_does():
    assert answer_text(_answer('{% hint style="info" %} Streams  keep `x`. {% endhint %}')).startswith(
        "- Streams keep `x`. [1]\n")
    pointer = answer_text(_answer("See [[thoughts/Postel's Law|Postel]] on this. ^p1"))
    assert pointer.startswith("- See Postel on this. [1]\n")


def test_terminal_answer_is_plain_text():
    text = answer_text(_answer("Kafka <is> fast.", [Link("https://kafka.apache.org/documentation/")]))
    assert text == ("- Kafka <is> fast. [1]\n\nSources\n  [1] n.md › H <b>, lines 1–2\n\n"
                    "Referenced docs\n  - Documentation — kafka.apache.org: https://kafka.apache.org/documentation/")


def test_related_notes_are_the_notes_the_sources_link_to_that_the_folder_has():
    passage = Passage("id", "n.md", ("H",), (1, 2), "See [[Raft]], [[n]] and [gone](gone.md).",
                      related=("Raft", "n", "gone.md"))
    answer = Answer("q", False, (Quote("See [[Raft]].", 1, 1),), (Hit(passage, 0, 1.0, 0.9, 0.9, 1.0, 1.0),))
    docs = {"Raft": "notes/Raft.md", "n": "n.md"}
    html = answer_html(answer, docs.get)
    assert '<p class="related"><strong>Related notes</strong> <a class="note-link" ' \
           'href="note?doc=notes%2FRaft.md" target="_blank" title="note: notes/Raft.md">Raft</a></p>' in html
    assert answer_text(answer, docs.get).endswith("Related notes\n  - notes/Raft.md")  # not itself, not gone.md
    assert "Related notes" not in answer_html(answer)  # nothing to open without the index's notes


def test_an_overview_lists_the_largest_notes_first_with_their_sections_escaped():
    from ask.overview import SHOWN_NOTES, overview
    passages = [Passage(id=f"{n}-{k}", doc=f"n{n:02d}.md", heading=(f"Note <img src=x onerror=alert(1)> {n}",
                                                                      f"Part {k}"), lines=(k, k), text="x")
                for n in range(SHOWN_NOTES + 2) for k in range(n + 1)]  # note n has n + 1 passages
    shown = overview(passages)
    assert (shown.notes, shown.passages) == (SHOWN_NOTES + 2, len(passages))
    assert [note.doc for note in shown.largest] == [f"n{n:02d}.md" for n in range(SHOWN_NOTES + 1, 1, -1)]
    assert shown.largest[-1].sections == ("Part 0", "Part 1", "Part 2")
    html = answer_html(Answer("what's in my notes?", abstained=False, looked_up=False, overview=shown))
    assert "<img" not in html and "&lt;img src=x" in html
    assert f"the {SHOWN_NOTES} largest" in html and 'href="note?doc=n13.md"' in html
    assert answer_text(Answer("q", abstained=False, looked_up=False, overview=shown)).count("\n  - ") == SHOWN_NOTES


def test_an_overview_counts_notes_by_folder_where_the_folders_branch():
    from ask.overview import overview
    docs = ["content/git/a.md", "content/git/b.md", "content/pg/c.md", "content/top.md"]
    shown = overview([Passage(id=doc, doc=doc, heading=(doc,), lines=(1, 1), text="x") for doc in docs])
    assert shown.folders == (("content/git", 2), ("content/pg", 1))
    assert "By folder: content/git (2) · content/pg (1)" in answer_html(
        Answer("what's in my notes?", abstained=False, looked_up=False, overview=shown))
    assert overview([Passage(id="a", doc="a.md", heading=("a",), lines=(1, 1), text="x")]).folders == ()
