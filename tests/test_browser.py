"""The page in a real browser: Debian's Chromium driven by Playwright against app.py in a subprocess."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO, copy_notes, running_app

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at "
                                "/usr/bin/chromium (apt-get install chromium); the browser test needs it")

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

TIMEOUT_MS = 60_000
EVIL_NOTE = """# Evil

## Evil section
The evil payload marker hides three attacks in a note.

<script>window.__pwned = 1</script>

<img src=x onerror="window.__pwned=1">

Try [click](javascript:window.__pwned=1) for the evil payload marker, then read the [study notes](system-design.md).

#### <svg><a href="javascript:__pwned=1"><rect width=9 height=9>

The svg rect with an href of javascript pwned, of width 9 and height 9, is a heading made example question.
"""
REFERENCE_NOTE = """# Reference style

## Clock marker
- The clock marker line links by reference: read the [time paper][lamport] and the [study notes][study].
- Bake the bread at two hundred degrees for forty minutes.
- [ ] Reread the time paper's clock marker section
- Set the mark with [`clock.mark()`][].

[lamport]: https://lamport.azurewebsites.net/pubs/time-clocks.pdf
[study]: system-design.md
[`clock.mark()`]: #clockmark
"""
SOURDOUGH_NOTE = """# Sourdough

## Feeding the starter
A sourdough starter is a living culture of wild yeast and bacteria, and it gets hungry. Left alone on the counter \
it turns sour, smells of nail varnish, grows a grey layer of hooch on top and stops lifting a loaf. Mine went flat \
twice in the first month before I worked out a routine for feeding it.

The culture doubles in four to eight hours in a warm kitchen, then falls back as the flour runs out. Bake when it \
has just doubled and is domed, not after it has collapsed; a spoonful should float in water.

