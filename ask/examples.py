"""Example questions drawn from the notes' own topics, so the first click already finds something."""
from __future__ import annotations

from ingest import IndexData


def example_questions(data: IndexData, n: int = 5) -> list[str]:
    """One question per distinct section topic, deepest headings first, in note order."""
    seen: set[str] = set()
    topics: list[tuple[int, int, str]] = []
    for order, passage in enumerate(data.passages):
        if not passage.heading:
            continue
        topic = passage.heading[-1].rstrip(" \t\n:?!.")
        key = topic.lower()
        if key in seen or not 2 <= len(topic) <= 60:
            continue
        seen.add(key)
        topics.append((-len(passage.heading), order, topic))
    picked = sorted(sorted(topics)[:n], key=lambda t: t[1])
    return [f"What do my notes say about {topic}?" for _, _, topic in picked]
