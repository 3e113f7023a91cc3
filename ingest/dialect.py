"""Markdown as people write it beyond CommonMark: Obsidian vaults (front matter, [[wikilinks]],
![[embeds]], > [!callouts], #tags), Logseq graphs (key:: value properties, ((block refs)),
{{embed}} macros) and docs folders (GitBook {% hint %}, Hugo {{< shortcodes >}}, MkDocs content tabs,
VuePress/Docusaurus ::: containers).

Passages keep the Markdown as written; what is embedded and searched reads a wikilink as its text
and drops embeds, shortcodes and callout markers, which are markup, not words.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import PurePosixPath

import yaml

MAX_FRONT_MATTER_CHARS = 20_000  # YAML beyond this is not read: a note's header, not a data file
MAX_SUMMARY_CHARS = 300  # of a note's description: a line on what it is about, read with each of its passages

# Linear over any note: every scan stops at the next bracket, brace or line end, and is bounded.
WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n|#]{1,300})?(#[^\[\]\n|]{0,300})?(?:\|([^\[\]\n]{0,300}))?\]\]")
_LOGSEQ_MACRO = r"\{\{(?:embed|query|renderer|video|youtube|tweet|pdf|namespace|cloze|function)\b[^\n{}]{0,500}\}\}"
SHORTCODE = re.compile(r"\{%-?[^%\n{}]{0,500}-?%\}|\{\{[<%][^\n{}]{0,500}[>%]\}\}")
LOGSEQ_MACRO = re.compile(_LOGSEQ_MACRO)
_EMBED_URL = re.compile(r"""\{%\s*embed\s+url\s*=\s*["']([^"'\s]{1,2000})["']""")
_CALLOUT_MARKER = r"\[!([A-Za-z][\w-]{0,30})\][+-]?"  # [!note], [!tip]-: a callout's type, folded or not
# a callout's first line: its quote marks, its type, its title, and whether the callout goes on below
CALLOUT = re.compile(rf"^([ \t]*>[ \t]*){_CALLOUT_MARKER}[ \t]?([^\n]*)(?=(\n[ \t]*>)?)", re.MULTILINE)
CALLOUT_HEAD = re.compile(rf"\A{_CALLOUT_MARKER}[ \t]*([^\n]*)\n?")  # the callout's first line, inside its quote
BLOCK_ID = re.compile(r"[ \t]\^[A-Za-z0-9-]{1,64}[ \t]*$", re.MULTILINE)  # Obsidian's '... ^quote-1'
SHORTCODE_LINE = re.compile(rf"\A(?:[ \t]*(?:{SHORTCODE.pattern}|{_LOGSEQ_MACRO})[ \t]*\n?)+\Z")
# Logseq: a block's reference to another by id, and the properties it keeps on itself (not words)
BLOCK_REF = re.compile(r"\(\([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\)\)")
SYSTEM_PROPERTY = re.compile(r"(?<!\S)(?:id|collapsed|heading|background-color)::[ \t]*\S*")
PROPERTY = re.compile(r"^([A-Za-z][\w-]{0,60})::(?:[ \t]+(.*))?$")


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CONTENT_TAB = re.compile(r'^([ \t]*)===[+!]?[ \t]+"([^"\n]{0,200})"[ \t]*$')  # MkDocs Material: === "Python"
_CONTAINER = re.compile(r"^[ \t]*:::+[ \t]*([A-Za-z][\w-]{0,30})?(?:\[([^\]\n]{0,200})\])?[ \t]*([^\n]{0,200})$")


class _Fences:
    """Whether the line being read is in a code block, line by line: a fence closes only with the
    character it opened with, at least as many times and nothing after it (CommonMark), so a block of
    four backticks may show a three-backtick one."""

    def __init__(self) -> None:
        self.open: tuple[str, int] | None = None  # the opening fence's character and length

    @property
    def inside(self) -> bool:
        return self.open is not None

    def toggles(self, line: str) -> bool:
        """Whether this line opens or closes a fence (and so is code itself)."""
        fence = _FENCE.match(line)
        if fence is None:
            return False
        mark, rest = fence.group(1), line[fence.end():]
        if self.open is None:
            if mark[0] == "`" and "`" in rest:  # ```js` is inline code, not a fence
                return False
            self.open = (mark[0], len(mark))
            return True
        if mark[0] == self.open[0] and len(mark) >= self.open[1] and not rest.strip():
            self.open = None
            return True
        return False


def unwrap_docs_markup(lines: list[str]) -> list[str]:
    """Docs-site containers as plain Markdown, line for line: an MkDocs content tab's label becomes a
    line of its own and its body loses the 4-space indent that would make it a code block; a
    VuePress/Docusaurus '::: tip Title' marker becomes 'Title:' and a closing ':::' a blank line.
    Code fences are left as they are."""
    out, fences, i = list(lines), _Fences(), 0
    while i < len(out):
        line = out[i]
        if fences.toggles(line) or fences.inside:
            pass
        elif tab := _CONTENT_TAB.match(line):
            indent = len(tab.group(1).expandtabs(4))
            out[i] = f"{tab.group(1)}{tab.group(2)}:"
            j = i + 1
            while j < len(out) and (not out[j].strip() or _indent(out[j]) >= indent + 4):
                expanded = out[j].expandtabs(4)
                out[j] = expanded[:indent] + expanded[indent + 4:] if out[j].strip() else out[j]
                j += 1
            i = j
            continue
        elif container := _CONTAINER.match(line):
            title = (container.group(2) or container.group(3) or "").strip()
            out[i] = f"{title}:" if title and title[-1].isalnum() else title
        i += 1
    return out


_COMMENT_OR_CODE = re.compile(r"(`{1,16})[^`]*?\1|%%")  # an inline code span (kept whole), or a comment mark
_DRAWING = re.compile(r"^excalidraw-plugin:[ \t]*\S")       # front matter of an Excalidraw drawing
_HEADING_2 = re.compile(r"^#{1,2}[ \t]+(.*?)[ \t#]*$")


def hide_comments(lines: list[str]) -> list[str]:
    """Obsidian's %% comments blanked, line for line, as Obsidian hides them when a note is read: a
    comment over many lines may hold headings, lists or an Excalidraw drawing's data, so it cannot be
    found block by block. A %% in a code block or in `inline code` is code (Jupyter's %%timeit), and a
    %% that never closes is left as written: what is not surely a comment is not lost."""
    marks: list[tuple[int, int]] = []  # (line, column) of every comment mark outside code
    fences = _Fences()
    for n, line in enumerate(lines):
        if not len(marks) % 2 and (fences.toggles(line) or fences.inside):  # in a comment a fence is hidden text
            continue
        if "%%" in line:
            marks += [(n, m.start()) for m in _COMMENT_OR_CODE.finditer(line) if m.group() == "%%"]
    if len(marks) % 2:
        marks.pop()
    out = list(lines)
    for (first, start), (last, end) in zip(marks[::-1][1::2], marks[::-1][::2]):  # last comment first
        if first == last:
            out[first] = _joined(out[first][:start], out[first][end + 2:])
        else:
            out[first] = out[first][:start].rstrip()
            out[first + 1:last] = [""] * (last - first - 1)
            out[last] = out[last][end + 2:].lstrip(" ")
    return out


def _joined(before: str, after: str) -> str:
    """A line's text either side of a comment, one space between, its indent kept."""
    if not after.strip():
        return before.rstrip()
    return before + after.lstrip() if not before.strip() else before.rstrip() + " " + after.lstrip()


def drawing_text(lines: list[str]) -> list[str]:
    """An Excalidraw drawing (a .excalidraw.md note of Obsidian's Excalidraw plugin) as the words
    written in it: its "Text Elements", line for line, the rest blank (the plugin's banner, its
    headings, the list of embedded files). Other notes are returned as they are."""
    end_of_header = _header_end(lines, "---")  # a drawing says so in its front matter only
    if end_of_header is None or not any(_DRAWING.match(line) for line in lines[1:end_of_header]):
        return lines
    out, keep = list(lines), False
    for n in range(end_of_header + 1, len(lines)):
        heading = _HEADING_2.match(lines[n])
        if heading:
            keep = heading.group(1).strip().lower() == "text elements"
        if heading or not keep:
            out[n] = ""
    return out


def _header_end(lines: list[str], fence: str) -> int | None:
    """The line closing a header that the note's first line opens with fence ('---', '+++'), or None."""
    if not lines or lines[0].strip() != fence:
        return None
    return next((i for i, line in enumerate(lines[1:], 1) if line.strip() == fence), None)


def as_read(lines: list[str]) -> list[str]:
    """A note's lines as its reader sees them, line for line: comments hidden, a drawing its words."""
    return drawing_text(hide_comments(lines))


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


@dataclass(frozen=True)
class NoteMeta:
    """What a note's front matter says about it."""
    title: str = ""
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""  # its description or summary: the writer's one line on what the note is about


def read_front_matter(yaml_text: str) -> NoteMeta:
    """title, aliases, tags and summary from YAML front matter; anything malformed reads as nothing."""
    if len(yaml_text) > MAX_FRONT_MATTER_CHARS:
        return NoteMeta()
    try:
        data = yaml.safe_load(yaml_text)
    except (yaml.YAMLError, RecursionError):  # "[[[[…]]]]" nested thousands deep is malformed too
        return NoteMeta()
    return _meta(data)


def toml_front_matter(lines: list[str]) -> tuple[NoteMeta, int]:
    """Hugo's TOML front matter (between '+++' lines at the top): what it says, and how many lines it
    takes (0 when there is none). Malformed TOML still takes its lines: it is a header, not prose."""
    end = _header_end(lines, "+++")
    if end is None:
        return NoteMeta(), 0
    toml_text = "\n".join(lines[1:end])
    if len(toml_text) > MAX_FRONT_MATTER_CHARS:
        return NoteMeta(), end + 1
    try:
        return _meta(tomllib.loads(toml_text)), end + 1
    except (tomllib.TOMLDecodeError, RecursionError):
        return NoteMeta(), end + 1


def property_front_matter(lines: list[str]) -> tuple[NoteMeta, int]:
    """Logseq's page properties (key:: value lines at the top of a page): what they say, and how many
    lines they take (0 when there are none)."""
    end = 0
    while end < len(lines) and end < 200 and PROPERTY.match(lines[end]):
        end += 1
    if not end:
        return NoteMeta(), 0
    data = {}
    for line in lines[:end]:
        key, value = PROPERTY.match(line).groups()
        data[key.lower()] = WIKILINK.sub(_wikilink_words, (value or "").strip())[:MAX_FRONT_MATTER_CHARS]
    return _meta(data), end


def _meta(data: object) -> NoteMeta:
    if not isinstance(data, dict):
        return NoteMeta()
    title, summary = data.get("title"), data.get("description") or data.get("summary")
    return NoteMeta(title=" ".join(str(title).split())[:200] if isinstance(title, (str, int, float)) else "",
                    aliases=_strings(data.get("aliases") or data.get("alias")),
                    tags=tuple(t.lstrip("#") for t in _strings(data.get("tags") or data.get("tag"))),
                    summary=_clipped(" ".join(summary.split()), MAX_SUMMARY_CHARS) if isinstance(summary, str) else "")


def _clipped(text: str, most: int) -> str:
    """At most that many characters, cut between words."""
    return text if len(text) <= most else text[:most + 1].rsplit(" ", 1)[0][:most]


def searchable(text: str) -> str:
    """The words of Markdown, as embedded and searched: [[note|alias]] reads 'alias', [[note]] reads
    'note', embeds and shortcodes are dropped (an embed's URL stays), callout markers, block ids, block
    references and id:: properties too."""
    text = BLOCK_ID.sub("", wikilinks_as_words(_without_logseq(text)))
    text = SHORTCODE.sub(lambda m: f" {_EMBED_URL.match(m.group()).group(1)} " if _EMBED_URL.match(m.group())
                         else " ", text)
    return CALLOUT.sub(lambda m: m.group(1) + m.group(3), text)


def wikilinks_as_words(text: str) -> str:
    """[[note|alias]] as 'alias', [[note#heading]] as 'note heading': a question that names a note as
    vault users write it is searched by the words the note is indexed under."""
    return WIKILINK.sub(_wikilink_words, text) if "[[" in text else text


_TASK = re.compile(r"^([ \t]*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?)\[([ xX])\](?=[ \t])", re.MULTILINE)  # - [ ] a task


def for_display(text: str) -> str:
    """Markdown a renderer understands: a wikilink becomes a link to a note (scheme 'note:'), an embed
    a mention of what it embeds, a callout a bold label, a task's box a box (☐, ☑), and shortcodes go."""
    def link(match: re.Match) -> str:
        target = (match.group(2) or "").strip()
        if match.group(1):
            return f"*(embedded: {PurePosixPath(target).name})*" if target else ""
        shown = _wikilink_words(match).strip()
        if not target:
            return shown
        return f"[{shown}](<note:{target.replace('<', '').replace('>', '')}>)"
    text = BLOCK_ID.sub("", WIKILINK.sub(link, _without_logseq(text)))
    text = _TASK.sub(lambda m: m.group(1) + ("☐" if m.group(2) == " " else "☑"), text)
    text = SHORTCODE.sub(lambda m: _EMBED_URL.match(m.group()).group(1) if _EMBED_URL.match(m.group()) else "", text)
    return CALLOUT.sub(_callout_label, text)


def _callout_label(match: re.Match) -> str:
    """'> [!quote] Kleppmann, p. 161' -> '> **Quote:** Kleppmann, p. 161', on a line of its own (a hard
    break, when the callout goes on) rather than run into the callout's first sentence."""
    quote, kind, title, more = match.groups()
    title = title.rstrip()
    return f"{quote}**{kind.capitalize()}:** {title}" + ("\\" if title and more else "")


def note_targets(text: str) -> list[str]:
    """The notes a text links to with [[wikilinks]] (not embeds), as written, without headings."""
    return list(dict.fromkeys(m.group(2).strip() for m in WIKILINK.finditer(text)
                              if not m.group(1) and m.group(2) and m.group(2).strip()))


def resolve_note(target: str, docs: list[str]) -> str | None:
    """The doc a wikilink target names, as Obsidian finds it: the path, then the path's end, then the
    file name anywhere ('thoughts/CAP Theorem' -> 'content/thoughts/CAP Theorem.md')."""
    wanted = target.strip().lower().removesuffix(".md")
    stems = {doc: doc.lower().rsplit(".", 1)[0] for doc in docs}
    for doc, stem in stems.items():
        if stem == wanted:
            return doc
    for doc, stem in stems.items():
        if stem.endswith("/" + wanted):
            return doc
    name = PurePosixPath(wanted).name
    return next((doc for doc, stem in stems.items() if PurePosixPath(stem).name == name), None)


def is_comment(text: str) -> bool:
    """A block that is one HTML comment, hidden when the note is read (Obsidian's %% comments are
    blanked before the parse: hide_comments)."""
    text = text.strip()
    return text.startswith("<!--") and text.endswith("-->") and text.count("-->") == 1


def is_only_shortcodes(text: str) -> bool:
    """A block that is nothing but {% endhint %}-style markers."""
    return bool(SHORTCODE_LINE.match(text))


def _without_logseq(text: str) -> str:
    """Without Logseq's block references, id:: properties and {{embed …}} macros (an embed goes whole)."""
    if "((" in text or "::" in text or "{{" in text:
        return LOGSEQ_MACRO.sub(" ", SYSTEM_PROPERTY.sub("", BLOCK_REF.sub("", text)))
    return text


def _wikilink_words(match: re.Match) -> str:
    if match.group(1):
        return ""  # an embed: an image or a whole note, not words of this one
    target, heading, alias = match.group(2), match.group(3), match.group(4)
    if alias and alias.strip():
        return alias.strip()
    name = PurePosixPath((target or "").strip()).name if target else ""
    return " ".join(filter(None, [name, (heading or "").lstrip("#").strip()]))


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")] if "," in value else [value]
    if not isinstance(value, list):
        return ()
    return tuple(" ".join(str(v).split())[:100] for v in value[:50]
                 if isinstance(v, (str, int, float)) and str(v).strip())
