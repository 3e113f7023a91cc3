"""The words a set of notes uses, so a question can be told whether a name in it appears there at all."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from wordfreq import zipf_frequency

from .terms import terms, tokens, words

_PREFIXES = ("un", "non", "re", "de", "pre", "dis", "mis", "multi", "sub", "over", "under")
TYPO_MIN_LENGTH = 5  # a name this long may be one edit away from a word of the notes ("Dynamdb", "Kafak")


class Vocabulary:
    """Every word the notes use (headings included), to tell whether a name appears in them at all."""

    def __init__(self, texts: Iterable[str]):
        self._known([words(text) for text in texts])

    @classmethod
    def of_words(cls, split: Iterable[list[str]]) -> Vocabulary:
        """The vocabulary of texts already split by terms.words()."""
        vocabulary = cls.__new__(cls)
        vocabulary._known(list(split))
        return vocabulary

    def _known(self, split: list[list[str]]) -> None:
        self.words = set().union(*split)
        # two words the notes write side by side, joined ("local storage" -> "localstorage"), as hashes:
        # a few bytes each, where the strings would cost a hundred
        joined = np.sort(np.fromiter((hash(a + b) for text in split for a, b in zip(text, text[1:])), np.int64))
        self._joined = joined[np.concatenate([[True], joined[1:] != joined[:-1]])] if len(joined) else joined
        self.stems = {stem for word in self.words for stem in terms(word)}
        self._long = [w for w in self.words if len(w) >= TYPO_MIN_LENGTH - 1]

    def knows(self, name: str) -> bool:
        """The word, its plural or stem, the word without a negating or repeating prefix
        ("uncategorized"), two words the notes write side by side, joined ("localstorage"), or one typo of
        a word of the notes."""
        word = name.lower().replace("’", "'").removesuffix("'s")
        if self._knows_form(word):
            return True
        for prefix in _PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 4 and self._knows_form(word[len(prefix):]):
                return True
        return self._written_together(word) or len(word) >= TYPO_MIN_LENGTH and process.extractOne(
            word, self._long, scorer=DamerauLevenshtein.distance, score_cutoff=1) is not None

    def _written_together(self, word: str) -> bool:
        """The word is two words the notes write side by side ("localstorage", "local storage"), plural
        or not; two words each used somewhere are not enough ("useEffect" is not "use" and "effect")."""
        if not len(self._joined):
            return False
        forms = np.array([hash(form) for form in {word, word.removesuffix("s"), word.removesuffix("es")}],
                         np.int64)
        at = np.minimum(np.searchsorted(self._joined, forms), len(self._joined) - 1)
        return bool(np.any(self._joined[at] == forms))

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
