"""`quotes verify` is strict: a claim is confirmed only by verbatim words, an excerpt is called
one with the rest shown, a claim too short to single out a quote gets no verdict, and the word
diff shows both sides of a word changed at either end. Fixtures: a hand-written article."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from quotes.cli import main
from quotes.extract import extract
from quotes.index import QuoteIndex
from quotes.model import Article
from quotes.verify import CLOSE, EXACT, EXCERPT, NONE, REPORTED, TOO_SHORT, verify
from quotes.wording import similarity

TOWN = """Council sells the old bridge

Mayor Ann Lee met reporters at the town hall on Tuesday.

"We will not raise taxes to pay for this," Ms Lee said. "The town cannot afford another winter of repairs on that crossing."

"The old bridge has served us well, but we cannot keep it," she said.

Ms Lee said that the council would sell the old bridge to a private developer next spring.
"""


@pytest.fixture(scope="module")
def ix(nlp, new_index_location):
    path = new_index_location("verify")
    article = Article(text=TOWN, title="Council sells the old bridge", date="2021-03-02", source="The Town Post")
    found = extract(article, nlp=nlp)
    assert {q.kind for q in found} == {"direct", "indirect"}
    with QuoteIndex.open(str(path), create=True) as made:
        made.add([(article, found)])
    with QuoteIndex.open(str(path)) as opened:
        yield opened


def web(ix):
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from quotes.server import create_app

    return TestClient(create_app(ix.path))


def run(ix, *args):
    result = CliRunner().invoke(main, ["verify", *args, "--index", ix.path])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


@pytest.mark.parametrize("claim", ["the", "we must", "Syria", "the old bridge", "We will not", "we will not stay"])
def test_a_claim_too_short_to_single_out_a_quote_gets_no_verdict(ix, claim):
    result = verify(ix, claim)
    assert result.verdict == TOO_SHORT and result.matches == []
    assert "Verdict: Too short to verify" in run(ix, claim)


def test_the_whole_quote_is_an_exact_match(ix):
    result = verify(ix, "we will not raise taxes to pay for this")
    assert result.verdict == EXACT and result.matches[0].quote.kind == "direct"


def test_stopping_early_is_an_exact_excerpt_with_the_rest_shown(ix):
    result = verify(ix, "We will not raise taxes")
    assert result.verdict == EXCERPT
    assert result.matches[0].after == "to pay for this"
    out = run(ix, "We will not raise taxes")
    assert "Exact match" not in out and "Verdict: Exact excerpt" in out
    assert "The quote goes on: … to pay for this" in out
    # the words left out are shown as written, on the verify page too
    html = web(ix).get("/verify?claim=We+will+not+raise+taxes").text
    assert "Verdict: Exact excerpt" in html and "The quote goes on: … to pay for this" in html
    data = json.loads(run(ix, "We will not raise taxes", "--format", "json"))
    assert data["verdict"] == "exact excerpt" and data["matches"][0]["after"] == "to pay for this"


def test_a_claim_only_an_indirect_quote_matches_is_reported_speech(ix):
    claim = "the council would sell the old bridge to a private developer"
    result = verify(ix, claim)
    assert result.verdict == REPORTED
    kinds = [m.quote.kind for m in result.matches]
    assert kinds[-1] == "indirect" and kinds[0] == "direct"  # her verbatim quotes first
    out = run(ix, claim)
    assert "Exact match" not in out and "Exact excerpt" not in out
    assert "Verdict: Reported, not verbatim: the article reports this in its own words" in out
    assert "Ann Lee (indirect; reported, not verbatim)" in out and "Ann Lee (direct)" in out
    assert "reported: the council would sell" in out and "“the council" not in out
    data = json.loads(run(ix, claim, "--format", "json"))
    assert [m["quote"]["verbatim"] for m in data["matches"]][-1] is False
    html = web(ix).get("/verify", params={"claim": claim}).text
    assert "Verdict: Reported, not verbatim" in html and "reported, not verbatim</span>" in html
    assert "“the council" not in html


def test_a_fabricated_claim_matches_nothing(ix):
    assert verify(ix, "The bridge will be rebuilt in gold by the army").verdict == NONE


def test_a_word_changed_at_the_end_shows_both_sides():
    compared = similarity("generals reduced to ruins", "Trump said the generals were reduced to rubble.")
    assert ("-", "rubble") in compared.diff and ("+", "ruins") in compared.diff
    compared = similarity("the situation in Idlib must be solved",
                          "We have a shared conviction that the situation in Idlib must be resolved, and we will")
    assert ("-", "resolved") in compared.diff and ("+", "solved") in compared.diff


def test_a_word_changed_at_the_start_shows_both_sides():
    compared = similarity("Hillary is trigger-happy", "She's trigger-happy and very aggressive.")
    assert compared.diff[:2] == [("-", "She's"), ("+", "Hillary is")]


def test_a_close_match_on_verbatim_words_is_close(ix):
    result = verify(ix, "We will never raise taxes to pay for this")
    assert result.verdict == CLOSE and ("+", "never") in result.matches[0].diff
