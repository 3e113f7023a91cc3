from __future__ import annotations

import base64

import pytest

from ingest import parse_note, split_note
from ingest.markdown import MAX_HEADING_CHARS, MAX_UNIT_CHARS
from ingest.passages import HARD_LIMIT


def _headings(markdown: str) -> list[tuple[str, ...]]:
    return [p.heading for p in split_note("n.md", markdown)]


def test_hash_inside_code_fence_is_not_a_heading():
    note = "# Top\n```bash\n# not a heading\necho hi\n```\n"
    passages = split_note("n.md", note)
    assert [p.heading for p in passages] == [("Top",)]
    assert "# not a heading" in passages[0].text


def test_skipped_heading_levels_keep_the_path():
    note = "# Messaging\n### Kafka\nfast\n## Redis\nstreams\n"
    assert _headings(note) == [("Messaging", "Kafka"), ("Messaging", "Redis")]


def test_setext_headings_and_front_matter():
    note = "---\ntitle: x\ntags: [a]\n---\nMessaging\n=========\n\nKafka\n-----\nfast log\n"
    passages = split_note("n.md", note)
    assert [(p.heading, p.lines, p.text, p.tags) for p in passages] == [
        (("x", "Messaging", "Kafka"), (10, 10), "fast log", ("a",))]


def test_heading_path_and_line_ranges_are_one_based_and_inclusive():
    note = "# A\n\ntext a\n\n## B\n- one\n- two\n"
    passages = split_note("n.md", note)
    assert [(p.heading, p.lines) for p in passages] == [(("A",), (3, 3)), (("A", "B"), (6, 7))]


def test_heading_text_drops_markdown_marks():
    sections = parse_note("### Support for [queries](https://redis.io/q): range\nbody\n").sections
    assert sections[-1].heading == ("Support for queries: range",)
    assert [link.url for link in sections[-1].links] == ["https://redis.io/q"]


@pytest.mark.parametrize("note", ["", "   \n\n", "# Only a title\n"])
def test_empty_or_title_only_note_gives_no_passages(note: str):
    assert split_note("n.md", note) == []


def test_crlf_and_emoji_survive():
    note = "# Cache 🚀\r\nwarm up ☕ before traffic\r\n"
    passages = split_note("n.md", note)
    assert [(p.heading, p.text, p.lines) for p in passages] == [(("Cache 🚀",), "warm up ☕ before traffic", (2, 2))]


def test_long_list_is_cut_between_items_never_inside_one():
    items = [f"- item {i} " + "word " * 30 + f"\n  continued {i}" for i in range(8)]
    note = "# L\n" + "\n".join(items) + "\n"
    passages = split_note("n.md", note, max_chars=400)
    assert len(passages) > 1
    for p in passages:
        assert p.text.startswith("- item")
        assert p.text.count("- item") == p.text.count("continued")
    assert "\n\n".join(p.text for p in passages).count("- item") == 8


def test_code_fence_stays_whole_even_when_long():
    fence = "```\n" + "".join(f"line {i} {'y' * 40}\n" for i in range(20)) + "```\n"
    passages = split_note("n.md", f"# T\n{fence}", max_chars=300)
    assert [p.text.count("line ") for p in passages if "line " in p.text] == [20]


def test_a_code_fence_beyond_the_hard_limit_is_cut_between_lines():
    fence = "```\n" + "".join(f"line {i} {'y' * 40}\n" for i in range(100)) + "```\n"
    passages = split_note("n.md", f"# T\n{fence}", max_chars=200)
    assert all(len(p.text) <= HARD_LIMIT * 200 for p in passages)
    assert sum(p.text.count("line ") for p in passages) == 100
    assert all(u.kind == "code" for p in passages for u in p.units)
    assert [p.lines[0] for p in passages][:2] == [2, 19]


