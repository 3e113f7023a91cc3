"""Answers and notes as HTML that is safe to show, and answers as plain text for a terminal.

Everything from a note or a question is untrusted. Note Markdown is rendered by markdown-it with
raw HTML off (a tag in a note is shown as text), every link that is not http(s) loses its href,
images are never loaded (a link to them instead), and all other text is escaped. The HTML has no
blank lines, so a Markdown viewer that receives it (Gradio's chat) passes it through untouched.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlencode

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference as normalize_reference

from ingest import REFERENCE_LINK, Link, counted, for_display, is_web_url, new_parser, note_path, searchable

from .answer import Answer
from .overview import Overview
from .retrieve import Hit

_MATCHED = ' class="matched" title="matches your question"'
MAX_QUOTE_CHARS = 1_200     # a quote longer than this is cut, with an ellipsis
MAX_SOURCE_CHARS = 4_000    # the most of a passage a source card shows
NEAREST_SHOWN = 3           # nearest sections listed when the notes don't cover a question
_SPACES = re.compile(r"[ \t]{2,}")  # where a shortcode was dropped
LINK_ATTRIBUTES = 'target="_blank" rel="noopener noreferrer nofollow"'


def escape(text: str) -> str:
    """Text as HTML text: no tag, entity or attribute from it survives."""
    return html.escape(text, quote=True)


def question_html(question: str) -> str:
    """What a person typed, shown literally, line breaks kept."""
    return f'<div class="question">{escape(question).replace(chr(10), "<br>")}</div>'


Resolve = Callable[[str], "str | None"]  # a [[wikilink]] target -> the doc it names, if the index has it


def note_url(doc: str, lines: tuple[int, int] | None = None) -> str:
    """Where the page shows a note, rendered, with the cited lines marked and in view."""
    query = {"doc": doc, **({"from": lines[0], "to": lines[1]} if lines else {})}
    return "note?" + urlencode(query, quote_via=quote) + ("#cited" if lines else "")


def note_html(markdown: str, resolve: Resolve | None = None, links: Sequence[Link] = ()) -> str:
    """A note's Markdown rendered: emphasis, lists, code, tables; nothing from it runs. links: the
    passage's own, which give a [text][label] link cut off from its definition its address again."""
    markdown, env = _with_references(for_display(markdown), links, resolve)
    return without_blank_lines(markdown_renderer().render(markdown, env))


def inline_html(markdown: str, resolve: Resolve | None = None, links: Sequence[Link] = ()) -> str:
    """One sentence, bullet or row of a note, rendered inline."""
    markdown, env = _with_references(for_display(markdown), links, resolve)
    return without_blank_lines(markdown_renderer().renderInline(markdown, env))


def _with_references(markdown: str, links: Sequence[Link], resolve: Resolve | None) -> tuple[str, dict]:
    """A passage or a quote is cut from its note, and its "[label]: url" definitions stay behind. The
    web links markdown-it read from the whole note at ingest keep their text, so [text][label] is
    linked again to the address of the link of that text, as [text][]; any other stays as written."""
    references = {normalize_reference(link.text): {"href": link.url, "title": ""} for link in links if link.text}
    if "][" in markdown:
        markdown = REFERENCE_LINK.sub(
            lambda m: f"[{m[1]}][]" if normalize_reference(m[1]) in references else _unlinked(m), markdown)
    return markdown, {"resolve": resolve, "references": references}


def _unlinked(match: re.Match) -> str:
    """A reference with no address here. '[`fs.open()`][]' names its definition by its own text, so it
    is a link (to a heading of its page, say) and reads as its text; '[text][label]' is left as written,
    since m[i][j] is code."""
    return match[1] if not match[2] else match[0]


def link_html(link: Link) -> str:
    if not is_web_url(link.url):
        return escape(link.label)
    return f'<a href="{escape(link.url)}" {LINK_ATTRIBUTES}>{escape(link.label)}</a>'


def where(hit: Hit) -> str:
    """'system-design.md › Kafka, lines 3–8' as plain text."""
    p = hit.passage
    lines = f"line {p.lines[0]}" if p.lines[0] == p.lines[1] else f"lines {p.lines[0]}–{p.lines[1]}"
    return f"{' › '.join([p.doc, *p.heading])}, {lines}"


