"""Example questions made from headings read as questions a person would ask."""
from __future__ import annotations

import pytest

from ask.examples import as_question


@pytest.mark.parametrize("heading, question", [
    ("Consumer groups", "What do my notes say about Consumer groups?"),
    ("How to oppose a nomination", "How to oppose a nomination?"),     # a question already
    ("Why is Kafka fast?", "Why is Kafka fast?"),
    ("Whatever works", "What do my notes say about Whatever works?"),  # a word, not a question word
])
def test_a_heading_is_asked_as_a_question(heading, question):
    assert as_question(heading) == question
