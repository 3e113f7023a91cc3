"""When the app says "your notes don't cover this", and why: the checks alone, then with the real model."""
from __future__ import annotations

import pytest

from ask import Asker, Coverage
from ask.abstain import (
    asks_for_code,
    asks_for_quantity,
    names,
    names_code,
    probe_bar,
    rare_words,
    states_quantity,
    unknown_terms,
)
from ask.render import answer_html
from ask.tuning import Tuning
from ask.vocabulary import Vocabulary
from ingest import Config

from helpers import write_notes

VOCABULARY = Vocabulary(["Kafka partitions and DynamoDB tables behind an NGINX load balancer",
                         "Redis consumer groups; the DB is sharded"])


@pytest.mark.parametrize("question, expected", [
    ("Which TLS versions does our NGINX proxy in front of the servers accept?", ["TLS", "NGINX"]),
    ("how does Kafka compare? And Redis?", ["Kafka", "Redis"]),
    ("Kafka vs Redis", ["Redis"]),                                  # a sentence's first word may be any word
    ("What Is The Difference Between Kafka And Redis", []),        # Title Case says nothing about names
    ("WHAT IS THE CAP THEOREM", []),                               # nor does shouting
    ("how would I mimic kafka-style partitions if I'm using redis streams?", []),
    ("when does the useEffect cleanup run", ["useEffect"]),         # an identifier with one capital
    ("when does React's cleanup run", ["React"]),                  # named without its possessive
])
def test_names_are_acronyms_camel_case_and_capitals_inside_a_sentence(question, expected):
    assert names(question) == expected


def test_rare_words_are_technical_terms_not_everyday_paraphrase():
    assert rare_words("Do anycast routes survive a kubectl rollout?") == ["anycast", "kubectl"]
    assert rare_words("could a handful of workers pull from one queue and share the load?") == []
    assert rare_words("what's the main pitfall with a sharding key?") == ["sharding"]  # pitfall is ordinary English


@pytest.mark.parametrize("term", ["localstorage", "uncategorized", "re-sharding"])
def test_vocabulary_knows_words_joined_or_prefixed(term):
    assert Vocabulary(["cookie vs local storage", "categorized sellers", "sharding by key"]).knows(term)


@pytest.mark.parametrize("term", ["useEffect", "systemctl", "Iceland"])
def test_vocabulary_does_not_join_words_the_notes_never_write_together(term):
    """Each half is used somewhere, but "use" and "effect" apart say nothing of React's useEffect."""
    assert not Vocabulary(["use the side effect", "the system has ctl scripts", "ice on the land"]).knows(term)


@pytest.mark.parametrize("term", ["Kafka", "kafka's", "DBs", "NGINX", "Dynamdb", "partition"])
def test_vocabulary_knows_its_words_their_plurals_and_one_typo_away(term):
    assert VOCABULARY.knows(term)


@pytest.mark.parametrize("term", ["TLS", "Kubernetes", "idempotent", "Kafkaesque"])
def test_vocabulary_does_not_know_other_words(term):
    assert not VOCABULARY.knows(term)


def test_unknown_terms_are_the_names_and_rare_words_the_notes_never_use():
    question = "How do anycast Kafka producers talk TLS to Dynamdb?"
    assert unknown_terms(question, VOCABULARY) == ["TLS", "anycast"]


def test_an_address_in_a_question_is_an_example_not_a_topic():
    question = "users sign up as Jane@Example.com and log in via https://Okta.example.org/sso - why two Kafka rows?"
    assert unknown_terms(question, VOCABULARY) == []
    assert unknown_terms("why does Kafka need TLS for Jane?", VOCABULARY) == ["TLS", "Jane"]


@pytest.mark.parametrize("question, wants", [
    ("how many replicas should each kafka partition get", True),
    ("Kafka topics: how long are messages kept?", True),
    ("What is the default retention period for messages?", True),
    ("What is the maximum size of a DynamoDB item?", True),
    ("what's the default read buffer size in postgres", True),  # two words between
    ("how many types of queries does a redis stream support?", False),  # a list answers it
    ("Which setting controls how often offsets are committed?", False),  # asks for a setting
    ("Which command caps a stream at a maximum length?", False),  # asks for a command
    ("What Kafka setting sets the maximum message size?", False),
    ("why is kafka fast", False),
])
def test_quantity_questions_are_told_apart(question, wants):
    assert asks_for_quantity(question) is wants


@pytest.mark.parametrize("text, states", [("12 partitions per topic", True), ("a dozen partitions", True),
                                          ("a 10ms timeout", True), ("retry twice", True),
                                          ("N different Redis keys", False), ("as many as needed", False),
                                          ("talk to 3rd party APIs", False), ("store it in S3 or EC2", False),
                                          ("once the leader fails", False), ("64kb pages, 99.9% uptime", True),
                                          ("turn on 2FA for the account", False), ("as of npm@5", False),
                                          ("pin react@^18.2 in the manifest", False),
                                          ("added in 2.11.0 | Yes", False), ("listens on 10.0.0.1", False),
                                          ("up to 1.5 GB", True)])