def answer_html(answer: Answer, resolve: Resolve | None = None) -> str:
    """The chat reply: quotes with [n] citations that lead to their source cards, then the sources
    and the documents the notes reference; or "not covered", why, and the nearest sections."""
    parts = [f'<p class="notice"><em>{escape(answer.notice)}</em></p>'] if answer.notice else []
    if answer.searched:
        parts.append(f'<p class="searched">{_searched_label(answer)}: <q>{escape(answer.searched)}</q></p>')
    if answer.overview:
        return _wrapped("answer overview", [*parts, _overview_html(answer.overview)])
    if not answer.looked_up:
        parts.append(f"<p>{escape(answer.reason)}</p>")
        return _wrapped("answer abstained", parts)
    if answer.abstained:
        because = f" {escape(answer.reason)}" if answer.reason else ""
        parts.append(f"<p><strong>Your notes don't cover this.</strong>{because} The nearest sections are:</p>")
        parts.append("<ul class=\"nearest\">" + "".join(
            f'<li><a href="#source-{i}">{escape(where(hit))}</a></li>'
            for i, hit in enumerate(answer.hits[:NEAREST_SHOWN], 1)) + "</ul>")
        return _wrapped("answer abstained", parts)
    if answer.weak:
        parts.append(f'<p class="weak"><strong>Weak match:</strong> {escape(weak_note(answer))}</p>')
    marked = not all(q.matched for q in answer.quotes)  # a passage quoted whole: show which lines matched
    parts.append('<ul class="quotes">' + "".join(
        f'<li{_MATCHED if marked and q.matched else ""}>'
        f'{_quote_html(q.text, q.kind, resolve, answer.sources[q.source - 1].passage.links)} <a class="cite" '
        f'href="#source-{q.source}" aria-label="source {q.source}">[{q.source}]</a></li>' for q in answer.quotes)
        + "</ul>")
    parts.append('<p class="sources-line"><strong>Sources</strong> ' + " · ".join(
        f'<a href="#source-{i}">[{i}] {escape(where(hit))}</a>' for i, hit in enumerate(answer.sources, 1)) + "</p>")
    if answer.links:
        parts.append('<p class="docs"><strong>Referenced docs</strong> '
                     + " · ".join(link_html(link) for link in answer.links) + "</p>")
    related = related_notes(answer, resolve)
    if related:
        parts.append('<p class="related"><strong>Related notes</strong> ' + " · ".join(
            f'<a class="note-link" href="{escape(note_url(doc))}" target="_blank" title="note: {escape(doc)}">'
            f'{escape(name)}</a>' for name, doc in related) + "</p>")
    return _wrapped("answer", parts)


def _overview_line(shown: Overview) -> str:
    largest = "" if len(shown.largest) == shown.notes else f"; the {len(shown.largest)} largest"
    return f"Your notes: {counted(shown.notes, 'note')}, {counted(shown.passages, 'passage')}{largest}"


def _folders_line(shown: Overview) -> str:
    return "By folder: " + " · ".join(f"{name} ({count})" for name, count in shown.folders)


def _overview_html(shown: Overview) -> str:
    """Each note's title, a link to it, and its top-level sections; the whole list is on /notes."""
    items = "".join(
        f'<li><a class="note-link" href="{escape(note_url(note.doc))}" target="_blank">{escape(note.title)}</a>'
        + (f": {escape(' · '.join(note.sections))}" if note.sections else "") + "</li>" for note in shown.largest)
    folders = f"<p>{escape(_folders_line(shown))}</p>" if shown.folders else ""
    return (f"<p>{escape(_overview_line(shown))}. Ask about any of them; "
            f'<a href="notes" target="_blank">every note</a> is listed on a page of its own.</p>'
            f'{folders}<ul class="overview">{items}</ul>')


def related_notes(answer: Answer, resolve: Resolve | None, most: int = 8) -> list[tuple[str, str]]:
    """(name, doc) of the notes the cited passages link to that the index holds, once each: what to
    read next. A note's link to itself is not one."""
    found: dict[str, str] = {}
    for hit in answer.sources if resolve else ():
        for target in hit.passage.related:
            doc = resolve(target)
            if doc and doc != hit.passage.doc and doc not in found.values():
                found[PurePosixPath(target).name.removesuffix(".md") or doc] = doc
    return list(found.items())[:most]


def sources_html(answer: Answer | None, resolve: Resolve | None = None) -> str:
    """The side panel: each cited (or nearest) passage rendered in full, with where it lives."""
    shown = () if answer is None else answer.sources if not answer.abstained else answer.hits[:NEAREST_SHOWN]
    if not shown:
        return '<p class="empty">Ask a question to see the passages its answer comes from.</p>'
    cards = []
    for i, hit in enumerate(shown, 1):
        text = hit.passage.text
        if len(text) > MAX_SOURCE_CHARS:
            text = text[:MAX_SOURCE_CHARS] + " …"
        p = hit.passage
        cards.append(f'<section class="source" id="source-{i}" tabindex="-1">'
                     f'<h3>[{i}] {escape(where(hit))}</h3>'
                     f'<div class="passage">{note_html(text, resolve, p.links)}</div>'
                     f'<p class="open"><a href="{escape(note_url(p.doc, p.lines))}" target="_blank">'
                     f'Open {escape(p.doc)} at line {p.lines[0]}</a></p></section>')
    return "".join(cards)


