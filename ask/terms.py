"""Words that carry meaning: lower-cased, stemmed, without stop words and question filler."""
from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from ingest import note_targets, searchable

_WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*", re.UNICODE)

# English function words, plus what people wrap a question about their notes in.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each either else ever few for from further get gets got
had has have having he her here hers him his how i if in into is it its itself just let like me more most
much my myself no nor not now of off on once only or other our ours out over own per same say said says
she should so some such than that the their theirs them then there these they this those through to too
under until up us very via was we were what whats when where whether which while who whom why will with
would you your yours anything anywhere something somewhere mention mentioned mentions note notes noted
wrote write written tell tells told i'm i've ive im don't dont doesn't isn't thing things one ones way
also e.g i.e etc vs versus
""".split())


URL = re.compile(r"https?://\S{1,2000}|www\.\S{1,2000}")  # a web address as written in text
_LINK_MARKUP = re.compile(r"!?\[([^\[\]\n]{0,500})\]\([^()\s]{0,2000}\)")


def said(text: str) -> str:
    """The text as a reader takes it in: a link's words, not its address ([[note|alias]] reads 'alias')."""
    return URL.sub(" ", _LINK_MARKUP.sub(r"\1", searchable(text)))


def has_link(text: str) -> bool:
    """A web link, or a [[wikilink]] to another note (not an ![[embed]])."""
    return bool(URL.search(text) or _LINK_MARKUP.search(text) or note_targets(text))


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Words as written, with inner dots and apostrophes kept ("Node.js", "Kafka's")."""
    return _WORD.findall(text)


def words(text: str) -> list[str]:
    """Lower-case words ("node.js", "kafka's")."""
    return _WORD.findall(text.lower().replace("’", "'"))


def terms(text: str) -> list[str]:
    """Stemmed content words in order, repeats kept: what the word signals of retrieval and quoting see."""
    return terms_of_words(words(text))


def terms_of_words(lowered: list[str]) -> list[str]:
    """terms() of text already split by words()."""
    kept = [w.removesuffix("'s") for w in lowered if w not in STOPWORDS]
    return _stemmer().stemWords([w for w in kept if w and w not in STOPWORDS])


# How people refer to their own notes when asking them: words about the asking, not the topic.
_ABOUT_THE_NOTES = re.compile(
    r"\b(?:(?:is|was) there anything|anything|something)?\s*(?:in|from|according to) (?:my|the|these) notes\b"
    r"|\b(?:(?:what|where|when|why|how) )?(?:did i|have i|do my notes|did my notes) (?:write|wrote|written|note|"
    r"noted|say|said|list|listed|jot|jotted|mention|mentioned|record|recorded|cover|have)(?: down)?"
    r"(?: (?:anything|something))?(?: (?:about|on|for|regarding))?"
    r"|\bremind me\b,?", re.IGNORECASE)  # past tense only: "how do I list the tables" asks how to list them


def topic(question: str) -> str:
    """The question without the words that refer to the notes themselves ("did I write anything about",
    "in my notes"), which every question to one's notes shares and which carry no topic; unchanged
    when nothing else would be left."""
    rest = " ".join(_ABOUT_THE_NOTES.sub(" ", question).split()).strip(" ,-")
    return rest if len(terms(rest)) >= 1 else question
