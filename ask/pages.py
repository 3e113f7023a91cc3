"""Standalone pages beside the chat: one note, rendered, with the cited lines marked and in view; and
the list of notes, indexed and skipped. Everything from a note is rendered by ask.render (nothing
from it runs), and the pages are served with a policy that forbids scripts outright."""
from __future__ import annotations

from collections import Counter

from markdown_it.token import Token

from ingest import IndexData, as_read, for_display

from .render import Resolve, escape, markdown_renderer, note_url, without_blank_lines

# Sent with every page: no script of any origin, no plugin, no frame; styles only from the page itself.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; "
                           "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
_STYLE = """
body { font: 16px/1.55 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328;
       background: #fff; }
a { color: #0b57d0; } header p { color: #4a4f55; } code, pre { background: #f3f4f6; border-radius: 4px; }
pre { padding: .6rem; overflow-x: auto; } table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de;
padding: .2rem .5rem; } blockquote { border-left: 3px solid #d0d7de; margin-left: 0; padding-left: 1rem; }
.cited { background: #fff4c2; outline: 2px solid #e0b400; outline-offset: 4px; border-radius: 2px; }
@media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } a { color: #6cb6ff; }
  header p { color: #9aa4ae; } code, pre { background: #161b22; } .cited { background: #3a3000; }
  td, th { border-color: #30363d; } }
"""


def note_page_html(doc: str, markdown: str, cited: tuple[int, int] | None, resolve: Resolve | None = None) -> str:
    """The whole note; the blocks that overlap the cited lines are marked, the first is the #cited anchor."""
    markdown = "\n".join(as_read(markdown.split("\n")))  # comments hidden, as in the index
    tokens = markdown_renderer().parse(for_display(markdown), {"resolve": resolve})
    first = True
    for token in tokens:
        if token.nesting == 1 and token.map and token.level == 0:
            start, end = token.map[0] + 1, token.map[1]
            token.attrSet("data-lines", f"{start}-{end}")
            if cited and start <= cited[1] and end >= cited[0]:
                _add_class(token, "cited")
                if first:
                    token.attrSet("id", "cited")
                    first = False
    md = markdown_renderer()
    body = without_blank_lines(md.renderer.render(tokens, md.options, {"resolve": resolve}))
    where = f" · lines {cited[0]}–{cited[1]} marked" if cited else ""
    return _page(doc, f"<header><h1>{escape(doc)}</h1><p>From your notes{where} · "
                      f'<a href="notes">all notes</a></p></header><main>{body}</main>')


def notes_page_html(data: IndexData) -> str:
    """Every indexed note with its passage count (0 for a note of headings only, or empty: read, but
    nothing in it to quote), then the skipped notes and why."""
    counts = Counter(p.doc for p in data.passages)
    docs = sorted(set(data.manifest.notes) | set(counts))
    rows = "".join(f'<li><a href="{escape(note_url(doc))}">{escape(doc)}</a> · {counts[doc]} '
                   f'passage{"s" if counts[doc] != 1 else ""}</li>' for doc in docs)
    skipped = "".join(f"<li>{escape(doc)}: {escape(why)}</li>" for doc, why in sorted(data.manifest.skipped.items()))
    body = f"<h2>Indexed ({len(docs)})</h2><ul>{rows}</ul>"
    if skipped:
        body += f"<h2>Skipped ({len(data.manifest.skipped)})</h2><ul>{skipped}</ul>"
    return _page("Your notes", f"<header><h1>Your notes</h1><p>{len(data.passages)} passages · "
                               f'<a href="./">ask a question</a></p></header><main>{body}</main>')


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · Ask my notes'
            f'</title><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def _add_class(token: Token, name: str) -> None:
    token.attrSet("class", f"{token.attrGet('class') or ''} {name}".strip())
