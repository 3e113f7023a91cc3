"""Markdown as people write it: Obsidian vaults and GitBook/Hugo docs folders."""
from __future__ import annotations

import pytest

from ask.render import inline_html, note_html
from ingest import for_display, note_path, passage_document, split_note
from ingest.dialect import note_targets, read_front_matter, resolve_note, searchable

VAULT_NOTE = """---
title: "CAP Theorem"
aliases:
  - Brewer's theorem
tags:
  - seed
  - distributed
---
CAP says you pick two of [[thoughts/consistency|Consistency]], availability and partition tolerance.

![[thoughts/images/cap.png]]

See [[Raft]] and [[thoughts/PBFT#Checkpoints]] for consensus.

> [!info] Heads up
> Partitions happen.

#distributed #seed
"""


def test_front_matter_title_is_the_notes_top_heading_and_is_not_indexed_as_text():
    passages = split_note("content/thoughts/cap.md", VAULT_NOTE)
    assert {p.heading for p in passages} == {("CAP Theorem",)}
    assert all("title:" not in p.text and "---" not in p.text for p in passages)
    assert passages[0].aliases == ("Brewer's theorem",) and passages[0].tags == ("seed", "distributed")
    assert passage_document(passages[0]).startswith("CAP Theorem (Brewer's theorem)\n")


DOCS_PAGE = """---
title: npm-install-ci-test
description: Install a project with a clean slate and run tests
---

### Synopsis

npm install-ci-test

### Description

This command runs `npm ci` followed immediately by `npm test`.
"""


def test_a_notes_description_is_searched_with_each_of_its_passages_and_never_quoted():
    """A docs page's description (Docusaurus, Hugo, GitBook, npm's docs) is the writer's line on
    what the whole page is about: every passage is found by it, as by the title; it is not body text."""
    passages = split_note("commands/npm-install-ci-test.md", DOCS_PAGE)
    summary = "Install a project with a clean slate and run tests"
    assert len(passages) == 2 and all(p.summary == summary for p in passages)
    assert all(passage_document(p).startswith("npm-install-ci-test > ") for p in passages)
    assert all(f"\n{summary}\n" in passage_document(p) for p in passages)
    assert all("clean slate" not in p.text and "clean slate" not in "".join(u.text for u in p.units) for p in passages)


@pytest.mark.parametrize("front_matter, summary", [
    ("summary: Ten words   on\n  two lines", "Ten words on two lines"),  # Hugo's summary, folded
    ("description: [not, a, line]", ""), ("description: 42", ""), ("description:", ""),
    ("description: " + "word " * 100, ("word " * 60).strip()),  # at most 300 characters
])
def test_a_summary_is_one_line_of_text_or_nothing(front_matter, summary):
    assert read_front_matter(front_matter).summary == summary[:300]


def test_wikilinks_read_as_their_text_and_are_kept_as_links_to_notes():
    passages = split_note("cap.md", VAULT_NOTE)
    document = "\n".join(passage_document(p) for p in passages)
    assert "you pick two of Consistency, availability" in document
    assert "See Raft and PBFT Checkpoints for consensus." in document
    assert "[[" not in document and "thoughts/" not in document
    assert [t for p in passages for t in p.related] == ["thoughts/consistency", "Raft", "thoughts/PBFT"]
    assert all(not link.url.startswith("thoughts") for p in passages for link in p.links)  # never web links


def test_embeds_callout_markers_and_shortcodes_are_not_words():
    assert searchable("a ![[images/x.png]] b") == "a  b"
    assert searchable("> [!warning]+ Careful\n> text") == "> Careful\n> text"
    assert searchable('{% hint style="info" %}\nUse it.\n{% endhint %}') == " \nUse it.\n "
    assert searchable('{% embed url="https://youtu.be/x" %}') == " https://youtu.be/x "
    assert searchable("{{< ref \"page.md\" >}} and {{% notice tip %}}") == "  and  "


def test_a_block_of_only_shortcodes_is_not_a_passage():
    note = '# Streams\n\n{% hint style="info" %}\n\nStreams keep messages.\n\n{% endhint %}\n'
    assert [p.text for p in split_note("streams.md", note)] == ["Streams keep messages."]