@pytest.mark.parametrize("text", ["x" * 300_000, "word " * 60_000, "[" * 50_000, "a|b\n-|-\n" + "1|2\n" * 20_000])
def test_no_passage_or_unit_is_longer_than_the_hard_limit_whatever_the_markdown(text):
    passages = split_note("n.md", text, max_chars=500)
    assert passages and max(len(p.text) for p in passages) <= HARD_LIMIT * 500
    assert max(len(u.text) for p in passages for u in p.units) <= MAX_UNIT_CHARS
    assert all(1 <= p.lines[0] <= p.lines[1] <= text.count("\n") + 1 for p in passages)


def test_a_huge_heading_is_cut_with_an_ellipsis():
    [passage] = split_note("n.md", "# " + "h" * 10_000 + "\n\nbody\n")
    assert passage.heading == ("h" * (MAX_HEADING_CHARS - 1) + "…",)


def test_long_table_is_cut_between_rows_and_the_header_goes_with_the_first():
    rows = [f"| row {i} | {'x' * 40} |" for i in range(20)]
    note = "# T\n| name | value |\n|---|---|\n" + "\n".join(rows) + "\n"
    passages = split_note("n.md", note, max_chars=200)
    assert len(passages) > 1 and all(len(p.text) <= 200 for p in passages)
    assert passages[0].text.startswith("| name | value |\n|---|---|\n| row 0 |")
    lines = note.splitlines()
    for p in passages:  # whole rows, verbatim and on consecutive lines, each quotable on its own
        assert p.text == "\n".join(lines[p.lines[0] - 1:p.lines[1]])
        assert all(u.text.startswith(("row ", "name")) for u in p.units)
    assert sum(p.text.count("| row ") for p in passages) == 20


def test_long_list_item_is_cut_where_a_nested_item_starts():
    nested = "".join(f"    * step {i} {'x' * 60}\n" for i in range(12))
    note = f"# T\n\n* The Query API server does the following:\n{nested}* Another item\n"
    passages = split_note("n.md", note, max_chars=300)
    lines = note.splitlines()
    assert len(passages) > 2 and all(len(p.text) <= 300 for p in passages)
    assert passages[0].text.startswith("* The Query API server does the following:\n    * step 0")
    for p in passages:
        for run in p.text.split("\n\n"):  # each run is whole lines of the note, as written
            assert run in "\n".join(lines)
        assert all(u.text.startswith(("step", "The Query", "Another")) for u in p.units)
    assert sum(p.text.count("* step ") for p in passages) == 12


def test_long_paragraph_is_cut_between_sentences():
    paragraph = " ".join(f"Sentence number {i} says something." for i in range(40))
    passages = split_note("n.md", f"# P\n{paragraph}\n", max_chars=300)
    assert len(passages) > 1 and all(len(p.text) <= 300 for p in passages)
    assert all(p.text.endswith("something.") for p in passages)


def test_small_blocks_of_a_section_are_packed_together():
    note = "# S\npara one\n\n- a\n- b\n\npara two\n"
    assert [p.text for p in split_note("n.md", note)] == ["para one\n\n- a\n- b\n\npara two"]


def test_units_are_sentences_and_bullets():
    note = "# U\nFirst sentence. Second one?\n\n- bullet a\n- bullet b\n"
    assert [u.text for u in split_note("n.md", note)[0].units] == [
        "First sentence.", "Second one?", "bullet a", "bullet b"]


def test_sentences_end_at_chinese_and_japanese_full_stops_too():
    note = "# 缓存\n写穿透缓存同时更新缓存和数据库。缺点是写入延迟更高！为什么？\n"  # no space follows 。！？
    assert [u.text for u in split_note("n.md", note)[0].units] == [
        "写穿透缓存同时更新缓存和数据库。", "缺点是写入延迟更高！", "为什么？"]


