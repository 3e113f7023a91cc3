from __future__ import annotations

import re

import pytest

from ingest import Link, split_note
from ingest.links import is_web_url, page_name
from ingest.passages import CONTEXT_LINKS


def _links(markdown: str) -> list[str]:
    return [link.url for p in split_note("n.md", markdown) for link in p.links]


@pytest.mark.parametrize("markdown, url", [
    ("see [Kafka docs](https://kafka.apache.org/documentation/)", "https://kafka.apache.org/documentation/"),
    ("autolink <https://redis.io/docs/>", "https://redis.io/docs/"),
    ("bare https://dynobase.dev/dynamodb-joins/ in text", "https://dynobase.dev/dynamodb-joins/"),
    ("reference [joins][j]\n\n[j]: https://dynobase.dev/joins", "https://dynobase.dev/joins"),
    ("html <a href=\"https://example.org/page\">page</a>", "https://example.org/page"),
    ("plain http [old](http://example.com/x)", "http://example.com/x"),
])
def test_every_link_kind_is_found(markdown: str, url: str):
    assert _links(markdown) == [url]


@pytest.mark.parametrize("markdown", [
    "[rel](./other.md) and [up](../x.md)",
    "[js](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[mail](mailto:a@b.c) [file](file:///etc/passwd) [data](data:text/html,hi)",
    "![image](https://example.org/pic.png)",
])
def test_relative_javascript_and_other_schemes_are_dropped(markdown: str):
    assert _links(markdown) == []


def test_passage_carries_links_of_its_enclosing_sections():
    note = ("## Redis Stream\n- Reference: https://redis.io/docs/streams/\n\n"
            "### Consumer groups\nGroups balance load across consumers.\n")
    passages = split_note("n.md", note)
    groups = next(p for p in passages if p.heading[-1] == "Consumer groups")
    assert [link.url for link in groups.links] == ["https://redis.io/docs/streams/"]


def test_own_links_come_before_inherited_ones_and_repeats_are_dropped():
    note = ("# A\n[a](https://a.org/x)\n\n## B\n[b](https://b.org/y) and again https://a.org/x\n")
    b = split_note("n.md", note)[-1]
    assert [link.url for link in b.links] == ["https://b.org/y", "https://a.org/x"]


def test_a_section_of_hundreds_of_links_lends_each_passage_only_a_few():
    """A changelog's section links every commit: a passage of it cited must not list them all."""
    items = "".join(f"- fix {i} [#{i}](https://example.org/pull/{i})\n" for i in range(300))
    passages = split_note("CHANGELOG.md", "# Changes\n\n## 1.0\n\n" + items, max_chars=600)
    assert len(passages) > 10
    for passage in passages:
        own = {f"https://example.org/pull/{n}" for n in re.findall(r"\[#(\d+)\]", passage.text)}
        urls = [link.url for link in passage.links]
        assert set(urls[:len(own)]) == own and len(urls) == len(own) + CONTEXT_LINKS


@pytest.mark.parametrize("link, label", [
    (Link("https://redis.io/docs/latest/develop/data-types/streams/"), "Streams — redis.io"),
    (Link("https://redis.io/docs/streams/", "Redis Streams"), "Redis Streams — redis.io"),
    (Link("https://www.mongodb.com/", ""), "mongodb.com"),
    (Link("https://kafka.apache.org/documentation/", "https://kafka.apache.org/documentation/"),
     "Documentation — kafka.apache.org"),
    (Link("https://example.org/a/single-table_design.html"), "Single table design — example.org"),
])
def test_link_label_is_text_or_page_name_with_domain(link: Link, label: str):
    assert link.label == label


@pytest.mark.parametrize("url, ok", [
    ("https://a.org", True), ("http://a.org/x?y=1", True), ("javascript:alert(1)", False),
    ("//a.org", False), ("ftp://a.org", False), ("https://", False), ("https://a.org/\"onmouseover=x", False),
])
def test_only_http_and_https_urls_are_web_urls(url: str, ok: bool):
    assert is_web_url(url) is ok


def test_page_name_of_bare_domain_is_empty():
    assert page_name("https://example.org/") == ""