def test_wikilinks_render_as_links_to_notes_never_as_web_links():
    html = inline_html("see [[thoughts/CAP Theorem|CAP]] and [[Raft]]")
    assert html == ('see <span class="note-link" title="note: thoughts/CAP Theorem">CAP</span> and '
                    '<span class="note-link" title="note: Raft">Raft</span>')


def test_callouts_and_embeds_render_as_words():
    html = note_html("> [!info] Heads up\n> text\n\n![[img.png]]")
    assert "<strong>Info:</strong> Heads up" in html and "embedded: img.png" in html and "<img" not in html


@pytest.mark.parametrize("yaml_text, expected", [
    ("title: X\naliases: [a, b]\ntags: '#t1, t2'", ("X", ("a", "b"), ("t1", "t2"))),
    ("title: [not, a, string]\ntags: 5", ("", (), ())),
    ("just a string", ("", (), ())),
    ("title: 'unclosed", ("", (), ())),
    ("a: &x [1]\nb: *x\ntitle: ok", ("ok", (), ())),
    ("title: " + "x" * 30_000, ("", (), ())),
])
def test_front_matter_reads_what_it_can_and_nothing_else(yaml_text, expected):
    meta = read_front_matter(yaml_text)
    assert (meta.title, meta.aliases, meta.tags) == expected


def test_wikilink_targets_resolve_the_way_obsidian_finds_them():
    docs = ["content/thoughts/CAP Theorem.md", "content/thoughts/Raft.md", "other/Raft.md"]
    assert resolve_note("thoughts/CAP Theorem", docs) == "content/thoughts/CAP Theorem.md"
    assert resolve_note("cap theorem", docs) == "content/thoughts/CAP Theorem.md"
    assert resolve_note("other/Raft", docs) == "other/Raft.md"
    assert resolve_note("Missing", docs) is None
    assert note_targets("[[a]] ![[b.png]] [[a|again]] [[#local]]") == ["a"]


def test_hugo_toml_front_matter_names_the_note_and_is_not_indexed_as_text():
    note = ('+++\ntitle = "Consumer Groups"\ntags = ["kafka", "streams"]\ndate = 2023-01-01\n+++\n\n'
            "Groups balance load.\n")
    [passage] = split_note("content/groups.md", note)
    assert passage.heading == ("Consumer Groups",) and passage.tags == ("kafka", "streams")
    assert passage.text == "Groups balance load." and passage.lines == (7, 7)
    [broken] = split_note("b.md", '+++\ntitle = "unclosed\n+++\nBody.\n')  # a header even when malformed
    assert broken.text == "Body." and broken.heading == ("b",)


def test_comments_are_hidden_as_they_are_when_the_note_is_read():
    note = ("# Streams\n\n<!-- TODO: this is wrong, rewrite -->\n\nStreams keep messages.\n\n"
            "%%\nObsidian comment\n%%\n\n<!-- a comment --> and words after it stay\n")
    [passage] = split_note("s.md", note)
    assert "TODO" not in passage.text and "Obsidian comment" not in passage.text
    assert "Streams keep messages." in passage.text and "words after it stay" in passage.text


OBSIDIAN_COMMENTS = """# Streams
Streams keep messages. %%check the retention default%%

%%
## Scratch
- a private draft
```python
print("inside the comment")
```
%%

Consumer groups share a stream.

```python
%%timeit
read_group()
```
Inline `%%` is code, and a 50%% left unclosed stays.
"""


def test_an_obsidian_comment_over_many_blocks_is_hidden_and_code_keeps_its_percent_signs():
    """A comment may hold headings, lists and code (Obsidian hides all of it when the note is read);
    a %% in code is code, and one that never closes is not a comment."""
    passages = split_note("s.md", OBSIDIAN_COMMENTS)
    text = "\n".join(p.text for p in passages)
    for hidden in ("retention", "Scratch", "private draft", "inside the comment"):
        assert hidden not in text
    assert {p.heading for p in passages} == {("Streams",)}
    assert "Streams keep messages." in text and "%%timeit" in text and "`%%`" in text and "50%% left" in text
    [unit] = [u for p in passages for u in p.units if "Consumer groups" in u.text]
    assert unit.line == 12  # the lines the comment took are still counted


