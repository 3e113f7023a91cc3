"""The words a set of notes uses, so a question can be told whether a name in it appears there at all."""
from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from .terms import terms, words

TYPO_MIN_LENGTH = 5  # a name this long may be one edit away from a word of the notes ("Dynamdb", "Kafak")


class Vocabulary:
    """Every word the notes use (headings included), to tell whether a name appears in them at all."""

    def __init__(self, texts: Iterable[str]):
        self.words: set[str] = set()
        for text in texts:
            self.words.update(words(text))
        self.stems = {stem for word in self.words for stem in terms(word)}
        self._long = [w for w in self.words if len(w) >= TYPO_MIN_LENGTH - 1]

    def knows(self, name: str) -> bool:
        word = name.lower().replace("’", "'").removesuffix("'s")
        forms = {word, word.removesuffix("s"), word.removesuffix("es")}  # "CDNs", "DBs", "caches"
        if forms & self.words or set(terms(word)) & self.stems:
            return True
        return len(word) >= TYPO_MIN_LENGTH and process.extractOne(
            word, self._long, scorer=DamerauLevenshtein.distance, score_cutoff=1) is not None