def test_passage_ids_depend_on_content_not_position_in_file():
    a = split_note("n.md", "# A\nalpha\n\n## B\nbeta\n\n## C\ngamma\n")
    b = split_note("n.md", "# A\nalpha\n\n## New\nnew text\n\n## B\nbeta\n\n## C\ngamma\n")
    assert [p.id for p in a] == [b[0].id, *(p.id for p in b[2:])]


def test_repeated_identical_passages_get_distinct_ids():
    passages = split_note("n.md", "# A\nsame\n\n# A\nsame\n")
    assert len({p.id for p in passages}) == 2


def test_mdx_import_lines_and_admonition_markers_are_not_passages():
    note = "import Tabs from '@theme/Tabs';\n\n# Topic\n:::tip\n\nUseful advice here.\n\n:::\n"
    assert [p.text for p in split_note("n.md", note)] == ["Useful advice here."]


def test_max_chars_below_minimum_is_refused():
    with pytest.raises(ValueError, match="at least 100, got 10"):
        split_note("n.md", "# x\ny\n", max_chars=10)


def test_table_of_contents_lists_are_not_passages_but_reference_lists_are():
    note = ("# Index\n- [Sharding](#sharding)\n    - [Federation](#federation)\n- [Caching](./caching.md)\n\n"
            "# Reading\n- [Kafka docs](https://kafka.apache.org/documentation/)\n")
    assert [p.heading for p in split_note("n.md", note)] == [("Index", "Reading")]


def test_a_figure_in_html_is_left_out_but_html_that_says_something_is_kept():
    note = ("# CAP theorem\n\n"
            '<p align="center">\n  <img src="images/cap.png">\n  <br/>\n'
            '  <i><a href="https://example.com/cap">Source: CAP theorem revisited</a></i>\n</p>\n\n'
            "In a distributed system you can only support two of the guarantees.\n\n"
            "<details><summary>Why</summary>Networks aren't reliable, so partition tolerance is a must.</details>\n")
    text = "\n".join(p.text for p in split_note("cap.md", note, 600))
    assert "<img" not in text and "Source: CAP theorem revisited" not in text
    assert "only support two of the guarantees" in text and "Networks aren't reliable" in text


def test_an_image_pasted_as_base64_is_not_passages_of_noise():
    payload = base64.b64encode(bytes(range(256)) * 120).decode()  # 40 KB of letters, as a pasted screenshot
    note = ("# Training\n\nThe loss falls fast.\n\n"
            f"![png](data:image/png;base64,{payload})\n\n"
            f'<p><img src="data:image/jpeg;base64,{payload}"></p>\n\n'
            "Then it flattens after epoch 3.\n")
    passages = split_note("run.md", note, 600)
    assert len(passages) == 1 and payload[:64] not in passages[0].text
    assert "Then it flattens after epoch 3." in passages[0].text and passages[0].lines == (3, 9)


def test_table_rows_cite_their_own_lines():
    note = "# T\n\n| Mode | Pros |\n|---|---|\n| sync | fresh |\n| async | fast |\n"
    assert [(u.text, u.line) for u in split_note("n.md", note)[0].units] == [
        ("Mode | Pros", 3), ("sync | fresh", 5), ("async | fast", 6)]


def test_a_callouts_title_is_a_unit_of_its_own_without_its_marker():
    note = "# B\n\n> [!quote] Kleppmann, p. 161\n> In practice, one follower is synchronous.\n\n> [!note]\n> Plain.\n"
    assert [u.text for u in split_note("n.md", note)[0].units] == [
        "Kleppmann, p. 161", "In practice, one follower is synchronous.", "Plain."]


def test_footnotes_written_one_under_another_are_units_of_their_own():
    note = "# R\n\nRaft randomizes timeouts[^1].\n\n[^1]: Between 150 and 300 ms in the paper.\n[^2]: Ongaro, 2014.\n"
    assert [u.text for u in split_note("n.md", note)[0].units] == [
        "Raft randomizes timeouts[^1].", "[^1]: Between 150 and 300 ms in the paper.", "[^2]: Ongaro, 2014."]
