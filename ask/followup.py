"""Read a chat turn against the one before: a follow-up ("and in Redis?", "why?") is searched with the
question it continues; small talk ("thanks!", "ok", "hi") has nothing to look up."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .overview import asks_for_overview
from .terms import STOPWORDS, terms, words

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|or|but|also|what about|how about|and what about|what of|same for|then|in|for|with)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|it's|they|them|their|this|that|those|these|there)\b", re.IGNORECASE)
# Words that greet, thank or acknowledge: a turn of only these (and stopwords) asks nothing of the notes.
_SMALL_TALK = frozenset("""hi hello hey hiya howdy yo greetings thanks thank thx ty cheers ok okay k kk cool great
nice awesome perfect good fine bye goodbye cya later please yes yeah yep yup nope sure alright right wow hmm
lol haha hehe thankyou sorry welcome morning evening afternoon night see soon""".split())


def is_small_talk(question: str) -> bool:
    """'thanks!', 'ok, great', 'hi there': every word greets, thanks or acknowledges."""
    content = [w for w in words(question) if w not in STOPWORDS]
    return bool(content) and all(w in _SMALL_TALK for w in content)


def is_follow_up(question: str) -> bool:
    """Short, and either starts like a continuation, leans on a pronoun, or is nothing but question
    words ("why?", "tell me more"); small talk ("got it, thanks") continues nothing."""
    content = terms(question)
    if len(content) > 4 or is_small_talk(question):
        return False
    return bool(_FOLLOW_UP_START.match(question)) or (len(content) <= 2 and bool(_PRONOUN.search(question))) \
        or not content


def standalone_question(question: str, previous: str | None) -> str:
    """The question to search with: the follow-up joined to the question it continues."""
    if previous and is_follow_up(question):
        return f"{previous.strip()} {question.strip()}"
    return question


def has_topic(question: str) -> bool:
    """Whether the turn names something to look up on its own: not small talk, not a bare "why?", not
    "what's in my notes?"."""
    return bool(terms(question)) and not is_small_talk(question) and not asks_for_overview(question)


def last_topic(asked: Sequence[str]) -> str | None:
    """The latest question asked that a follow-up can continue: "thanks" and "why?" are skipped."""
    return next((q for q in reversed(asked) if has_topic(q)), None)