def answer_text(answer: Answer, resolve: Resolve | None = None) -> str:
    """The same reply for a terminal: plain text, nothing to escape."""
    parts = [answer.notice] if answer.notice else []
    parts += [f"{_searched_label(answer)}: {answer.searched}"] if answer.searched else []
    if answer.overview:
        shown = answer.overview
        if shown.folders:
            parts.append(_folders_line(shown))
        parts.append(f"{_overview_line(shown)}:\n" + "\n".join(
            f"  - {note.title} ({note.doc}): {', '.join(note.sections)}" for note in shown.largest))
        return "\n\n".join(parts)
    if not answer.looked_up:
        return "\n\n".join([*parts, answer.reason])
    if answer.abstained:
        nearest = "\n".join(f"  - {where(hit)}" for hit in answer.hits[:NEAREST_SHOWN])
        because = f"{answer.reason} " if answer.reason else ""
        parts.append(f"Your notes don't cover this. {because}The nearest sections are:\n{nearest}")
        return "\n\n".join(parts)
    if answer.weak:
        parts.append(f"Weak match: {weak_note(answer)}")
    parts.append("\n".join(f"- {_as_read(q.text)} [{q.source}]" for q in answer.quotes))
    parts.append("Sources\n" + "\n".join(f"  [{i}] {where(hit)}" for i, hit in enumerate(answer.sources, 1)))
    if answer.links:
        parts.append("Referenced docs\n" + "\n".join(f"  - {link.label}: {link.url}" for link in answer.links))
    related = related_notes(answer, resolve)
    if related:
        parts.append("Related notes\n" + "\n".join(f"  - {doc}" for _, doc in related))
    return "\n\n".join(parts)


def _as_read(quote: str) -> str:
    """A quote for a terminal: Markdown reads well as text, a [[wikilink]]'s brackets, {% shortcodes %}
    and ^block-ids do not."""
    return _SPACES.sub(" ", REFERENCE_LINK.sub(_unlinked, searchable(quote))).strip()


def weak_note(answer: Answer) -> str:
    unknown = answer.coverage.unknown_terms if answer.coverage else ()
    never = f"your notes never mention {', '.join(unknown[:3])}. " if unknown else ""
    return f"{never}These are the closest lines in your notes; they may not answer the question."


def _quote_html(text: str, kind: str = "text", resolve: Resolve | None = None, links: Sequence[Link] = ()) -> str:
    if len(text) > MAX_QUOTE_CHARS:
        text = text[:MAX_QUOTE_CHARS] + " …"
    if kind == "code":
        return f"<pre><code>{escape(text).replace(chr(10), '&#10;')}</code></pre>"
    return inline_html(text, resolve, links)


def _wrapped(css_class: str, parts: list[str]) -> str:
    return f'<div class="{css_class}">' + "".join(parts) + "</div>"


_NEWLINES = re.compile(r"\n+")


def without_blank_lines(rendered: str) -> str:
    """No blank line may remain: in Markdown a blank line ends an HTML block. Code keeps its
    line breaks as &#10;, which the renderer below writes instead of newlines."""
    return _NEWLINES.sub("\n", rendered).strip("\n")


@lru_cache(maxsize=1)
def markdown_renderer() -> MarkdownIt:
    md = new_parser(html=False)
    md.validateLink = lambda url: True  # every link is parsed, then judged when rendered (below)
    rules = md.renderer.rules
    rules["link_open"] = _link_open
    rules["link_close"] = _link_close
    rules["image"] = _image
    rules["fence"] = rules["code_block"] = _code
    rules["front_matter"] = lambda *args: ""
    return md


def _link_open(tokens, idx, options, env) -> str:
    href = tokens[idx].attrGet("href") or ""
    live = is_web_url(href)
    env.setdefault("open_links", []).append(live)  # links do not nest, but a stack costs nothing
    if live:
        return f'<a href="{escape(href)}" {LINK_ATTRIBUTES}>'
    target = unquote(href[5:]) if href.startswith("note:") else note_path(href)
    if target:  # a [[wikilink]] or a relative link to a .md file: a note of the folder, never a web page
        doc = env["resolve"](target) if env.get("resolve") else None
        env["open_links"][-1] = "note" if doc else False
        if doc:
            return f'<a class="note-link" href="{escape(note_url(doc))}" target="_blank" title="note: {escape(doc)}">'
        return f'<span class="note-link" title="note: {escape(target)}">'
    return '<span class="link">'


def _link_close(tokens, idx, options, env) -> str:
    opened = env.get("open_links") or [True]
    return "</a>" if opened.pop() else "</span>"


def _image(tokens, idx, options, env) -> str:
    """Never loaded (a tracking pixel, a missing relative file): its alt text, linked when it is on the web."""
    token = tokens[idx]
    alt = escape(token.content or "image")
    src = token.attrGet("src") or ""
    if is_web_url(src):
        return f'<a class="image" href="{escape(src)}" {LINK_ATTRIBUTES}>[image: {alt}]</a>'
    return f'<span class="image">[image: {alt}]</span>'


def _code(tokens, idx, options, env) -> str:
    code = escape(tokens[idx].content.rstrip("\n")).replace("\n", "&#10;")
    return f"<pre><code>{code}</code></pre>\n"


def _searched_label(answer: Answer) -> str:
    """What the answer searched for, when not the question as typed: a follow-up read with the
    question before, or a misspelt word read as the notes spell it."""
    return "searched as your notes spell it" if answer.suggestion else "searched"