def test_a_number_is_digits_or_a_number_word(text, states):
    assert states_quantity(text) is states


@pytest.mark.parametrize("text, question, states", [
    ("See [the talk](http://example.com/2016/talk-3) about it", "how many shards", False),  # in a link
    ("Hosted DNS such as Route 53 answers queries", "What default TTL does Route 53 give?", False),  # its own
    ("Route 53 defaults to a TTL of 300 seconds", "What default TTL does Route 53 give?", True),
    ("Keep three copies", "how many copies survive two failures?", True),
])
def test_a_quote_states_a_number_when_it_is_not_a_link_or_the_questions_own(text, question, states):
    assert states_quantity(text, question) is states


MIN_ANSWERABILITY, PENALTY = Tuning.min_answerability, Tuning.unknown_term_penalty


def test_coverage_reasons_name_what_is_missing():
    assert Coverage(MIN_ANSWERABILITY).reason() is None
    assert Coverage(MIN_ANSWERABILITY - 0.01).reason() == "Nothing in them is close to the question."
    unknown = Coverage(MIN_ANSWERABILITY + PENALTY - 0.01, ("TLS", "cipher"), penalty=PENALTY)
    assert unknown.reason() == "They never mention TLS or cipher."
    many = Coverage(0.0, ("a1", "b2", "c3", "d4", "e5"), penalty=PENALTY)
    assert many.reason() == "They never mention a1, b2, c3 and 2 more."
    assert Coverage(MIN_ANSWERABILITY + PENALTY + 0.01, ("TLS",), penalty=PENALTY).reason() is None  # strong wins
    assert Coverage(0.9, number_missing=True).reason() == "The closest passages give no number for this."
    assert Coverage(0.9, code_missing=True).reason() == "The closest passages name no command or setting for this."


def test_a_detail_the_notes_do_not_give_is_abstained_with_the_reason(bundled_asker: Asker):
    answer = bundled_asker.ask("how many partitions should I give each kafka topic")
    assert answer.abstained and answer.reason == "The closest passages give no number for this."
    assert answer.coverage.answerability > MIN_ANSWERABILITY  # the topic is there; the number is not
    assert "give no number" in answer_html(answer)
    assert answer.hits and not answer.sources and not answer.quotes


def test_a_name_the_notes_never_use_is_named_and_escaped(bundled_asker: Asker):
    answer = bundled_asker.ask("How does Kafka's KRaft_<b>mode</b> replace ZooKeeper?")
    assert "KRaft" in answer.coverage.unknown_terms
    assert answer.abstained or answer.weak  # refused, or answered with a visible caveat
    html = answer_html(answer)
    assert "KRaft" in html and "<b>" not in html


@pytest.mark.parametrize("note, asked, quoted, unanswered, reason", [
    ("# Kafka\n\n## Partitions\n\nEach topic is split into partitions.\n"
     "We run 12 partitions per topic in production, one consumer per partition.\n\n"
     "## Retention\n\nOld segments are deleted after a while.\n",
     "how many partitions per topic do we run?", "12 partitions",
     "how long are old kafka segments kept before deletion?", "The closest passages give no number for this."),
    ("# Kafka\n\n## Offsets\n\nConsumers commit their offsets to Kafka now and then, so a restarted\n"
     "consumer carries on where it stopped.\n\n## Producers\n\nSet `acks=all` so that every replica has "
     "a write before it counts.\n",
     "which producer setting makes every replica have a write before it counts?", "acks=all",
     "Which consumer setting controls how often offsets are committed?",
     "The closest passages name no command or setting for this."),
])
def test_a_detail_is_answered_only_when_the_notes_give_it(encoder, tmp_path, note, asked, quoted, unanswered,
                                                           reason):
    """A number for "how many…", something written as code for "which setting…"."""
    notes = write_notes(tmp_path / "notes", {"kafka.md": note})
    asker, _ = Asker.open(Config(notes_dir=notes, index_dir=tmp_path / "index"), encoder)
    answered = asker.ask(asked)
    assert not answered.abstained and quoted in answered.text
    refused = asker.ask(unanswered)
    assert refused.abstained and refused.reason == reason


@pytest.mark.parametrize("question, wants", [
    ("Which consumer setting controls how often offsets are committed?", True),
    ("what's the git command to undo the last commit", True),
    ("Which flag makes mysqldump include every database?", True),
    ("What environment variable sets the log level?", True),
    ("Which API styles are compared?", False),  # styles: prose names them
    ("which option is better for a cache, write-through or write-back?", False),  # an everyday "option"
    ("how do I undo the last commit", False),
])
def test_questions_asking_for_a_name_in_code_are_told_apart(question, wants):
    assert asks_for_code(question) is wants


