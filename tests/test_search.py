"""Searching like a fact-checker, over a small corpus whose articles republish and alter one
another's quotes (tests/data/republished.jsonl, extracted for real):

- Reuters 2019-01-10: Putin's "shared conviction" quote, Erdoğan's "never abandon" quote and
  "effective" (mixed);
- The National 2019-01-12: both again, Putin's cut short and in capitals, "Mr Erdogan";
- Daily Sabah 2019-01-15: Putin's with a word added in front; Kilicdaroglu saying Erdoğan's
  very words (another speaker: not the same quote); Albayrak on the economy;
- The Gazette 2018-12-01: Merkel on Europe; Reuters 2019-02-20: Putin on Sochi.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes.cli import main
from quotes.errors import QuotesError
from quotes.extract import extract_articles
from quotes.index import QuoteIndex
from quotes.query import Filters
from quotes.readers import read_articles
from quotes.verify import CLOSE, EXACT, EXCERPT, NONE, verify

CORPUS = Path(__file__).parent / "data" / "republished.jsonl"
CONVICTION = ("We have a shared conviction that the situation in Idlib must be resolved, and we will"
              " work together to achieve that")


@pytest.fixture(scope="module")
def ix(nlp, new_index_location):
    path = new_index_location("republished")
    with QuoteIndex.open(str(path), create=True) as made:
        made.add(extract_articles(read_articles([str(CORPUS)]), nlp))
    with QuoteIndex.open(str(path)) as opened:
        yield opened


def cli(ix, *args, code=0):
    result = CliRunner().invoke(main, [*map(str, args), "--index", ix.path])
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def speakers_of(results):
    return [hit.quote.speaker for hit in results.hits]


# --- grouping -----------------------------------------------------------------------------------


def test_republished_quote_is_one_hit_with_its_sources_and_first_seen(ix):
    results = ix.search('"shared conviction"')
    [hit] = results.hits
    assert results.total == 1
    assert hit.group.sources == 3
    assert (hit.group.first.date, hit.group.first.source) == ("2019-01-10", "Reuters")
    assert hit.quote.speaker == "Vladimir Putin"  # the hit is the first copy


def test_same_words_by_another_speaker_is_another_quote(ix):
    hits = ix.search('"never abandon the people of Idlib"').hits
    assert sorted((h.quote.speaker, h.group.sources) for h in hits) == [
        ("Kemal Kilicdaroglu", 1), ("Recep Tayyip Erdoğan", 2)]


def test_show_lists_every_source_oldest_first(ix):
    [hit] = ix.search('"shared conviction"').hits
    copies = ix.copies(hit.quote)
    assert [(c.date, c.source) for c in copies] == [
        ("2019-01-10", "Reuters"), ("2019-01-12", "The National"), ("2019-01-15", "Daily Sabah")]
    record = json.loads(cli(ix, "show", copies[1].id, "--format", "json").stdout)
    assert [c["url"] for c in record["copies"]] == [c.url for c in copies]
    table = cli(ix, "show", copies[2].id).stdout
    listed = table.split("sources (3, oldest first):\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(" · ")[1] for line in listed] == ["Reuters", "The National", "Daily Sabah"]
    assert all(c.url in line for c, line in zip(copies, listed))


def test_search_table_says_how_many_sources(ix):
    out = cli(ix, "search", "conviction").stdout
    assert "3 sources, first seen 2019-01-10 in Reuters" in out
    [record] = json.loads(cli(ix, "search", "conviction", "--format", "json").stdout)
    assert record["sources"] == 3
    assert record["first_seen"]["source"] == "Reuters"


def test_export_gives_every_copy(ix):
    lines = cli(ix, "export", "conviction").stdout.splitlines()
    assert [json.loads(line)["source"] for line in lines] == ["Reuters", "The National", "Daily Sabah"]
    assert len({json.loads(line)["group"] for line in lines}) == 1


# --- filters, sorting, paging -------------------------------------------------------------------


def test_speaker_filter_matches_any_part_of_the_name_or_mention(ix):
    for name in ("erdogan", "ERDOĞAN", "Tayyip", "mr erdogan"):
        hits = ix.search(filters=Filters(speakers=[name])).hits
        assert hits and all("rdo" in (h.quote.speaker or "") for h in hits), name
    both = ix.search("idlib", Filters(speakers=["putin", "kilicdaroglu"]))
    assert sorted(speakers_of(both)) == ["Kemal Kilicdaroglu", "Vladimir Putin"]  # one per group


def test_date_range_covers_whole_periods(ix):
    assert speakers_of(ix.search(filters=Filters(since="2019-02"))) == ["Vladimir Putin"]
    assert speakers_of(ix.search(filters=Filters(until="2018"))) == ["Angela Merkel"]
    january = ix.search(filters=Filters(since="2019-01-12", until="2019-01-15"), limit=50).hits
    assert {h.quote.date for h in january} == {"2019-01-12", "2019-01-15"}


def test_bad_dates_are_errors(ix):
    with pytest.raises(QuotesError, match="bad date 'yesterday'"):
        ix.search(filters=Filters(since="yesterday"))
    with pytest.raises(QuotesError, match="is empty"):
        ix.search(filters=Filters(since="2020", until="2019"))


def test_source_and_kind_filters(ix):
    hits = ix.search(filters=Filters(sources=["reuters"]), limit=50).hits
    assert {h.quote.source for h in hits} == {"Reuters"}
    [mixed] = ix.search(filters=Filters(kinds=["mixed"])).hits
    assert mixed.quote.text == "effective"
    assert ix.search("effective", Filters(kinds=["direct"])).hits == []


def test_sort_by_date_both_ways(ix):
    oldest = [h.quote.date for h in ix.search(sort="date", limit=50).hits]
    assert oldest == sorted(oldest)
    newest = [h.quote.date for h in ix.search("talks OR idlib", sort="-date", limit=50).hits]
    assert newest == sorted(newest, reverse=True) and newest[0] == "2019-02-20"


def test_pages(ix):
    everything = ix.search(limit=50)
    pages = [ix.search(limit=3, page=n) for n in range(1, 5)]
    assert pages[0].pages == -(-everything.total // 3)
    seen = [h.quote.id for p in pages for h in p.hits]
    assert seen == [h.quote.id for h in everything.hits]


def test_stemming_wildcards_and_fuzzy_terms(ix, backend):
    assert ix.search("talked").total == ix.search("talks").total > 0
    assert ix.search("abandon*").total == 2
    if backend == "sphinxql":  # Sphinx 2.2 has no fuzzy matching: a clear error, not other results
        with pytest.raises(QuotesError, match=r"bad query 'abandn~' for the search server: fuzzy terms"):
            ix.search("abandn~")
    else:
        assert ix.search("abandn~").total == 2


# --- facets and suggestions ---------------------------------------------------------------------


def test_facets_count_the_whole_result_set(ix):
    results = ix.search("idlib", limit=1, facets=["speaker", "source", "year", "kind"])
    assert len(results.hits) == 1
    sources = dict(results.facets["source"])
    assert sources == {"Reuters": 2, "The National": 2, "Daily Sabah": 2}
    assert dict(results.facets["year"]) == {"2019": 6}
    assert dict(results.facets["kind"]) == {"direct": 6}
    assert ("Kemal Kilicdaroglu", 1) in results.facets["speaker"]


def test_facets_on_the_command_line(ix):
    out = cli(ix, "search", "idlib", "--facet", "source").stdout
    assert "source\n" in out and "  2  Reuters" in out
    data = json.loads(cli(ix, "search", "idlib", "--facet", "year", "--format", "json").stdout)
    assert data["facets"] == {"year": [["2019", 6]]} and data["total"] == len(data["hits"])
    message = cli(ix, "search", "idlib", "--facet", "year", "--format", "csv", code=1).stderr
    assert message.startswith("error: --facet prints its counts with --format table or json")


def test_zero_hits_suggest_close_spellings(ix, backend):
    if backend == "sphinxql":
        pytest.skip("Sphinx 2.2 has no spelling suggester: the search server suggests nothing")
    assert ix.search("Idlibb").suggestions == ["idlib"]
    # each missing word corrected where it stands, the rest of the query kept as typed
    assert ix.search('"shared convictiom" AND situatoin').suggestions == ['"shared conviction" AND situation']
    assert ix.search("abandonned").suggestions == ["abandon"]  # from its stem when the word is too far
    assert ix.search("xqzvtr").suggestions == []
    assert ix.search(filters=Filters(speakers=["erdgan"])).suggestions == ["erdogan"]
    result = cli(ix, "search", "Idlibb")
    assert result.stderr.splitlines() == ["No quotes found.", "Did you mean: idlib?"]


def test_speakers_rank_by_matching_quotes(ix):
    ranked = ix.speakers("idlib")
    assert ranked[0] == ("Vladimir Putin", 3)  # people, not strings: The National's "Putin" is him
    assert ("Recep Tayyip Erdoğan", 2) in ranked and "Erdogan" not in dict(ranked)
    assert ix.speakers(filters=Filters(since="2019-02")) == [("Vladimir Putin", 1)]
    out = cli(ix, "speakers", "economy").stdout.splitlines()
    assert out[1].split(None, 1) == ["1", "Berat Albayrak"]


# --- verify -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, what",
    [
        ("We share a conviction that the situation in Idlib must be resolved", "words changed"),
        ("We have a conviction that the situation in Idlib must be resolved, and we will work together",
         "a word dropped"),
        ("We have a shared conviction that the terrible situation in Idlib must be resolved",
         "a word added"),
        ("The situation in Idlib must be resolved, we have a shared conviction", "reordered"),
        ("shared convicton that the situaton in Idlib", "misspelt"),
    ],
)
def test_verify_finds_misquotes(ix, claim, what):
    result = verify(ix, claim)
    assert result.verdict == CLOSE, what
    best = result.matches[0]
    assert best.quote.speaker in ("Vladimir Putin", "Putin") and 0.5 <= best.score < 1, what
    assert any(op != "=" for op, _ in best.diff), what


def test_verify_exact_and_shortened(ix):
    result = verify(ix, CONVICTION.upper())
    assert result.verdict == EXACT and result.matches[0].score == 1.0
    excerpt = verify(ix, "the situation in Idlib must be resolved")
    assert excerpt.verdict == EXCERPT and excerpt.matches[0].score == 1.0
    assert excerpt.matches[0].after == "and we will work together to achieve that"


def test_verify_says_no_match_for_a_fabricated_quote(ix):
    assert verify(ix, "We will invade Idlib tomorrow and nobody can stop us").verdict == NONE
    assert verify(ix, "Bananas are the finest fruit of the tropics").verdict == NONE
    # two words in common ("will never") do not make a quote
    assert verify(ix, "We will never negotiate with terrorists").verdict == NONE


def test_verify_names_who_really_said_it(ix):
    result = verify(ix, "The talks on Syria will continue in Sochi", speaker="Erdogan")
    assert result.verdict == EXCERPT and result.said_by_other == "Vladimir Putin"
    assert verify(ix, "The talks on Syria will continue in Sochi", speaker="Putin").said_by_other is None


def test_verify_command(ix):
    out = cli(ix, "verify", "We have a common conviction that the situation in Idlib must be resolved",
              "--speaker", "Merkel").stdout
    assert "[-shared-] {+common+}" in out
    assert out.count("Vladimir Putin (direct), 2019-01-10, Reuters") == 1  # one quote, listed once
    assert "Verdict: Close match (differences shown above)." in out
    assert "The closest quote was said by Vladimir Putin, not Merkel." in out
    data = json.loads(cli(ix, "verify", "Bananas are the finest fruit", "--format", "json").stdout)
    assert data["verdict"] == "no match found"
    assert cli(ix, "verify", "!!!", code=1).stderr.startswith("error: the claimed quote has no words")


# --- cite ---------------------------------------------------------------------------------------


def test_cite_command_styles(ix):
    [hit] = ix.search('"shared conviction"').hits
    plain = cli(ix, "cite", hit.quote.id).stdout.strip()
    assert plain.startswith('Vladimir Putin, "We have a shared conviction') and "Reuters" in plain
    apa = cli(ix, "cite", hit.quote.id, "--style", "apa").stdout
    assert "(Vladimir Putin, as cited in Petrova, 2019)" in apa
    assert "Petrova, A. (2019, January 10). Putin and Erdogan discuss Idlib in Moscow." in apa
    mla = cli(ix, "cite", hit.quote.id, "--style", "mla", "--accessed", "2026-11-24").stdout
    assert mla.strip().endswith("Accessed 24 Nov. 2026.")
    bad = cli(ix, "cite", hit.quote.id, "--accessed", "soon", code=1).stderr
    assert bad.startswith("error: bad date 'soon'")
