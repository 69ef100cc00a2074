"""Hostile and huge input: random text and bytes never raise anything but the tool's own
errors, spans stay inside the text, and pathological text takes linear time."""
from __future__ import annotations

import gzip
import time
from importlib import import_module

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotes.errors import QuotesError
from quotes.extract import MAX_CHARS, extract, pieces
from quotes.index import QuoteIndex
from quotes.marks import find_pairs, paragraphs
from quotes.query import Filters
from quotes.readers import read_articles

extract_module = import_module("quotes.extract")  # the module, not the function of that name
MARKS = "\"'“”‘’„‚«»‹›‟`"
# Text made of what matters to pairing: marks, letters, spaces, line breaks, punctuation.
pieces_of_text = st.sampled_from(list(MARKS + "ab .,!?\n-—") + [" said ", "\n\n"])
quotish = st.lists(pieces_of_text, max_size=150).map("".join)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- quotation-mark pairing ---------------------------------------------------------------------


@FUZZ
@given(quotish)
def test_pairs_lie_inside_the_text_in_order_without_overlapping(text):
    pairs = find_pairs(text)
    last_close = -1
    for p in pairs:
        assert 0 <= p.open <= p.start <= p.end <= len(text)
        assert p.end <= p.close < len(text) if p.closed else p.end <= len(text)
        assert p.open > last_close, "top-level pairs overlap"
        assert text[p.start:p.end].strip() == text[p.start:p.end]
        last_close = p.close if p.closed else p.end


@FUZZ
@given(st.text(max_size=300))
def test_any_unicode_text_pairs_and_splits_into_paragraphs(text):
    find_pairs(text)
    for start, end in paragraphs(text):
        assert 0 <= start < end <= len(text) and text[start:end].strip()


