"""Which lines an answer quotes, from hand-set evidence: the rules of ask.answer without the model."""
from __future__ import annotations

from dataclasses import replace

import pytest

from ask.answer import asks_how, compose_answer, written_as_code
from ask.framing import is_context
from ask.retrieve import Evidence, Hit
from ask.tuning import Tuning
from ingest import Passage, Unit

PROSE = [  # (text, cosine with the question): a note that restates the problem before it solves it
    ("The old branch name kept confusing everyone who reviewed the work.", 0.62),
    ("Deleting the branch and starting over would lose its commits.", 0.60),
    ("A branch name should say what the work on it is.", 0.58),
    ("Good branch names save reviewers from guessing.", 0.55),
    ("I only realised the name was wrong after a week of commits.", 0.54),
]
COMMAND = ("$ git branch -m old-name new-name", 0.30)
PICKED = Tuning().with_(whole_passage_chars=0)  # quotes picked by how well they match, no passage quoted whole


def _hit(lines: list[tuple[str, float]]) -> Hit:
    units = tuple(Unit(text, i + 3, "code" if text.startswith("$") else "text") for i, (text, _) in enumerate(lines))
    passage = Passage("p", "rename-a-branch.md", ("Rename A Branch",), (1, len(lines) + 3),
                      "\n\n".join(text for text, _ in lines), units=units)
    evidence = tuple(Evidence(unit, similarity, 0.0) for unit, (_, similarity) in zip(units, lines))
    return Hit(passage, 0, 0.8, 0.7, 0.62, 0.5, 0.5, evidence)


@pytest.mark.parametrize("question, how", [
    ("how do I rename a branch without losing its commits?", True),
    ("what's the command to rename a branch?", True),
    ("which flag renames a branch?", True),
    ("is there a way to rename a branch in place?", True),
    ("why should a branch name describe the work?", False),
    ("what did I say about branch names?", False),
])
def test_how_to_questions_are_told_apart(question, how):
    assert asks_how(question) is how


@pytest.mark.parametrize("text, kind, code", [
    ("$ git stash -u", "code", True),
    ("Add the `--untracked` flag to stash new files too.", "text", True),
    ("Run it with --force-with-lease instead.", "text", True),
    ("Stashing puts work in progress aside.", "text", False),
    ("Use SQL and a CDN.", "text", False),  # acronyms are names, not code to type
])
def test_a_line_is_written_as_code_when_it_holds_something_to_type(text, kind, code):
    assert written_as_code(Unit(text, 1, kind)) is code


def test_a_how_to_answer_quotes_the_command_not_only_the_problem_restated():
    hits = [_hit(PROSE + [COMMAND])]
    how = "how do I rename a branch without losing its commits?"
    assert COMMAND[0] in compose_answer(how, hits, PICKED.with_(code_bonus=0.25)).text
    assert COMMAND[0] not in compose_answer(how, hits, PICKED.with_(code_bonus=0.0)).text  # five prose lines won
    why = "why should a branch name describe the work?"  # not a how-to: the command earns no bonus
    assert COMMAND[0] not in compose_answer(why, hits, PICKED.with_(code_bonus=0.25)).text


def test_the_bonus_does_not_raise_the_bar_other_quotes_must_clear():
    hits = [_hit(PROSE + [("$ git branch -m old-name new-name", 0.62)])]
    answer = compose_answer("how do I rename a branch?", hits, PICKED.with_(code_bonus=0.5))
    assert len(answer.quotes) == Tuning().max_quotes  # the prose still clears 65% of the best cosine


def _bullets(text: str, similarities: dict[str, float]) -> Hit:
    """A passage of nested bullets, each line's cosine given by its text (0.1 if not given)."""
    lines = text.splitlines()
    units = tuple(Unit(line.strip().removeprefix("- "), 10 + i, "text") for i, line in enumerate(lines))
    passage = Passage("p", "notes.md", ("Databases",), (10, 10 + len(lines)), text, units=units)
    evidence = tuple(Evidence(u, similarities.get(u.text, 0.1), 0.0) for u in units)
    return Hit(passage, 0, 0.8, 0.7, 0.6, 0.5, 0.5, evidence)


def test_a_label_bullet_is_quoted_with_the_items_nested_under_it():
    hit = _bullets("- Mongo DB\n"
                   "    - Duplicate the author into each post\n"
                   "    - Keep one collection per access pattern\n"
                   "- Postgres\n"
                   "    - Use a foreign key", {"Mongo DB": 0.9})
    quoted = [q.text for q in compose_answer("mongo", [hit], PICKED).quotes]
    assert quoted == ["Mongo DB", "Duplicate the author into each post", "Keep one collection per access pattern"]


