"""A section cut for size is one piece of writing: when its next part also ranks, it is read on from
where the better-ranked part stops, as one result, not as another result further down the list."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ingest import unique_links

from .retrieve import Hit


def joined_parts(hits: Sequence[Hit]) -> tuple[list[Hit], list[int]]:
    """The hits as results: each hit not yet taken, read on through the parts after it (the next rows
    of the index, of the same note and heading) that are among the hits too; and, for each hit given,
    the rank of the result it is in. A part ranked above the part before it stays a result of its own:
    the list would otherwise begin with what ranked lower."""
    rank_of_row = {hit.row: rank for rank, hit in enumerate(hits)}
    result_of = [-1] * len(hits)
    results: list[Hit] = []
    for first in range(len(hits)):
        if result_of[first] >= 0:
            continue
        parts = [first]
        following = rank_of_row.get(hits[first].row + 1)
        while following is not None and following > first and same_section(hits[parts[-1]], hits[following]):
            parts.append(following)
            following = rank_of_row.get(hits[following].row + 1)
        for part in parts:
            result_of[part] = len(results)
        results.append(_joined([hits[part] for part in parts]))
    return results, result_of


def same_section(one: Hit, other: Hit) -> bool:
    """Whether two hits are parts of one section (of one note, under one heading path)."""
    a, b = one.passage, other.passage
    return (a.doc, a.heading) == (b.doc, b.heading)


def _joined(parts: list[Hit]) -> Hit:
    """One hit for consecutive parts, ranked as the first: their text, lines, units, links and evidence."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    passages = [part.passage for part in parts]
    passage = replace(first.passage, text="\n\n".join(p.text for p in passages),
                      lines=(first.passage.lines[0], passages[-1].lines[1]),
                      units=tuple(u for p in passages for u in p.units),
                      links=unique_links(link for p in passages for link in p.links),
                      related=tuple(dict.fromkeys(target for p in passages for target in p.related)))
    return replace(first, passage=passage, evidence=tuple(e for part in parts for e in part.evidence))