Feed it one part starter, one part flour and one part water by weight, at the same hour each day. Keep it in the \
fridge between bakes and feed it weekly, then twice at room temperature before baking again.
"""  # one section, longer than a passage: cut in two for the index
SVG_PAYLOAD = '<svg><a href="javascript:__pwned=1"><rect width=9 height=9>'

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-app")
    notes = copy_notes(root / "notes")
    (notes / "evil.md").write_text(EVIL_NOTE, encoding="utf-8")
    (notes / "reference.md").write_text(REFERENCE_NOTE, encoding="utf-8")
    (notes / "sourdough.md").write_text(SOURDOUGH_NOTE, encoding="utf-8")
    with running_app(notes, root / "index") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(app_url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    yield page
    context.close()


def ask(page: Page, question: str) -> None:
    box = page.locator("#question textarea")
    box.wait_for(timeout=TIMEOUT_MS)
    box.fill(question)
    box.press("Enter")


def _nothing_ran(page: Page) -> None:
    """Click whatever an SVG payload would have left in the conversation, then check that no script ran."""
    for element in page.locator("#conversation .message-content svg, #conversation .message-content rect").all():
        try:
            element.click(timeout=1000, no_wait_after=True)
        except Exception:  # hidden or detached: nothing to click
            pass
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    hrefs = page.eval_on_selector_all("#conversation [href], #conversation [*|href]",
                                      "els => els.map(e => e.getAttribute('href') || e.getAttribute('xlink:href'))")
    assert all(h.startswith(("https://", "http://", "#", "note?doc=")) for h in hrefs if h), hrefs


def test_a_note_heading_made_example_question_is_asked_on_a_click_and_runs_nothing(page):
    example = page.locator("#examples button.gallery-item", has_text="<svg>")
    example.click(timeout=TIMEOUT_MS)  # a click asks it, as Gradio's ChatInterface does
    expect(page.locator("#conversation")).to_contain_text(SVG_PAYLOAD, timeout=TIMEOUT_MS)  # shown as text
    expect(page.locator("#conversation .answer")).to_contain_text("heading made example question",
                                                                  timeout=TIMEOUT_MS)
    expect(page.locator("#sources")).to_contain_text(SVG_PAYLOAD)  # the heading path, shown as text
    _nothing_ran(page)


def test_a_typed_question_is_shown_as_typed_and_runs_nothing(page):
    ask(page, f"{SVG_PAYLOAD} <img src=x onerror=window.__pwned=1> *not emphasis*")
    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text(f"{SVG_PAYLOAD} <img src=x onerror=window.__pwned=1> *not emphasis*",
                                         timeout=TIMEOUT_MS)
    _nothing_ran(page)


def test_a_follow_up_in_the_page_is_searched_with_the_question_before(page):
    ask(page, "What did I write about DynamoDB?")
    expect(page.locator("#conversation .answer")).to_have_count(1, timeout=TIMEOUT_MS)
    ask(page, "and the docs link?")
    answer = page.locator("#conversation .answer").nth(1)
    expect(answer).to_contain_text("searched: What did I write about DynamoDB? and the docs link?",
                                   timeout=TIMEOUT_MS)
    expect(answer.locator("a[href^='https://docs.aws.amazon.com/amazondynamodb/']").first).to_be_attached()


def test_thanks_in_the_page_is_answered_without_a_search(page):
    ask(page, "thanks!")
    answer = page.locator("#conversation .answer").first
    expect(answer).to_contain_text("There is nothing in that to look up", timeout=TIMEOUT_MS)
    expect(answer).not_to_contain_text("don't cover")
    expect(page.locator("#sources")).to_contain_text("Ask a question to see the passages")


def test_whats_in_my_notes_in_the_page_lists_them_with_links(page):
    ask(page, "what's in my notes?")
    answer = page.locator("#conversation .answer").first
    expect(answer).to_contain_text(re.compile(r"Your notes: \d+ notes, \d+ passages"), timeout=TIMEOUT_MS)
    expect(answer.locator("a[href='note?doc=system-design.md']")).to_contain_text("System design")
    expect(answer).to_contain_text("Messaging system")


def test_a_misspelt_question_in_the_page_is_searched_as_the_notes_spell_it(page):
    ask(page, "redis streem consumer groups")
    answer = page.locator("#conversation .answer").first
    expect(answer).to_contain_text("searched as your notes spell it: redis stream consumer groups",
                                   timeout=TIMEOUT_MS)
    expect(page.locator("#sources")).to_contain_text("Redis Stream", timeout=TIMEOUT_MS)


def test_question_typed_in_the_page_is_answered_with_quotes_link_and_sources(page, tmp_path):
    expect(page.locator("#status")).to_contain_text("passages", timeout=TIMEOUT_MS)
    expect(page.locator("#status")).to_contain_text("all-MiniLM-L6-v2")

    ask(page, "how do redis consumer groups differ from kafka's?")

    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("consumer group", ignore_case=True, timeout=TIMEOUT_MS)
    expect(conversation.locator("a[href^='https://redis.io/']").first).to_be_attached(timeout=TIMEOUT_MS)
    expect(page.locator("#sources")).to_contain_text("Redis Stream", timeout=TIMEOUT_MS)
    page.screenshot(path=tmp_path / "answer.png", full_page=True)


def test_html_and_javascript_links_in_a_note_do_not_run(page):
    ask(page, "evil payload marker")

    sources = page.locator("#sources")
    expect(sources).to_contain_text("Evil section", timeout=TIMEOUT_MS)
    expect(sources).to_contain_text("<script>window.__pwned = 1</script>")  # shown as text, not run
    expect(page.locator("#conversation")).to_contain_text("evil.md", timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)  # give any injected onerror handler a chance to fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]


def test_a_related_note_named_by_a_plain_link_opens_from_the_answer(page):
    ask(page, "evil payload marker")
    related = page.locator("#conversation .answer .related a.note-link", has_text="system-design")
    with page.context.expect_page() as opened:
        related.click(timeout=TIMEOUT_MS)
    note = opened.value
    note.wait_for_load_state()
    expect(note.locator("h1").first).to_have_text("system-design.md", timeout=TIMEOUT_MS)
    expect(note.locator("body")).to_contain_text("Consumer group")
    _nothing_ran(page)


def test_links_written_by_reference_stay_live_in_quotes_and_sources(page):
    ask(page, "clock marker line")
    quote = page.locator("#conversation .answer ul.quotes a[href='https://lamport.azurewebsites.net/pubs/time-clocks.pdf']")
    expect(quote).to_have_text("time paper", timeout=TIMEOUT_MS)
    expect(page.locator("#sources a[href='https://lamport.azurewebsites.net/pubs/time-clocks.pdf']")).to_have_count(1)
    expect(page.locator("#conversation .answer .related a.note-link", has_text="system-design")).to_be_visible()
    mark = page.locator("#conversation .answer ul.quotes li", has_text="Set the mark with")  # an anchor of its page
    expect(mark).to_contain_text("Set the mark with clock.mark(). [1]")
    expect(mark.locator("code")).to_have_text("clock.mark()")
    _nothing_ran(page)


def test_a_short_passage_is_quoted_whole_with_the_lines_that_match_marked(page):
    ask(page, "clock marker line")
    quotes = page.locator("#conversation .answer ul.quotes")
    expect(quotes.locator("li.matched", has_text="clock marker line")).to_be_visible(timeout=TIMEOUT_MS)
    expect(quotes.locator("li:not(.matched)")).to_contain_text("Bake the bread")  # there to be read
    expect(quotes).to_contain_text("☐ Reread the time paper")  # a task shows its box, not "[ ]"
    assert quotes.locator("li.matched").first.evaluate("li => getComputedStyle(li).borderLeftColor") != \
        quotes.locator("li:not(.matched)").first.evaluate("li => getComputedStyle(li).borderLeftColor")


def test_a_section_cut_for_size_is_one_source_card_read_on_past_the_cut(page):
    ask(page, "why does my sourdough starter smell of nail varnish and go flat?")
    card = page.locator("#sources #source-1")
    expect(card.locator("h3")).to_have_text("[1] sourdough.md › Sourdough › Feeding the starter, lines 4–8",
                                            timeout=TIMEOUT_MS)
    expect(card).to_contain_text("smells of nail varnish")  # the first part, which the question matches
    expect(card).to_contain_text("at the same hour each day")  # and the part after the cut, in the same card
    expect(page.locator("#sources .source", has_text="Feeding the starter")).to_have_count(1)


def test_a_question_the_notes_do_not_answer_says_so_and_why(page, tmp_path):
    ask(page, "How many partitions should I give each Kafka topic?")

    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("Your notes don't cover this.", timeout=TIMEOUT_MS)
    expect(conversation).to_contain_text("The closest passages give no number for this.")
    expect(conversation).to_contain_text("Messaging system")  # the nearest sections, to look at
    docs = page.locator("#sources a[href='https://kafka.apache.org/documentation/']")  # a bare URL in the note
    expect(docs).to_have_text("https://kafka.apache.org/documentation/", timeout=TIMEOUT_MS)
    page.screenshot(path=tmp_path / "abstain.png", full_page=True)


AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason=f"axe-core is not installed at {AXE} (make axe)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_has_no_serious_accessibility_violations(browser, app_url, scheme, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(app_url + ("?__theme=dark" if scheme == "dark" else ""), wait_until="domcontentloaded",
              timeout=TIMEOUT_MS)
    ask(page, "how do redis consumer groups differ from kafka's?")
    expect(page.locator("#conversation .answer")).to_be_visible(timeout=TIMEOUT_MS)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
        .violations.filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
    page.screenshot(path=tmp_path / f"page-{scheme}.png", full_page=True)
    context.close()
    assert violations == []


def test_on_a_phone_the_newest_answer_opens_at_its_question(browser, app_url, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(app_url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    ask(page, "how do redis consumer groups differ from kafka's?")
    expect(page.locator("#conversation .answer")).to_be_visible(timeout=TIMEOUT_MS)
    ask(page, "What do my notes say about DynamoDB?")
    expect(page.locator("#conversation .answer")).to_have_count(2, timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    question = page.locator("#conversation [data-testid='user']").last
    box = question.bounding_box()
    top_of_answer = page.locator("#conversation .answer").last.bounding_box()
    page.screenshot(path=tmp_path / "phone.png")
    context.close()
    assert 0 <= box["y"] and top_of_answer["y"] < 844  # the question and the start of its answer are in view


def test_an_empty_question_keeps_the_conversation(page):
    ask(page, "how do redis consumer groups differ from kafka's?")
    expect(page.locator("#conversation .answer")).to_have_count(1, timeout=TIMEOUT_MS)
    ask(page, "   ")
    expect(page.locator(".toast-body, [data-testid='toast-body']").first).to_contain_text("Type a question first",
                                                                                        timeout=TIMEOUT_MS)
    expect(page.locator("#conversation .answer")).to_have_count(1)
    expect(page.locator("#sources")).to_contain_text("Redis Stream")


def test_a_citation_leads_to_its_source_card_and_the_card_opens_the_note(page):
    ask(page, "how do redis consumer groups differ from kafka's?")
    page.locator("#conversation a.cite").first.click(timeout=TIMEOUT_MS)
    expect(page.locator("#source-1")).to_be_in_viewport(timeout=TIMEOUT_MS)
    with page.context.expect_page() as opened:
        page.locator("#source-1 .open a").click()
    note = opened.value
    note.wait_for_load_state()
    expect(note.locator("#cited")).to_be_in_viewport(timeout=TIMEOUT_MS)
    expect(note.locator("#cited")).to_contain_text("Consumer group")
    expect(note.locator("h1").first).to_have_text("system-design.md")


def test_clear_also_clears_the_sources_and_undo_gives_the_question_back(page):
    ask(page, "how do redis consumer groups differ from kafka's?")
    expect(page.locator("#sources .source").first).to_be_visible(timeout=TIMEOUT_MS)
    page.locator("#conversation button[aria-label='Undo']").last.click(timeout=TIMEOUT_MS)
    expect(page.locator("#question textarea")).to_have_value("how do redis consumer groups differ from kafka's?",
                                                             timeout=TIMEOUT_MS)
    page.locator("#question textarea").press("Enter")
    expect(page.locator("#conversation .answer")).to_have_count(1, timeout=TIMEOUT_MS)
    page.locator("#conversation button[aria-label='Clear']").click()
    expect(page.locator("#sources .source")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.locator("#conversation .answer")).to_have_count(0)


def test_reingest_says_what_it_did_and_the_button_comes_back(page):
    button = page.locator("#reingest")
    button.click(timeout=TIMEOUT_MS)
    expect(page.locator("#ingest-log")).to_contain_text("Re-ingested:", timeout=TIMEOUT_MS)
    expect(page.locator("#ingest-log")).to_contain_text("index is up to date with the notes")
    expect(button).to_be_enabled()
    expect(page.locator("#status")).to_contain_text("passages")