def test_pieces_cut_long_text_at_paragraphs_within_the_limit():
    paragraph = "word " * 199 + "end.\n\n"  # 1,000 characters
    text = paragraph * (MAX_CHARS * 9 // 2 // 1000)  # four and a half pieces' worth
    cut = pieces(text)
    starts = [s for s, _ in paragraphs(text)]
    assert len(cut) == 5 and cut[0] == (0, 0)
    for (start, para), (following, _) in zip(cut, cut[1:] + [(len(text), 0)]):
        assert following - start <= MAX_CHARS
        assert start in starts and starts.index(start) == para
    assert pieces("x" * (MAX_CHARS * 2 + 5))[-1][0] == 2 * MAX_CHARS  # no space: hard cuts


def test_a_long_article_is_extracted_piece_by_piece_with_true_offsets(nlp, monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_CHARS", 2_000)  # pieces of 2,000, not 50,000
    block = '"We will win the vote in district {n}," Jane Doe said.\n\nThe count went on.\n\n'
    text = "".join(block.format(n=n) for n in range(200))  # about 15,000 characters
    assert len(pieces(text)) >= 7
    found = extract(text, nlp=nlp)
    direct = [q for q in found if q.kind == "direct"]
    assert len(direct) == 200 and len({q.id for q in found}) == len(found)
    assert all(text[q.start:q.end] == q.text for q in found)
    starts = [s for s, _ in paragraphs(text)]
    assert all(starts[q.paragraph] <= q.start for q in direct)
    assert {q.speaker for q in direct} == {"Jane Doe"}


def test_runs_without_spaces_are_broken_for_the_tokenizer_but_offsets_hold(nlp):
    text = "x" * 5000 + ' "We will win the vote today," Jane Doe said.'
    [quote] = extract(text, nlp=nlp)
    assert text[quote.start:quote.end] == quote.text == "We will win the vote today,"


# --- readers ------------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=600), st.sampled_from(["a.txt", "a.jsonl", "a.html", "a.warc", "a.txt.gz", "a.jsonl.gz"]))
def test_random_bytes_in_any_format_give_articles_or_our_errors(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    errors: list[QuotesError] = []
    for article in read_articles([str(path)], on_error=errors.append):
        assert isinstance(article.text, str) and article.text.strip()
    assert all("\n" not in str(e) for e in errors)


@FUZZ
@given(st.lists(st.one_of(st.text(max_size=40), st.integers(), st.none(), st.booleans()), max_size=6))
def test_random_json_lines_give_articles_or_our_errors(tmp_path_factory, values):
    import json

    keys = ["text", "id", "title", "date", "source", "url", "author"]
    line = json.dumps(dict(zip(keys, values)))
    path = tmp_path_factory.mktemp("fuzz") / "a.jsonl"
    path.write_text(line + "\n" + line[: len(line) // 2] + "\n", encoding="utf-8")
    errors: list[QuotesError] = []
    list(read_articles([str(path)], on_error=errors.append))
    assert errors and all(str(e).startswith(str(path)) for e in errors)


# --- the query parser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    from quotes.model import Article, Quote

    article = Article("(text)", id="a", date="2020-01-02", source="Daily")
    q = Quote(id="q", article_id="a", text="The bridge will open in May.", start=0, end=28,
              kind="direct", speaker="Ann Lee", date="2020-01-02", source="Daily")
    path = str(tmp_path_factory.mktemp("q") / "ix")
    with QuoteIndex.open(path, create=True) as ix:
        ix.add([(article, [q])])
    with QuoteIndex.open(path) as ix:
        yield ix


query_text = st.lists(st.sampled_from(list('abz ()"*~:^[]{}-+!') + [
    " AND ", " OR ", " NOT ", "date:", "kind:", "speaker:", "text:", "title:", "2020", " TO ", "foo:"]),
    max_size=14).map("".join)


@FUZZ
@given(query_text, st.sampled_from(["relevance", "date", "-date"]))
def test_any_query_gives_results_or_a_one_line_error(small_index, text, sort):
    try:
        results = small_index.search(text, sort=sort, facets=["speaker", "year"])
    except QuotesError as exc:
        assert "\n" not in str(exc)
    else:
        assert results.total >= len(results.hits)


@FUZZ
@given(st.text(max_size=20), st.text(max_size=12))
def test_any_filter_gives_results_or_a_one_line_error(small_index, speaker, since):
    try:
        small_index.search(filters=Filters(speakers=[speaker], since=since or None))
    except QuotesError as exc:
        assert "\n" not in str(exc)


# --- pathological text, in linear time ----------------------------------------------------------


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


@pytest.mark.slow
def test_pairing_20_mb_takes_linear_time():
    chunk = 'He said " and then “ she said ‘ nothing.\n\n«x» ' * 10
    small = chunk * 4000  # 2 MB
    t_small, _ = timed(find_pairs, small)
    t_big, pairs = timed(find_pairs, small * 10)  # 20 MB
    assert t_big < 15 * t_small + 0.5, (t_small, t_big)
    assert all(p.end <= len(small) * 10 for p in pairs)
    t_cut, cut = timed(pieces, small * 10)
    assert t_cut < 5 and len(cut) >= len(small) * 10 // MAX_CHARS


@pytest.mark.parametrize(
    "text",
    [
        'He said " and then ' * 10_000,                       # 10,000 unmatched marks
        ("the minister said that the plan " * 1600)[:50_000],  # 50,000 characters, no sentence end
        "“‘" * 500 + "deep" + "’”" * 500 + " she said.",         # deeply nested quotes
        '"' * 20_000,                                         # nothing but marks
    ],
    ids=["unmatched-marks", "no-sentence-end", "nested", "only-marks"],
)
@pytest.mark.slow
def test_pathological_text_extracts_quickly(nlp, text):
    seconds, found = timed(extract, text, nlp)
    assert seconds < 20, seconds
    assert all(text[q.start:q.end] == q.text for q in found)


@pytest.mark.slow
def test_extraction_time_grows_linearly(nlp):
    block = '"We will win," Jane Doe said. She added that turnout was high.\n\n'
    half = block * 3000  # about 190,000 characters, two pieces
    extract(block, nlp=nlp)  # warm up
    t_half, _ = timed(extract, half, nlp)
    t_full, found = timed(extract, half * 2, nlp)
    assert t_full < 2.6 * t_half, (t_half, t_full)
    assert len(found) == 12_000
