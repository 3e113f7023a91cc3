"""A section cut for size, shown as one result: ask.parts from hand-made hits, then through an answer."""
from __future__ import annotations

from ask.answer import compose_answer
from ask.parts import joined_parts
from ask.retrieve import Evidence, Hit
from ask.tuning import Tuning
from ingest import Link, Passage, Unit

SECTION = ("Rename A Branch",)


def _part(row: int, text: str, *, doc: str = "rename-a-branch.md", heading: tuple[str, ...] = SECTION,
          similarity: float = 0.5, link: str = "") -> Hit:
    """The part in this row of the index: ten lines per row, one unit per part."""
    unit = Unit(text, row * 10 + 1, "code" if text.startswith("$") else "text")
    links = (Link(link, "docs"),) if link else ()
    passage = Passage(f"p{row}", doc, heading, (row * 10 + 1, row * 10 + 9), text, links=links, units=(unit,))
    return Hit(passage, row, 0.9 - row / 100, 0.7, similarity, 0.5, 0.5, (Evidence(unit, similarity, 0.0),))


def test_a_lower_ranked_next_part_of_the_same_section_is_read_on_as_one_result():
    first = _part(4, "The old name confused reviewers.")
    other = _part(9, "Tags are not branches.", doc="tags.md")
    rest = _part(5, "$ git branch -m old new", link="https://git-scm.com/docs/git-branch")
    results, result_of = joined_parts([first, other, rest])
    assert [r.passage.text for r in results] == ["The old name confused reviewers.\n\n$ git branch -m old new",
                                                 "Tags are not branches."]
    assert result_of == [0, 1, 0]
    joined = results[0]
    assert joined.row == 4 and joined.score == first.score  # ranked where its best part ranked
    assert joined.passage.lines == (41, 59) and [u.line for u in joined.passage.units] == [41, 51]
    assert [link.url for link in joined.passage.links] == ["https://git-scm.com/docs/git-branch"]
    assert [e.unit.text for e in joined.evidence] == ["The old name confused reviewers.", "$ git branch -m old new"]


def test_parts_ranked_out_of_order_are_read_in_note_order_from_the_best_ranked():
    hits = [_part(4, "one"), _part(6, "three"), _part(5, "two")]
    results, result_of = joined_parts(hits)
    assert [r.passage.text for r in results] == ["one\n\ntwo\n\nthree"] and result_of == [0, 0, 0]


def test_a_part_ranked_above_the_part_before_it_stays_first():
    results, result_of = joined_parts([_part(5, "the answer"), _part(4, "the set-up")])
    assert [r.passage.text for r in results] == ["the answer", "the set-up"] and result_of == [0, 1]


def test_only_the_same_note_and_heading_continue_a_part():
    hits = [_part(4, "Renaming keeps commits."), _part(5, "Another heading.", heading=("Delete A Branch",)),
            _part(6, "Another note.", doc="other.md")]
    results, _ = joined_parts(hits)
    assert len(results) == 3


def test_an_answer_quoting_two_parts_of_a_section_cites_one_source():
    hits = [_part(4, "The old name confused reviewers.", similarity=0.6),
            _part(9, "Tags are not branches.", doc="tags.md", similarity=0.1),
            _part(5, "$ git branch -m old new", similarity=0.55)]
    picked = Tuning().with_(whole_passage_chars=0)  # quotes chosen by how well they match
    answer = compose_answer("how do I rename a branch?", hits, picked)
    assert [(q.text, q.source) for q in answer.quotes] == [("The old name confused reviewers.", 1),
                                                           ("$ git branch -m old new", 1)]
    assert len(answer.sources) == 1 and answer.sources[0].passage.lines == (41, 59)
    assert [h.passage.doc for h in answer.hits] == ["rename-a-branch.md", "tags.md"]
    apart = compose_answer("how do I rename a branch?", hits, picked.with_(join_parts=False))
    assert [q.source for q in apart.quotes] == [1, 2] and len(apart.hits) == 3