EXCALIDRAW_DRAWING = """---

excalidraw-plugin: parsed
tags: [excalidraw]

---
==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==


# Excalidraw Data

## Text Elements
Load balancer ^aB3dE5fG

Write-ahead log shipped to two followers ^hJ7kL9mN

## Embedded Files
8f3a1c0d: [[Pasted Image 20240101.png]]

%%
## Drawing
```compressed-json
N4KAkARALgngDgUwgLgAQQQDwMYEMA2AlgCYBOuA7hADTgQBuCpAzoQPYB2KqATLZMzYBXUtiRoIACyhQ4zZAHoFAc0JRJQgEYA6bGwC2CgF7N6hbEcK4OCtptbErHALRY8RMsWdx8Vx
```
%%
"""


def test_an_excalidraw_drawing_is_read_as_the_words_written_in_it():
    """Obsidian's Excalidraw plugin keeps a drawing as a note: a banner, the words drawn, and the
    drawing's data (JSON or compressed) in a comment. Only the words are a note's."""
    [passage] = split_note("sketches/Replication.excalidraw.md", EXCALIDRAW_DRAWING)
    assert passage.heading == ("Replication",)
    assert "Load balancer" in passage.text and "Write-ahead log shipped to two followers" in passage.text
    for noise in ("EXCALIDRAW VIEW", "Excalidraw Data", "Text Elements", "N4KAk", "Pasted Image", "Drawing"):
        assert noise not in passage.text
    about = "# Plugins\n\nThe drawing's header reads:\n\nexcalidraw-plugin: parsed\n\n## Settings\nKeep it.\n"
    assert "Keep it." in split_note("plugins.md", about)[-1].text  # a note that mentions the key is no drawing


def test_obsidian_block_ids_are_not_words():
    assert searchable("Partitions happen. ^cap-1\nNext line") == "Partitions happen.\nNext line"
    assert "^cap-1" not in note_html("Partitions happen. ^cap-1")


@pytest.mark.parametrize("note", [
    "---\na: " + "[" * 5000 + "]" * 5000 + "\n---\nBody.\n",
    "+++\na = " + "[" * 5000 + "]" * 5000 + "\n+++\nBody.\n",
])
def test_front_matter_nested_thousands_deep_reads_as_nothing_instead_of_failing_the_ingest(note):
    [passage] = split_note("deep.md", note)
    assert passage.text == "Body." and passage.heading == ("deep",)


LOGSEQ_PAGE = """title:: Kafka Notes
tags:: [[messaging]], streaming
alias:: Apache Kafka

- Partitions give ordering per key. ((6426e2c4-8f1a-4b7e-9a55-2f1c2b3d4e5f))
  id:: 6426e2c4-8f1a-4b7e-9a55-2f1c2b3d4e5f
  collapsed:: true
- {{embed [[Redis Streams]]}}
- Compare with [[Redis Streams]] {{youtube https://youtu.be/x}}
"""


def test_logseq_page_properties_name_the_note_and_block_markup_is_not_words():
    [passage] = split_note("pages/kafka.md", LOGSEQ_PAGE)
    assert passage.heading == ("Kafka Notes",) and passage.aliases == ("Apache Kafka",)
    assert passage.tags == ("messaging", "streaming") and passage.lines[0] == 5
    document = passage_document(passage)
    for markup in ("title::", "6426e2c4", "id::", "collapsed::", "{{", "youtube"):
        assert markup not in document
    assert [searchable(u.text).strip() for u in passage.units] == [
        "Partitions give ordering per key.", "Compare with Redis Streams"]  # the embed-only bullet is no unit
    assert "6426e2c4" not in note_html(passage.text) and "{{" not in note_html(passage.text)


MKDOCS_PAGE = '''# Install

=== "Python"

    Use pip:

    ```bash
    pip install nats-py
    ```

::: tip Before you start
Check the server version.
:::

```markdown
=== "A tab inside a code block"
    stays as written
```
'''


def test_docs_site_tabs_and_containers_read_as_their_content():
    [passage] = split_note("docs/install.md", MKDOCS_PAGE)
    units = [(u.kind, searchable(u.text)) for u in passage.units]
    assert ("text", "Use pip:") in units and ("code", "pip install nats-py") in units  # not one code block
    assert ("text", "Before you start: Check the server version.") in units
    assert ("code", '=== "A tab inside a code block"\n    stays as written') in units
    assert ":::" not in passage_document(passage) and "```bash" not in note_html(passage.text)


