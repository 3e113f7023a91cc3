"""Find the http(s) links a piece of Markdown references, with a label a reader recognises, and the
other notes it links to with plain Markdown links ([text](../other.md))."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from markdown_it.common.utils import normalizeReference as normalize_reference

# Linear over any note: a scan that starts at one '<' stops at the next.
_HTML_HREF = re.compile(r"""<a\s[^<>]*?href\s*=\s*["']([^"'<>]+)["']""", re.IGNORECASE)
_PAGE_SUFFIX = re.compile(r"\.(?:html?|php|aspx?|md)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_+]+")
_NOTE_FILE = re.compile(r"\.(?:md|markdown|mdx)$", re.IGNORECASE)
_LINK_TARGET = re.compile(r"\]\(<?([^()<>\s]{1,2000})>?(?:\s+\"[^\"\n]{0,300}\")?\)")  # [text](target "title")
REFERENCE_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\[([^\[\]\n]{0,300})\]")  # [text][label], [label][]


@dataclass(frozen=True)
class Link:
    url: str
    text: str = ""  # the link text as written; empty for bare URLs

    @property
    def label(self) -> str:
        """'Link text — domain', or the page name when the text is only the URL."""
        domain = urlsplit(self.url).netloc.removeprefix("www.")
        text = self.text.strip()
        if not text or is_web_url(text) or text.lower().removeprefix("www.") == domain:
            text = page_name(self.url)
        return f"{text} — {domain}" if text else domain


def is_web_url(url: str) -> bool:
    """Only http(s) links are ever shown: javascript:, data:, file: and relative paths are dropped."""
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c in url for c in "<>\"' \n")


def page_name(url: str) -> str:
    """'https://redis.io/docs/data-types/streams/' -> 'Streams'; a bare domain gives ''."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    name = unquote(segments[-1]) if segments else ""
    name = _PAGE_SUFFIX.sub("", name)
    if parts.fragment and not name:
        name = parts.fragment
    name = _SEPARATORS.sub(" ", name).strip()
    return name[:1].upper() + name[1:] if name else ""


def links_in(inline_children: list) -> list[Link]:
    """Links of one inline token: inline, reference-style, autolinks, bare URLs (linkify) and <a href>."""
    found: list[Link] = []
    open_href: str | None = None
    text_parts: list[str] = []
    for token in inline_children or ():
        if token.type == "link_open":
            open_href, text_parts = str(token.attrs.get("href", "")), []
        elif token.type == "link_close" and open_href is not None:
            if is_web_url(open_href):
                found.append(Link(open_href, "".join(text_parts).strip()))
            open_href = None
        elif open_href is not None and token.type in ("text", "code_inline"):
            text_parts.append(token.content)
        elif token.type == "html_inline":
            found.extend(links_in_html(token.content))
    return found


def links_in_html(html: str) -> list[Link]:
    """Raw HTML in notes is never rendered, but the pages it links to still count."""
    return [Link(url) for url in _HTML_HREF.findall(html) if is_web_url(url)]


def unique_links(links) -> tuple[Link, ...]:
    """Drop repeats of a URL, keeping the first (closest) occurrence and the best text."""
    by_url: dict[str, Link] = {}
    for link in links:
        known = by_url.get(link.url)
        if known is None:
            by_url[link.url] = link
        elif not known.text and link.text:
            by_url[link.url] = link
    return tuple(by_url.values())


def note_path(href: str) -> str | None:
    """The note a plain Markdown link names ('../queues/redis.md#groups', 'Redis%2012ab.md' as Notion
    exports it), as a path inside the notes folder without its leading ./ and ../; None for anything
    else. Never read as a file: it only ever names a note the index already holds."""
    if not href or ":" in href.split("/")[0] or href.startswith("//"):
        return None  # a scheme (http:, javascript:, note:) or a host
    path = unquote(href.split("#")[0].split("?")[0]).replace("\\", "/")
    if not _NOTE_FILE.search(path):
        return None
    parts = [part for part in path.split("/") if part not in ("", ".", "..")]
    return "/".join(parts) or None


def note_links(text: str, references: Mapping[str, str] = MappingProxyType({})) -> list[str]:
    """The notes a piece of Markdown links to with plain links, as note_path reads them: inline
    ([text](other.md)) or by reference ([text][label] and [label][], with references the note's
    "[label]: other.md" definitions, as markdown-it normalises their labels)."""
    hrefs = _LINK_TARGET.findall(text)
    if references:
        hrefs += [references.get(normalize_reference(label or name), "")
                  for name, label in REFERENCE_LINK.findall(text)]
    return list(dict.fromkeys(path for href in hrefs if (path := note_path(href))))
