"""`quotes serve` end to end in a real browser: Playwright drives Debian's Chromium
(`apt-get install chromium`) against the real uvicorn server on a free loopback port.

Playwright never downloads a browser here: it is launched with `executable_path`. Without
Chromium (or Playwright) these tests skip, saying why. The walk through the page saves
docs/screenshot.png, the picture in the README, and the quote page of an indirect quote
docs/quote-indirect.png.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = os.environ.get("QUOTES_CHROMIUM", "/usr/bin/chromium")
if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` to run the browser tests",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install -e '.[web]'")

from quotes.extract import extract_articles  # noqa: E402
from quotes.index import QuoteIndex  # noqa: E402
from quotes.model import Article, Quote  # noqa: E402
from quotes.readers import read_articles  # noqa: E402
from quotes.server import LOOPBACK_HOSTS, bind, create_app, make_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "republished.jsonl"
SCREENSHOT = ROOT / "docs" / "screenshot.png"
INDIRECT_SCREENSHOT = ROOT / "docs" / "quote-indirect.png"
# A hand-written article whose mayor is reported (indirect speech, a quoted fragment in it).
REPORTED = Article(
    text="Council to sell the old bridge\n\nMayor Ann Lee met reporters at the town hall on Tuesday.\n\n"
         "Ms Lee said that the council would sell the old bridge to a private developer, calling the"
         " offer \"the best deal this town has seen in years\".\n",
    title="Council to sell the old bridge", date="2021-03-02", source="The Town Post",
    url="https://townpost.example/bridge", author="By Sam Roe")
PERSON_SHOT = ROOT / "docs" / "person.png"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TIMEOUT_MS = 15_000


def script_article() -> tuple[Article, list[Quote]]:
    said = "<script>alert('pwned')</script> was never said,"
    text = f"Test\n\n\"{said}\" Mallory said.\n"
    article = Article(text=text, id="script", date="2020-05-01", source="Evil Times")
    start = text.index(said)
    quote = Quote(id=Quote.make_id(article.id, start, start + len(said), "direct"), article_id=article.id,
                  text=said, start=start, end=start + len(said), kind="direct", speaker="Mallory",
                  sentence=f"\"{said}\" Mallory said.", date=article.date, source=article.source)
    return article, [quote]


@pytest.fixture(scope="module")
def base_url(nlp, tmp_path_factory) -> Iterator[str]:
    """The real server (uvicorn, in a thread) over a fresh index, on a free port."""
    path = str(tmp_path_factory.mktemp("browser") / "ix")
    with QuoteIndex.open(path, create=True) as ix:
        ix.add(extract_articles(read_articles([str(CORPUS)]), nlp))
        ix.add([script_article()])
        ix.add(extract_articles([REPORTED], nlp))
    sock = bind("127.0.0.1", 0)
    server = make_server(create_app(path, allowed_hosts=LOOPBACK_HOSTS), log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=20)
    sock.close()


@pytest.fixture(scope="module")
def browser(base_url) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900},
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    opened.dialogs = dialogs
    yield opened
    context.close()


def expect(locator):
    return sync_api.expect(locator)


def test_search_narrow_open_cite_and_verify(page, base_url):
    # Search with the keyboard.
    page.goto("/")
    page.get_by_label("Words or query").fill("Idlib")
    page.get_by_label("Words or query").press("Enter")
    expect(page.locator("#results-title")).to_contain_text("quotes")
    cards = page.locator("article.card")
    assert cards.count() >= 3
    expect(cards.first.locator("mark").first).to_have_text("Idlib")
    expect(page.get_by_text("3 sources, first seen 2019-01-10 in Reuters")).to_be_visible()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # Narrow by a facet: only Putin's quotes remain, and the filter can be removed.
    page.locator("a[data-facet=speaker]", has_text="Vladimir Putin").click()
    expect(page.locator(".chips")).to_contain_text("speaker: Vladimir Putin")
    speakers = page.locator("article.card .meta strong").all_inner_texts()
    assert speakers and set(speakers) == {"Vladimir Putin"}
    assert page.get_by_label("Speaker", exact=True).input_value() == "Vladimir Putin"

    # Open the quote page of the republished quote.
    page.locator("article.card", has_text="shared conviction").get_by_role("link", name="Context and all sources").click()
    expect(page.locator(".context mark")).to_contain_text("We have a shared conviction")
    expect(page.locator(".copies li")).to_have_count(3)
    assert [t.split(" · ")[1] for t in page.locator(".copies li").all_inner_texts()] == [
        "Reuters", "The National", "Daily Sabah"]

    # Copy a citation: the clipboard holds the APA citation, and the button says so.
    apa = page.get_by_label("APA", exact=True)
    button = page.get_by_role("button", name="Copy APA")
    button.click()
    expect(page.locator("button.copy", has_text="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == apa.input_value()
    assert "(Vladimir Putin, as cited in Petrova, 2019)" in apa.input_value()

    # Verify a misquote from the nav.
    page.get_by_role("link", name="Verify a quote").click()
    page.get_by_label("Claimed quote").fill("We have a common conviction that the situation in Idlib must be solved")
    page.get_by_label("Said by (optional)").fill("Erdogan")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verdict")).to_have_text("Verdict: Close match (differences shown below).")
    expect(page.locator(".warning")).to_contain_text("said by Vladimir Putin, not Erdogan")
    expect(page.locator(".matches del").first).to_have_text("shared")
    expect(page.locator(".matches ins").first).to_have_text("common")
    assert page.dialogs == []


def test_speaker_suggestions_as_you_type(page):
    page.goto("/")
    page.get_by_label("Speaker", exact=True).press_sequentially("kili", delay=30)
    options = page.locator("#speaker-names option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "Kemal Kilicdaroglu"


def test_quote_with_a_script_renders_as_text(page):
    page.goto("/?q=pwned")
    expect(page.locator("article.card .quote")).to_contain_text("<script>alert('pwned')</script> was never said")
    page.get_by_role("link", name="Context and all sources").click()
    expect(page.locator(".context")).to_contain_text("<script>alert('pwned')</script>")
    assert page.dialogs == []


def test_indirect_quote_page_reads_as_reported_speech(page):
    page.goto("/?q=bridge+developer")
    card = page.locator("article.card", has=page.locator(".kind.reported"))
    expect(card.locator(".quote.reported")).to_contain_text("Reported, not verbatim: the council would sell the old bridge")
    card.get_by_role("link", name="Context and all sources").click()
    expect(page.locator("h1")).to_have_text("Reported speech of Ann Lee")
    said = page.locator("main .quote.reported").first
    expect(said).to_contain_text("Reported, not verbatim:")
    assert "“" not in said.inner_text()  # no quotation marks of ours around a report
    expect(page.locator(".meta .kind.reported")).to_have_text("reported, not verbatim")
    expect(page.locator(".context mark")).to_contain_text("the council would sell the old bridge")
    apa = page.locator("textarea[data-style=apa]").input_value()
    assert apa.startswith("Ann Lee said that the council would sell the old bridge to a private developer")
    assert "(as cited in Roe, 2021)." in apa and "“the council" not in apa
    INDIRECT_SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(INDIRECT_SCREENSHOT), full_page=True)


def test_keyboard_and_phone(page):
    page.goto("/?q=Idlib")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q" or page.evaluate(
        "document.activeElement.closest('main') !== null")
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    box = page.get_by_label("Words or query").bounding_box()
    assert box and box["width"] > 250  # the search box spans the phone's screen


def test_no_browser_download_was_needed():
    """The browser is Debian's: Playwright's own download folder stays empty."""
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache" / "ms-playwright"))
    assert not any(cache.glob("chromium-*")) or shutil.which("chromium") is not None


def test_person_page_from_a_hit(page):
    """A speaker's name on a hit opens their page: one person whatever the article called them.
    Saves docs/person.png, the picture in the README."""
    page.goto("/?q=Idlib")
    page.locator("article.card .meta strong a", has_text="Vladimir Putin").first.click()
    expect(page.locator("h1")).to_have_text("Vladimir Putin")
    expect(page.locator("dl.person")).to_contain_text("Putin")  # The National's "Mr Putin" is him
    expect(page.locator("figure.chart rect")).to_have_count(2)  # 2019-01 and 2019-02
    expect(page.locator("figure.chart figcaption")).to_contain_text("2019-01 to 2019-02")
    assert page.locator("article.card").count() == 3  # a republished quote is one hit
    PERSON_SHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(PERSON_SHOT), full_page=True)
    page.get_by_label("Their words").fill("Sochi")
    page.get_by_role("button", name="Search their quotes").click()
    expect(page.locator("article.card")).to_have_count(1)
    assert page.dialogs == []