@pytest.mark.parametrize("href, note", [
    ("../queues/redis.md#groups", "queues/redis.md"),
    ("Redis%2012ab34.md", "Redis 12ab34.md"),   # as Notion exports a page's link
    ("/docs/setup.markdown", "docs/setup.markdown"),
    ("https://example.com/a.md", None), ("javascript:alert(1)//a.md", None), ("file:///etc/passwd.md", None),
    ("//evil.example/a.md", None), ("notes.txt", None), ("", None),
])
def test_a_relative_link_to_a_markdown_file_names_a_note_and_nothing_else_does(href, note):
    assert note_path(href) == note


@pytest.mark.parametrize("doc, title", [
    ("Kafka Streams 5d41402abc4b2a76b9719d911017c592.md", "Kafka Streams"),  # a Notion export's page
    ("consumer_groups.md", "consumer groups"), ("topics/README.md", "topics"),
])
def test_a_note_without_a_title_is_named_by_its_file_without_export_ids(doc, title):
    [passage] = split_note(doc, "Body.\n")
    assert passage.heading == (title,)


def test_a_note_linked_by_reference_is_a_related_note():
    note = ("# Clocks\nSee [the paper][lamport], [Raft][raft notes], [Paxos][] and m[i][j].\n\n"
            "[lamport]: https://lamport.azurewebsites.net/pubs/time-clocks.pdf\n[Raft Notes]: ../consensus/raft.md\n"
            "[paxos]: paxos.md#basic\n")
    [passage] = split_note("clocks.md", note)
    assert passage.related == ("consensus/raft.md", "paxos.md")  # labels match as markdown-it matches them
    assert [link.url for link in passage.links] == ["https://lamport.azurewebsites.net/pubs/time-clocks.pdf"]


def test_an_obsidian_query_block_is_not_read_but_other_code_is():
    note = ("# Daily\n\n## Log\n- Met Ana; she recommended a book on data systems.\n\n"
            "```dataview\nTABLE file.mtime FROM #daily\n```\n\n```tasks\nnot done\n```\n\n```sql\nselect 1;\n```\n")
    [passage] = split_note("daily.md", note)
    assert "TABLE file.mtime" not in passage.text and "not done" not in passage.text
    assert [u.text for u in passage.units if u.kind == "code"] == ["select 1;"]


def test_a_task_shows_its_box_checked_or_not():
    assert for_display("- [ ] Call the dentist\n- [x] Renew passport\n  1. [X] nested") == (
        "- ☐ Call the dentist\n- ☑ Renew passport\n  1. ☑ nested")
    assert for_display("[ ] Book flights") == "☐ Book flights"  # a quoted task, its bullet gone
    assert for_display("an index a[ ]b and [x] in prose") == "an index a[ ]b and [x] in prose"


def test_a_callouts_title_shows_on_a_line_of_its_own():
    shown = note_html("> [!quote] Kleppmann, p. 161\n> In practice, one follower is synchronous.\n\n> [!tip] Alone\n")
    assert "<strong>Quote:</strong> Kleppmann, p. 161<br />\nIn practice" in shown
    assert "<strong>Tip:</strong> Alone</p>" in shown  # a title with nothing after it: no break left dangling


def test_a_fence_closes_only_as_it_opened_so_code_showing_a_fence_keeps_its_percent_signs():
    """A block of four backticks may show a three-backtick one (how to write a code block); the
    three-backtick line inside neither closes it nor lets a %% in the code read as a comment."""
    note = ("# Jupyter\n\nTime a cell like so:\n\n````markdown\n```python\n%%timeit\nread_group()\n```\n"
            "%% and this line too\n````\n\nA real %%hidden%% remark.\n\n~~~\n```\n::: tip Not a container\n~~~\n")
    text = "\n".join(p.text for p in split_note("j.md", note))
    assert "%%timeit" in text and "%% and this line too" in text
    assert "hidden" not in text and "A real remark." in text
    assert "::: tip Not a container" in text  # in code: not unwrapped as a docs container either
