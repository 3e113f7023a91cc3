"""Turn an Answer into Markdown that is safe to show: note text is escaped, only http(s) links are live."""
from __future__ import annotations

import html
import re

from ingest.links import MARKDOWN_LINK, is_web_url

from .answer import Answer

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]`\"']*[^\s<>()\[\]`\"'.,;:!?]")


def escape(text: str) -> str:
    """Show untrusted note text literally: no HTML runs and no Markdown link or image forms.
    A bare http(s) URL becomes an explicit link, so the page's auto-linking never sees it escaped."""
    text = MARKDOWN_LINK.sub(r"\1", text)  # '[text](url)' reads 'text'; the URL is listed under Referenced docs
    shown, last = [], 0
    for match in _BARE_URL.finditer(text):
        shown += [_literal(text[last:match.start()]), link_markdown(match.group(), match.group())]
        last = match.end()
    return "".join(shown + [_literal(text[last:])])


def _literal(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def link_markdown(url: str, label: str) -> str:
    if not is_web_url(url):
        return escape(label)
    safe = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{_literal(label)}]({safe})"


def answer_markdown(answer: Answer) -> str:
    """The chat reply: quotes with [n] markers, then compact sources and referenced docs."""
    parts = [f"_{escape(answer.notice)}_"] if answer.notice else []
    if answer.abstained:
        parts.append(f"**Your notes don't cover this.** {_because(answer)}The nearest sections are:")
        parts.extend(f"- {_where(hit)}" for hit in answer.hits[:3])
        return "\n\n".join(parts[:1] + ["\n".join(parts[1:])]) if answer.notice else "\n".join(parts)
    parts.append("\n".join(f"- {escape(q.text)} **[{q.source}]**" for q in answer.quotes))
    parts.append("**Sources**\n" + "\n".join(f"{i}. {_where(hit)}" for i, hit in enumerate(answer.sources, 1)))
    if answer.links:
        parts.append("**Referenced docs**\n" + "\n".join(
            f"- {link_markdown(link.url, link.label)}" for link in answer.links))
    return "\n\n".join(parts)


def answer_text(answer: Answer) -> str:
    """The same reply for a terminal: plain text, nothing to escape."""
    parts = [answer.notice] if answer.notice else []
    if answer.abstained:
        nearest = "\n".join(f"  - {_where(hit, plain=True)}" for hit in answer.hits[:3])
        parts.append(f"Your notes don't cover this. {_because(answer, plain=True)}The nearest sections are:\n{nearest}")
        return "\n\n".join(parts)
    parts.append("\n".join(f"- {q.text} [{q.source}]" for q in answer.quotes))
    parts.append("Sources\n" + "\n".join(f"  [{i}] {_where(hit, plain=True)}" for i, hit in enumerate(answer.sources, 1)))
    if answer.links:
        parts.append("Referenced docs\n" + "\n".join(f"  - {link.label}: {link.url}" for link in answer.links))
    return "\n\n".join(parts)


def sources_markdown(answer: Answer) -> str:
    """The side panel: each cited (or nearest) passage in full, with where it lives."""
    shown = answer.sources if not answer.abstained else answer.hits[:3]
    if not shown:
        return "_No sources yet: ask a question._"
    blocks = []
    for i, hit in enumerate(shown, 1):
        quoted = "\n".join(f"> {escape(line.lstrip())}" if line.strip() else ">" for line in hit.passage.text.splitlines())
        blocks.append(f"**[{i}] {_where(hit)}** · score {hit.score:.2f}\n\n{quoted}")
    return "\n\n".join(blocks)


def _because(answer: Answer, plain: bool = False) -> str:
    if not answer.reason:
        return ""
    return f"{answer.reason if plain else escape(answer.reason)} "


def _where(hit, plain: bool = False) -> str:
    p = hit.passage
    path = " › ".join([p.doc, *p.heading])
    lines = f"line {p.lines[0]}" if p.lines[0] == p.lines[1] else f"lines {p.lines[0]}–{p.lines[1]}"
    return f"{path if plain else escape(path)}, {lines}"
