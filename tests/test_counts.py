"""Counts that mean what they say, and reported speech shown as such, on hand-written records:

- "N sources" counts articles: an article's indirect clause and the quoted fragment inside it
  are one quote of one article; a quote page and `quotes show` list an article once;
- a speaker facet's link keeps exactly the quotes it counted ("Obama" is not "Michelle Obama"
  nor "an adviser to Mr Obama");
- the terminal, the search page and the quote page never put an indirect quote in quotation
  marks, and say it is reported, not verbatim; a speaker below 0.5 is "attribution uncertain".
"""
from __future__ import annotations

import re
import warnings
from html import unescape

import pytest
from click.testing import CliRunner

from quotes.cli import main
from quotes.index import QuoteIndex
from quotes.model import Article, Quote
from quotes.query import Filters

REPORT = 'Ms Lee said the sale was "a reckless gamble with public money".'
FRAGMENT = "a reckless gamble with public money"


def quote(article: Article, text: str, kind: str, speaker: str, mention: str | None = None,
          confidence: float = 0.8) -> Quote:
    start = article.text.index(text)
    return Quote(id=Quote.make_id(article.id, start, start + len(text), kind), article_id=article.id,
                 text=text, start=start, end=start + len(text), kind=kind, speaker=speaker,
                 speaker_mention=mention or speaker, cue="said", sentence=REPORT, paragraph=1,
                 confidence=confidence, title=article.title, date=article.date, source=article.source)


def articles() -> list[tuple[Article, list[Quote]]]:
    first = Article(text=f"Bridge sale\n\n{REPORT}\n", title="Bridge sale", date="2021-03-02", source="Town Post")
    clause = 'the sale was "a reckless gamble with public money"'
    again = Article(text=f"Bridge sale, day two\n\nShe called it {FRAGMENT}.\n", title="Day two",
                    date="2021-03-03", source="County News")
    obama = Article(
        text="Talks\n\nWe will keep talking to everyone who wants peace in the region.\n"
             "Our schools need teachers more than they need new buildings this year.\n"
             "The president has no plan for the border towns at all this winter.\n"
             "The summit will be held in the spring in a city of the north.\n",
        title="Talks", date="2021-04-01", source="Town Post")
    lines = obama.text.split("\n")[2:6]
    return [
        (first, [quote(first, clause, "indirect", "Ann Lee", "Ms Lee"),
                 quote(first, FRAGMENT, "mixed", "Ann Lee", "Ms Lee")]),
        (again, [quote(again, FRAGMENT, "mixed", "Ann Lee", "She")]),
        (obama, [quote(obama, lines[0], "direct", "Obama"),
                 quote(obama, lines[1], "direct", "Obama", "Mr Obama"),
                 quote(obama, lines[2], "direct", "Michelle Obama"),
                 quote(obama, lines[3], "indirect", "Tom Hart", "an adviser to Mr Obama", confidence=0.4)]),
    ]


@pytest.fixture(scope="module")
def ix(new_index_location):
    path = new_index_location("counts")
    with QuoteIndex.open(path, create=True) as made:
        made.add(articles())
    with QuoteIndex.open(path) as opened:
        yield opened


def cli(ix, *args):
    result = CliRunner().invoke(main, [*args, "--index", ix.path])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def test_sources_count_articles_not_copies_within_one(ix):
    [hit] = ix.search('"reckless gamble"').hits
    assert hit.group.sources == 2  # Town Post (clause and fragment) and County News
    mixed = next(q for q in ix.export() if q.kind == "mixed" and q.source == "Town Post")
    assert [q.source for q in ix.sources(mixed)] == ["Town Post", "County News"]
    assert ix.sources(mixed)[0].id == mixed.id  # its own article is listed as itself
    out = cli(ix, "show", mixed.id)
    assert "sources (2, oldest first)" in out and out.count("Town Post ·") == 1


def test_speaker_filter_by_name_keeps_exactly_the_facet_count(ix):
    counts = dict(ix.search(facets=["speaker"]).facets["speaker"])
    assert counts["Obama"] == 2 and counts["Michelle Obama"] == 1
    by_words = ix.search(filters=Filters(speakers=("Obama",)))
    assert by_words.total == 4  # every name or mention with the word: not what the facet counted
    exact = ix.search(filters=Filters(speaker_names=("Obama",)))
    assert exact.total == counts["Obama"] and {h.quote.speaker for h in exact.hits} == {"Obama"}
    assert ix.search("teachers", Filters(speaker_names=("Obama",))).total == 1
    assert ix.search("teachers", Filters(speaker_names=("Michelle Obama",))).total == 0
    # a filter that keeps no quote keeps none, with a query or without
    assert ix.search("teachers", Filters(speakers=("Nobody",))).total == 0
    assert ix.search("teachers", Filters(speaker_names=("Obam",))).total == 0
    assert ix.search(filters=Filters(speaker_names=("Obam",))).total == 0
    out = cli(ix, "search", "--speaker-name", "Obama", "--format", "jsonl")
    assert len(out.splitlines()) == 2


def test_terminal_never_quotes_reported_speech(ix):
    out = cli(ix, "search", "summit")
    assert "Tom Hart (attribution uncertain) (indirect; reported, not verbatim)" in out
    assert "  reported: The summit will be held" in out and "“The summit" not in out
    out = cli(ix, "search", "teachers")
    assert "Obama (direct)" in out and "  “Our schools need teachers" in out


def test_every_record_says_whether_it_is_verbatim(ix):
    import json

    records = [json.loads(line) for line in cli(ix, "export").splitlines()]
    assert {(r["kind"], r["verbatim"]) for r in records} == {("direct", True), ("mixed", True), ("indirect", False)}
    assert cli(ix, "export", "--format", "csv").splitlines()[0].endswith(",verbatim")
    hits = json.loads(cli(ix, "search", "summit", "--format", "json"))
    assert hits[0]["verbatim"] is False


# --- the web pages --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(ix):
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from quotes.server import create_app

    return TestClient(create_app(ix.path))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.text


def test_speaker_facet_link_leads_to_exactly_what_it_counted(client):
    html = page(client, "/")
    facet = re.search(r'<a href="([^"]+)" data-facet="speaker">Obama</a> <span class="n"[^>]*>(\d+)</span>', html)
    narrowed = page(client, unescape(facet.group(1)))
    assert f"{facet.group(2)} quotes" in narrowed and facet.group(2) == "2"
    results = narrowed.split('class="results"')[1].split("</section>")[0]
    assert "Michelle Obama" not in results and "Tom Hart" not in results


def test_search_card_and_quote_page_show_reported_speech_as_such(client, ix):
    html = page(client, "/?q=summit")
    card = html.split('class="results"')[1].split("</article>")[0]
    assert "Reported, not verbatim:" in card and "“The summit" not in card
    assert "attribution uncertain" in card
    reported = next(q for q in ix.export() if q.speaker == "Tom Hart")
    html = page(client, f"/quotes/{reported.id}")
    assert "Reported, not verbatim:" in html and "reported, not verbatim</span>" in html
    assert "“The summit" not in html.split('class="context"')[0]
    assert "Tom Hart (attribution uncertain)" in html


def test_quote_page_lists_an_article_once(client, ix):
    mixed = next(q for q in ix.export() if q.kind == "mixed" and q.source == "Town Post")
    html = page(client, f"/quotes/{mixed.id}")
    assert "2 sources, oldest first" in html
    assert html.split('class="copies"')[1].split("</ol>")[0].count("<li") == 2