@pytest.mark.parametrize("text, names", [
    ("set `enable.auto.commit` to false", True), ("XREAD blocks until an entry arrives", True),
    ("dump them all with --all-databases", True), ("auto.commit.interval.ms defaults to five seconds", True),
    ("raise max_connections", True), ("call maxPollRecords", True), ("acks=all is the safest", True),
    ("Consumers commit their offsets to Kafka now and then", False),
    ("see [the docs](https://kafka.apache.org/documentation/#consumerconfigs_auto.commit)", False),  # a link's address
])
def test_code_is_backticks_flags_commands_and_identifiers_in_the_words(text, names):
    assert names_code(text) is names


def test_probes_the_notes_answer_do_not_raise_the_bar():
    unrelated, answered = [0.1 + 0.01 * i for i in range(30)], [0.9] * 20  # 20 probes are the notes' own topics
    assert probe_bar(unrelated + answered) == pytest.approx(probe_bar(unrelated))
    assert probe_bar(unrelated + answered) < 0.4
    assert probe_bar(answered) == Tuning().probe_answered  # notes that answer every probe: the bar is an answer's


EVERYDAY_NOTES = {  # the topics of ask/probes.txt: a folder of everyday notes answers many of its probes
    'cooking.md': (
        '# Cooking\n'
        '\n'
        '## Eggs\n'
        '- Soft boiled: 6 min from boiling, then ice bath\n'
        '- Hard boiled: 10 min\n'
        '- Older eggs peel easier\n'
        '\n'
        '## Pancakes\n'
        '- 1 cup flour, 1 egg, 1 cup milk, pinch of salt, 1 tbsp sugar\n'
        '- No buttermilk? Milk + 1 tbsp lemon juice, wait 5 min\n'
        '- Let batter rest 10 min, medium heat, flip when bubbles pop\n'
        '\n'
        '## Salmon\n'
        "- Skin side down, don't move it for 4 min\n"
        '- Pinot noir or a dry rosé works with it\n'
    ),
    'fitness.md': (
        '# Fitness\n'
        '\n'
        '## Running\n'
        '- Never run on a sprain: RICE for 48 h, then walk\n'
        '- Marathon = 26.2 miles; plan 16 weeks of training\n'
        '\n'
        '## Stretching\n'
        '- Hamstrings: hinge at the hips, straight back, hold 30 s, no bouncing\n'
        '\n'
        '## Sleep\n'
        '- Teens need 8-10 h; I feel best at 7.5 h\n'
    ),
    'garden.md': (
        '# Garden\n'
        '\n'
        '## Herbs\n'
        '- Basil hates cold and drafts: keep it away from the window at night\n'
        '- Pinch off flower buds so it keeps making leaves\n'
        '- Water at the base, not on the leaves\n'
        '\n'
        '## Tomatoes\n'
        '- Plant out after last frost, soil above 10°C (mid May here)\n'
        '- Bury the stem deep, it grows roots along it\n'
        '- Stake early\n'
        '\n'
        '## Succulents\n'
        '- Cactus: water once a month in winter, every 1-2 weeks in summer\n'
    ),
    'money.md': (
        '# Money\n'
        '\n'
        '## Emergency fund\n'
        '- Target: 3-6 months of expenses in an instant-access account\n'
        '- Automate a transfer on payday\n'
        '\n'
        '## Mortgage\n'
        '- Overpaying beats savings only if the mortgage rate is above the after-tax savings rate\n'
        '- Keep the emergency fund first\n'
        '\n'
        '## Compound interest\n'
        '- Interest on interest: monthly compounding beats annual at the same nominal rate\n'
    ),
    'travel.md': (
        '# Travel\n'
        '\n'
        '## Japan 2025\n'
        '- No visa needed for stays up to 90 days (EU passport)\n'
        '- Get a Suica card at the airport for trains and konbini\n'
        '- JR pass no longer worth it for our route\n'
        '\n'
        '## Iceland packing list\n'
        '- Wool base layers, waterproof shell, microspikes for icy paths\n'
        '- Daylight only ~5 h in December\n'
        '\n'
        '## Lisbon\n'
        '- Best in May or late September: warm, fewer crowds\n'
        '- Tram 28 is packed; walk instead\n'
    ),
}


def test_a_folder_of_everyday_notes_answers_its_own_topics(encoder, tmp_path):
    notes = write_notes(tmp_path / "notes", EVERYDAY_NOTES)
    asker, _ = Asker.open(Config(notes_dir=notes, index_dir=tmp_path / "index"), encoder)
    for question in ("when can the tomatoes go outside?", "do I need a visa for Japan?",
                     "when is the best time to go to Lisbon?", "what wine did I note for salmon?"):
        assert not asker.ask(question).abstained, question
    assert asker.ask("How do I rebase a git branch onto main?").abstained