def test_a_bullet_that_says_something_or_has_no_items_is_quoted_alone():
    sentence = "Mongo DB duplicates data on purpose."
    said_it = _bullets(f"- {sentence}\n    - an aside", {sentence: 0.9})
    assert [q.text for q in compose_answer("mongo", [said_it], PICKED).quotes] == [sentence]
    flat = _bullets("- Mongo DB\n- Postgres\n- Redis", {"Mongo DB": 0.9})
    assert [q.text for q in compose_answer("mongo", [flat], PICKED).quotes] == ["Mongo DB"]


@pytest.mark.parametrize("line, context", [
    ("Reference: https://redis.io/docs/latest/develop/data-types/streams/", True),
    ("[Data duplication](https://medium.com/mongodb/data-duplication)", True),
    ("See: [[thoughts/Postel's Law]]", True),           # a pointer to another note frames, it does not answer
    ("See [[thoughts/CRDT|CRDTs]] for more properties", True),
    ("Redis consumer groups:", True),
    ("[[thoughts/TCP]] keeps the bytes of a connection in order and resends lost ones.", False),
    ("Consumer groups balance load across the consumers of one stream.", False),
    ("![[diagram.png]] Replication copies every write to two followers.", False),  # an embed is no link
])
def test_links_alone_pointers_and_labels_are_context_not_answers(line, context):
    assert is_context(line) is context


def _second(lines: list[tuple[str, float]]) -> Hit:
    """A second-ranked passage of another note, scored below _hit's."""
    hit = _hit(lines)
    passage = Passage("q", "other.md", ("Other",), hit.passage.lines, hit.passage.text, units=hit.passage.units)
    return Hit(passage, 1, 0.6, 0.5, 0.55, 0.4, 0.4, hit.evidence)


def test_a_short_best_passage_is_quoted_whole_in_note_order():
    aside = ("Renaming is a local change until it is pushed.", 0.05)
    lines = PROSE[:2] + [("Reference: https://git-scm.com/docs/git-branch", 0.1), aside, COMMAND]
    other = [("Branches are cheap in git.", 0.56), ("Tags are not branches.", 0.05)]
    answer = compose_answer("why should a branch name describe the work?", [_hit(lines), _second(other)])
    first = [q for q in answer.quotes if q.source == 1]
    assert [q.text for q in first] == [PROSE[0][0], PROSE[1][0], aside[0], COMMAND[0]]  # the attribution is context
    assert not next(q for q in first if q.text == aside[0]).matched  # there to be read, not what matched
    assert [q.text for q in answer.quotes if q.source == 2] == ["Branches are cheap in git."]  # picked lines only
    assert aside[0] not in answer.matching and PROSE[0][0] in answer.matching


def test_a_best_passage_longer_than_the_limit_gives_its_best_lines_only():
    hits = [_hit(PROSE + [COMMAND])]
    answer = compose_answer("why should a branch name describe the work?", hits,
                            Tuning().with_(whole_passage_chars=len(hits[0].passage.text) - 1))
    assert COMMAND[0] not in answer.text and len(answer.quotes) == Tuning().max_quotes


def test_a_short_passage_quoted_whole_keeps_its_links_when_links_are_asked_for():
    lines = PROSE + [("Reference: https://git-scm.com/docs/git-branch", 0.1)]
    answer = compose_answer("which docs did I link about branch names?", [_hit(lines)])
    assert "Reference: https://git-scm.com/docs/git-branch" in answer.text


def test_the_rest_of_a_section_cut_for_size_is_read_whole_with_it():
    setup = [("The old branch name kept confusing everyone who reviewed the work.", 0.62),
             ("Deleting the branch and starting over would lose its commits.", 0.60)]
    first, rest = _hit(setup), _hit([COMMAND, ("It keeps every commit.", 0.05)])
    rest = Hit(replace(rest.passage, id="p2"), 1, 0.6, 0.5, 0.3, 0.4, 0.4, rest.evidence)  # same note, same heading
    answer = compose_answer("why should a branch name describe the work?", [first, rest])
    assert COMMAND[0] in answer.text and "It keeps every commit." in answer.text
    apart = compose_answer("why should a branch name describe the work?", [first, rest],
                           Tuning().with_(whole_section=False))
    assert "It keeps every commit." not in apart.text
    elsewhere = compose_answer("why should a branch name describe the work?",
                               [first, _second([COMMAND, ("It keeps every commit.", 0.05)])])
    assert "It keeps every commit." not in elsewhere.text  # another note's passage gives its matching lines only


def test_quotes_keep_note_order_within_a_line():
    lines = [("Snapshots are cheap.", 0.3), ("Replicas copy every write.", 0.7)]
    units = (Unit(lines[0][0], 4), Unit(lines[1][0], 4))  # two sentences of one line
    passage = Passage("p", "n.md", ("N",), (4, 4), " ".join(text for text, _ in lines), units=units)
    hit = Hit(passage, 0, 0.8, 0.7, 0.7, 0.5, 0.5, tuple(Evidence(u, s, 0.0) for u, (_, s) in zip(units, lines)))
    assert [q.text for q in compose_answer("how are replicas kept?", [hit]).quotes] == [text for text, _ in lines]
