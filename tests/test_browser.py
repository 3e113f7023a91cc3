"""The page in a real browser: Debian's Chromium driven by Playwright against app.py in a subprocess."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import copy_notes, running_app

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

Try [click](javascript:window.__pwned=1) for the evil payload marker.

#### <svg><a href="javascript:__pwned=1"><rect width=9 height=9>

The svg rect with an href of javascript pwned, of width 9 and height 9, is a heading made example question.
"""
SVG_PAYLOAD = '<svg><a href="javascript:__pwned=1"><rect width=9 height=9>'

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-app")
    notes = copy_notes(root / "notes")
    (notes / "evil.md").write_text(EVIL_NOTE, encoding="utf-8")
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
    assert all(h.startswith(("https://", "http://", "#")) for h in hrefs if h), hrefs


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
    ask(page, "how do redis consumer groups differ from kafka's?")
    bot = page.locator("#conversation .bot-row, #conversation [data-testid='bot']")
    expect(bot.last).to_contain_text("Referenced docs", timeout=TIMEOUT_MS)
    ask(page, "and the docs link?")
    expect(page.locator("#conversation")).to_contain_text("and the docs link?", timeout=TIMEOUT_MS)
    expect(bot.nth(1).locator("a[href^='https://redis.io/docs/']").first).to_be_attached(timeout=TIMEOUT_MS)


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


def test_a_question_the_notes_do_not_answer_says_so_and_why(page, tmp_path):
    ask(page, "How many partitions should a Kafka topic have?")

    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("Your notes don't cover this.", timeout=TIMEOUT_MS)
    expect(conversation).to_contain_text("The closest passages give no number for this.")
    expect(conversation).to_contain_text("Messaging system")  # the nearest sections, to look at
    docs = page.locator("#sources a[href='https://kafka.apache.org/documentation/']")  # a bare URL in the note
    expect(docs).to_have_text("https://kafka.apache.org/documentation/", timeout=TIMEOUT_MS)
    page.screenshot(path=tmp_path / "abstain.png", full_page=True)
