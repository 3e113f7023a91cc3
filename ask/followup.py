"""Resolve a follow-up like "and in Redis?" against the previous question in the chat."""
from __future__ import annotations

import re

from .terms import terms

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|or|but|also|what about|how about|and what about|what of|same for|then|in|for|with)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|it's|they|them|their|this|that|those|these|there)\b", re.IGNORECASE)


def is_follow_up(question: str) -> bool:
    """Short, and either starts like a continuation or leans on a pronoun."""
    content = terms(question)
    if len(content) > 4:
        return False
    return bool(_FOLLOW_UP_START.match(question)) or (len(content) <= 2 and bool(_PRONOUN.search(question)))


def standalone_question(question: str, previous: str | None) -> str:
    """The question to search with: the follow-up joined to the question it continues."""
    if previous and is_follow_up(question):
        return f"{previous.strip()} {question.strip()}"
    return question
