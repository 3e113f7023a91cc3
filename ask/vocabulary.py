"""The words a set of notes uses, so a question can be told whether a name in it appears there at all."""
from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from wordfreq import zipf_frequency

from .terms import terms, tokens, words

_PREFIXES = ("un", "non", "re", "de", "pre", "dis", "mis", "multi", "sub", "over", "under")
TYPO_MIN_LENGTH = 5  # a name this long may be one edit away from a word of the notes ("Dynamdb", "Kafak")


class Vocabulary:
    """Every word the notes use (headings included), to tell whether a name appears in them at all."""

    def __init__(self, texts: Iterable[str]):
        self._known(set().union(*(words(text) for text in texts)))

    @classmethod
    def of_words(cls, split: Iterable[list[str]]) -> Vocabulary:
        """The vocabulary of texts already split by terms.words()."""
        vocabulary = cls.__new__(cls)
        vocabulary._known(set().union(*split))
        return vocabulary

    def _known(self, known: set[str]) -> None:
        self.words = known
        self.stems = {stem for word in self.words for stem in terms(word)}
        self._long = [w for w in self.words if len(w) >= TYPO_MIN_LENGTH - 1]

    def knows(self, name: str) -> bool:
        """The word, its plural or stem, the word without a negating or repeating prefix
        ("uncategorized"), the two words it joins ("localstorage"), or one typo of a word of the notes."""
        word = name.lower().replace("’", "'").removesuffix("'s")
        if self._knows_form(word):
            return True
        for prefix in _PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 4 and self._knows_form(word[len(prefix):]):
                return True
        if len(word) <= 30 and any(self._knows_form(word[:i]) and self._knows_form(word[i:])
                                   for i in range(3, len(word) - 2)):
            return True
        return len(word) >= TYPO_MIN_LENGTH and process.extractOne(
            word, self._long, scorer=DamerauLevenshtein.distance, score_cutoff=1) is not None

    def _knows_form(self, word: str) -> bool:
        forms = {word, word.removesuffix("s"), word.removesuffix("es")}  # "CDNs", "DBs", "caches"
        return bool(forms & self.words) or bool(set(terms(word)) & self.stems)

    def suggest(self, question: str) -> str | None:
        """The question with its misspelt words replaced by the notes' own ("conssumer" -> "consumer"),
        or None: a word is taken as misspelt when it is neither in the notes nor an English word."""
        changed, fixed = False, question
        for token in dict.fromkeys(tokens(question)):
            word = token.lower()
            if len(word) < TYPO_MIN_LENGTH or not word.isalpha() or self._knows_form(word) \
                    or zipf_frequency(word, "en") >= 1.5:
                continue
            match = process.extractOne(word, self._long, scorer=DamerauLevenshtein.distance, score_cutoff=1)
            if match is not None:
                fixed = fixed.replace(token, match[0])
                changed = True
        return fixed if changed else None
