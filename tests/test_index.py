import os
import random
import tracemalloc

import pytest
from whoosh import fields
from whoosh import index as whoosh_index

from quotes.errors import QuotesError
from dataclasses import replace

from quotes.index import DEFAULT_INDEX, INDEX_ENV, SCHEMA_VERSION, QuoteIndex, index_path
from quotes.model import Article, Quote
from quotes.query import Filters
from quotes.store import ArticleStore

MOSCOW = Article(
    "(text of the Moscow article)",
    id="moscow",
    title="Erdogan and Putin meet in Moscow",
    date="2019-01-23",
    source="The National",
    url="http://example.com/moscow",
)
BERLIN = Article("(text of the Berlin article)", id="berlin", date="2018-05-02")


def quote(article, n, text, speaker=None, mention=None, kind="direct", start=None):
    start = n * 100 if start is None else start
    return Quote(
        id=Quote.make_id(article.id, start, start + len(text), kind),
        article_id=article.id,
        text=text,
        start=start,
        end=start + len(text),
        kind=kind,
        speaker=speaker,
        speaker_mention=mention,
        cue="said",
        sentence=f"“{text}” {mention or 'someone'} said.",
        paragraph=n,
        confidence=0.8125,
        title=article.title,
        date=article.date,
        source=article.source,
        url=article.url,
    )


ERDOGAN = "Recep Tayyip Erdoğan"
Q_TALKS = quote(MOSCOW, 1, "The talks in Moscow were very productive.", ERDOGAN, "Erdogan")
Q_TALKED = quote(MOSCOW, 2, "We talked about Syria for hours.", "Vladimir Putin", "Mr Putin")
Q_HE = quote(MOSCOW, 3, "Turkey will co-ordinate its operations with Russia.", ERDOGAN, "he",
             kind="indirect")
Q_TALK = quote(BERLIN, 1, "I will talk to anyone who wants peace.", "Angela Merkel", "Merkel")
Q_NOBODY = quote(BERLIN, 2, "Nobody knows who said this about peace.")


@pytest.fixture
def ix(tmp_path):
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as opened:
        opened.add([(MOSCOW, [Q_TALKS, Q_TALKED, Q_HE]), (BERLIN, [Q_TALK, Q_NOBODY])])
        yield opened


def ids(results):
    return [hit.quote.id for hit in results.hits]


def alone(q):
    """A quote as the index gives it back when no other article has its words."""
    return replace(q, group=q.id)


# --- opening and creating -----------------------------------------------------------------------


def test_index_path_argument_then_environment_then_default(monkeypatch):
    monkeypatch.delenv(INDEX_ENV, raising=False)
    assert index_path() == DEFAULT_INDEX == "index"
    monkeypatch.setenv(INDEX_ENV, "/data/ix")
    assert index_path() == "/data/ix"
    assert index_path("mine") == "mine"


def test_missing_index_is_an_error(tmp_path):
    missing = str(tmp_path / "nowhere")
    with pytest.raises(QuotesError) as raised:
        QuoteIndex.open(missing)
    assert str(raised.value) == f"no index at {missing}: run `quotes ingest` first"
    assert not (tmp_path / "nowhere").exists()


def test_create_works_in_a_folder_holding_only_a_readme(tmp_path):
    (tmp_path / "README.md").write_text("The index lives here.\n")
    with QuoteIndex.open(str(tmp_path), create=True) as created:
        assert created.count() == (0, 0)
    assert (tmp_path / "README.md").read_text() == "The index lives here.\n"
    with QuoteIndex.open(str(tmp_path)) as reopened:  # create=False finds it now
        assert reopened.count() == (0, 0)


def test_an_empty_index_answers_every_search_with_nothing(tmp_path):
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as empty:
        for sort in ("relevance", "date", "-date"):
            assert empty.search(sort=sort).hits == [] and empty.search("talks", sort=sort).total == 0
        assert empty.speakers() == [] and list(empty.export()) == []


def test_create_refuses_a_used_folder(tmp_path):
    (tmp_path / "thesis.docx").write_text("precious")
    with pytest.raises(QuotesError, match="is not empty and holds no quotes index"):
        QuoteIndex.open(str(tmp_path), create=True)
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.docx"]


def test_index_of_another_program_is_refused(tmp_path):
    whoosh_index.create_in(str(tmp_path), fields.Schema(path=fields.ID(stored=True)))
    with pytest.raises(QuotesError, match="holds an index from another program"):
        QuoteIndex.open(str(tmp_path), create=True)


def test_index_persists_across_opens(ix):
    with QuoteIndex.open(ix.path) as again:
        assert again.count() == (2, 5)


# --- adding -------------------------------------------------------------------------------------


def test_every_field_round_trips(ix):
    for q in (Q_TALKS, Q_TALKED, Q_HE, Q_TALK, Q_NOBODY):
        assert ix.get(q.id) == alone(q)
    assert ix.get("no-such-id") is None


def test_add_returns_what_was_written_and_counts(ix):
    assert ix.count() == (2, 5)
    assert ix.add([(BERLIN, [Q_TALK])]) == (1, 1)


def test_reingesting_never_duplicates(ix):
    assert ix.add([(MOSCOW, [Q_TALKS, Q_TALKED, Q_HE]), (BERLIN, [Q_TALK, Q_NOBODY])]) == (2, 5)
    same_twice = [(MOSCOW, [Q_TALKS, Q_TALKED, Q_HE])] * 2
    assert ix.add(same_twice) == (1, 3)
    assert ix.count() == (2, 5)
    assert ids(ix.search("talks")).count(Q_TALKS.id) == 1


def test_changed_article_replaces_its_quotes(ix):
    changed = quote(MOSCOW, 1, "The talks were a failure.", ERDOGAN, "Erdogan")
    ix.add([(MOSCOW, [changed])])
    assert ix.count() == (2, 3)
    assert ix.get(changed.id) == alone(changed)
    assert ix.get(Q_TALKED.id) is None and ix.get(Q_HE.id) is None
    assert ix.get(Q_TALK.id) == alone(Q_TALK)  # other articles are untouched


def test_filters_never_find_replaced_quotes(ix):
    changed = quote(MOSCOW, 1, "The talks were a failure.", ERDOGAN, "Erdogan")
    ix.add([(MOSCOW, [changed])])
    for filters in (Filters(speakers=["Erdogan"]), Filters(since="2019-01", until="2019-01"),
                    Filters(speakers=["Erdogan"], since="2019", kinds=["direct"])):
        assert ids(ix.search("talks", filters)) == [changed.id]
        assert [q.id for q in ix.export("talks", filters)] == [changed.id]
    assert ids(ix.search(None, Filters(since="2019"))) == [changed.id]


def test_failed_batch_writes_nothing(ix):
    def items():
        yield MOSCOW, []
        raise QuotesError("data/x.txt: not a UTF-8 text file")

    with pytest.raises(QuotesError, match="not a UTF-8"):
        ix.add(items())
    assert ix.count() == (2, 5)


def test_locked_index_is_an_error(ix):
    writer = whoosh_index.open_dir(ix.path).writer()  # another writer holds the lock
    try:
        with pytest.raises(QuotesError) as raised:
            ix.add([(MOSCOW, [])])
        assert str(raised.value) == (
            f"index at {ix.path} is locked by another writer; try again when it finishes,"
            " or give --wait SECONDS"
        )
    finally:
        writer.cancel()
    assert ix.add([(MOSCOW, [Q_TALKS])]) == (1, 1)  # free again


# --- searching ----------------------------------------------------------------------------------


def test_stemming_matches_word_forms(ix):
    for word in ("talks", "talked", "talk", "TALKING"):
        assert set(ids(ix.search(word))) == {Q_TALKS.id, Q_TALKED.id, Q_TALK.id}


def test_matches_point_at_the_matched_words(ix):
    [hit] = ix.search("talked syria").hits
    assert hit.quote.id == Q_TALKED.id and hit.score > 0
    assert [hit.quote.text[s:e] for s, e in hit.matches] == ["talked", "Syria"]


def test_phrase_query(ix):
    assert ids(ix.search('"talks in Moscow"')) == [Q_TALKS.id]
    assert ids(ix.search('"Moscow talks"')) == []
    [hit] = ix.search('"co-ordinate its operations"').hits
    assert hit.quote.id == Q_HE.id
    assert [hit.quote.text[s:e] for s, e in hit.matches] == ["co", "ordinate", "its", "operations"]


def test_and_or_not(ix):
    assert ids(ix.search("talk AND peace")) == [Q_TALK.id]
    assert set(ids(ix.search("syria OR peace"))) == {Q_TALKED.id, Q_TALK.id, Q_NOBODY.id}
    assert set(ids(ix.search("talk NOT peace"))) == {Q_TALKS.id, Q_TALKED.id}
    assert set(ids(ix.search("peace AND NOT (talk OR nobody)"))) == set()


def test_field_queries(ix):
    assert set(ids(ix.search("kind:indirect"))) == {Q_HE.id}
    assert set(ids(ix.search('source:"The National" date:2019-01-23 talk'))) == {
        Q_TALKS.id, Q_TALKED.id}
    assert set(ids(ix.search("date:2018 peace"))) == {Q_TALK.id, Q_NOBODY.id}
    assert set(ids(ix.search("title:erdogan"))) == {Q_TALKS.id, Q_TALKED.id, Q_HE.id}


def test_accent_insensitive_speaker(ix):
    for name in ("erdogan", "ERDOĞAN", "recep", "Tayyip Erdogan"):
        assert ids(ix.search(filters=Filters(speakers=[name]))) == [Q_TALKS.id, Q_HE.id], name
    assert ids(ix.search(filters=Filters(speakers=["Tayyip Putin"]))) == []  # every word must match


def test_speaker_by_mention(ix):
    assert ids(ix.search(filters=Filters(speakers=["mr putin"]))) == [Q_TALKED.id]
    assert ids(ix.search(filters=Filters(speakers=["he"]))) == [Q_HE.id]


def test_several_speakers_and_a_query(ix):
    assert set(ids(ix.search("talk", Filters(speakers=["merkel", "putin"])))) == {Q_TALKED.id, Q_TALK.id}
    assert ids(ix.search("peace", Filters(speakers=["erdogan"]))) == []


def test_no_query_lists_by_date_then_position(ix):
    assert ids(ix.search()) == [Q_TALK.id, Q_NOBODY.id, Q_TALKS.id, Q_TALKED.id, Q_HE.id]
    assert ids(ix.search("", limit=2)) == [Q_TALK.id, Q_NOBODY.id]
    assert [q.id for q in ix.export()] == ids(ix.search())  # every quote, oldest first
    assert all(hit.matches == [] for hit in ix.search().hits)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("(talks", "unbalanced '('"),
        ("talks)", "unbalanced ')'"),
        ('"talks in', "unbalanced '\"'"),
        ("foo:bar", "unknown field 'foo'"),
        ("kind: direct", "'kind:' needs a term right after the colon"),
        ("AND", "'AND' needs a term on each side"),
        ("talks AND", "'AND' needs a term on each side"),
        ("talks OR OR peace", "'OR' needs a term after it"),
        ("talks NOT", "'NOT' needs a term after it"),
        ("date:yesterday", "dates look like"),
        ("()", "it has no words to search for"),
        ("!!", "it has no words to search for"),
    ],
)
def test_bad_query_syntax_is_an_error(ix, text, reason):
    with pytest.raises(QuotesError) as raised:
        ix.search(text)
    assert str(raised.value).startswith(f"bad query {text!r}: {reason}")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("text", ["talks", "Erdoğan's plan", "co-operation, peace", "3:30", "the"])
def test_plain_words_always_parse(ix, text):
    ix.search(text)


def test_limit_below_one_is_an_error(ix):
    with pytest.raises(QuotesError, match="must be 1 or more, not 0"):
        ix.search("talks", limit=0)


def test_speaker_without_words_is_an_error(ix):
    with pytest.raises(QuotesError, match="bad speaker '!!'"):
        ix.search(filters=Filters(speakers=["!!"]))


# --- listing ------------------------------------------------------------------------------------


def test_speakers_counts_most_first_then_by_name(ix):
    assert ix.speakers() == [(ERDOGAN, 2), ("Angela Merkel", 1), ("Vladimir Putin", 1)]


# --- groups of republished quotes ---------------------------------------------------------------


AGENCY = Article("(agency copy)", id="agency", date="2019-01-22", source="Agency")
PAPER = Article("(paper copy)", id="paper", date="2019-01-24", source="Paper")
SAID = "We will defend our borders whatever it costs us, and we will not retreat."


def test_copies_group_across_batches_and_within_one(tmp_path):
    first = quote(AGENCY, 1, SAID, ERDOGAN, "Erdogan")
    cut = quote(PAPER, 1, "we will defend our borders whatever it costs us", "Erdogan", "Mr Erdogan")
    other = quote(PAPER, 2, SAID, "Someone Else", "he")
    late = Article("(late copy)", id="late", date="2019-01-20", source="Late")
    copy = quote(late, 1, SAID.upper(), ERDOGAN, "Erdogan")
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as ix:
        ix.add([(AGENCY, [first])])
        ix.add([(PAPER, [cut, other]), (late, [copy])])
        [hit, stranger] = ix.search("defend", sort="date").hits
        assert {hit.quote.id, stranger.quote.id} == {copy.id, other.id}
        assert ix.get(cut.id).group == ix.get(copy.id).group == first.id
        assert ix.get(other.id).group == other.id
        copies = ix.copies(ix.get(first.id))
        assert [c.source for c in copies] == ["Late", "Agency", "Paper"]  # oldest first
        group = next(h.group for h in (hit, stranger) if h.quote.id == copy.id)
        assert group.sources == 3 and group.first.source == "Late"


def test_a_reingested_copy_keeps_its_group(tmp_path):
    first = quote(AGENCY, 1, SAID, ERDOGAN, "Erdogan")
    copy = quote(PAPER, 1, SAID, ERDOGAN, "Erdogan")
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as ix:
        ix.add([(AGENCY, [first]), (PAPER, [copy])])
        ix.add([(PAPER, [copy])])
        assert ix.get(copy.id).group == first.id
        assert ix.search("defend").total == 1


def test_a_copy_of_a_deleted_quote_starts_its_own_group(tmp_path):
    first = quote(AGENCY, 1, SAID, ERDOGAN, "Erdogan")
    copy = quote(PAPER, 1, SAID, ERDOGAN, "Erdogan")
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as ix:
        ix.add([(AGENCY, [first])])
        ix.add([(AGENCY, [])])  # the agency corrected its article: the quote is gone
        ix.add([(PAPER, [copy])])
        assert ix.get(copy.id).group == copy.id


def test_many_small_commits_are_merged_into_few_segments(tmp_path):
    path = tmp_path / "ix"
    speeches = [Article(f"(speech {n})", id=f"speech-{n}", date=f"2019-01-{n % 28 + 1:02d}") for n in range(40)]
    with QuoteIndex.open(str(path), create=True) as ix:
        for n, article in enumerate(speeches):
            ix.add([(article, [quote(article, 1, f"Peace is the word number {n}.", ERDOGAN, "he")])])
        assert len(list(path.glob("*.seg"))) <= 8
        results = ix.search("peace", limit=50)
        assert results.total == 40 and len({h.quote.article_id for h in results.hits}) == 40



def test_adding_to_an_index_does_not_copy_it_into_memory(tmp_path):
    # Whoosh 2.7 copies each memory-mapped file it opens into a BytesIO: writers used to read
    # a copy of every segment's terms and postings at each commit (2.4 GB at a million quotes).
    rng = random.Random(5)
    vocabulary = [f"word{n}" for n in range(20_000)]
    articles = [Article(f"(article {n})", id=f"a{n}", date="2020-01-01") for n in range(150)]
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as ix:
        ix.add([(a, [quote(a, k, " ".join(rng.choices(vocabulary, k=40)), f"Speaker {n % 50}", "he")
                     for k in range(10)]) for n, a in enumerate(articles)])
        size = sum(f.stat().st_size for f in (tmp_path / "ix").glob("*.seg"))
        one = Article("(one more)", id="more", date="2020-01-02")
        tracemalloc.start()
        try:
            ix.add([(one, [quote(one, 1, "A short quote about nothing.", "Speaker 1", "he")])])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < size / 4, f"one quote added with {peak:,} bytes to an index of {size:,}"


class _Segment:
    """What the merge policy reads of a Whoosh segment: its count of live quotes."""

    def __init__(self, live: int) -> None:
        self.live = live

    def doc_count(self) -> int:
        return self.live


def test_merges_take_eight_segments_of_a_size_and_never_make_one_too_large():
    from quotes.index import _LARGEST_MERGE, _to_merge

    small = [_Segment(500) for _ in range(7)]
    assert _to_merge(small) == []  # seven of a tier wait for the eighth
    eighth = _Segment(400)
    assert _to_merge([_Segment(50_000), *small, eighth]) == [*small, eighth]
    # eight segments that would add up to more than the largest merge stay as they are
    big = [_Segment(_LARGEST_MERGE // 8 + 1) for _ in range(8)]
    assert _to_merge(big) == []
    assert _to_merge([*big, *small, eighth]) == [*small, eighth]


# --- versions and stored articles ---------------------------------------------------------------


def test_index_records_its_versions_and_stores_article_texts(tmp_path):
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as ix:
        ix.add([(MOSCOW, [Q_TALKS]), (BERLIN, [])], extractor="x1")
        assert ix.versions() == {"schema": str(SCHEMA_VERSION), "extractor": "x1"}
        assert sorted(ix.store.articles(), key=lambda a: a.id) == [BERLIN, MOSCOW]
        assert ix.is_current(MOSCOW, "x1") and not ix.is_current(MOSCOW, "x2")


def test_older_index_asks_for_reindex_and_newer_is_refused(tmp_path):
    path = str(tmp_path / "ix")
    QuoteIndex.open(path, create=True).close()
    store = ArticleStore(path)
    store.set_meta(schema=str(SCHEMA_VERSION - 1))
    with pytest.raises(QuotesError, match=r"older version of quotes .*`quotes reindex --index "):
        QuoteIndex.open(path)
    store.set_meta(schema=str(SCHEMA_VERSION + 1))
    with pytest.raises(QuotesError, match="newer version of quotes .*upgrade quotes"):
        QuoteIndex.open(path)


def test_an_index_of_schema_1_has_no_meta_and_is_older(tmp_path):
    path = str(tmp_path / "ix")
    QuoteIndex.open(path, create=True).close()
    os.remove(os.path.join(path, "articles.sqlite"))
    with pytest.raises(QuotesError, match=r"schema 1, this one reads"):
        QuoteIndex.open(path)


def test_grouping_keys_live_in_the_store_and_go_with_their_article(tmp_path):
    first = quote(AGENCY, 1, SAID, ERDOGAN, "Erdogan")
    copy = quote(PAPER, 1, SAID, ERDOGAN, "Erdogan")
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as ix:
        ix.add([(AGENCY, [first])])
        ix.add([(AGENCY, [])])  # the agency's article changed: its quote is gone
        ix.add([(PAPER, [copy])])
        assert ix.get(copy.id).group == copy.id  # nothing left to join


def test_a_reader_sees_each_new_commit_and_closes_cleanly(tmp_path):
    path = str(tmp_path / "ix")
    with QuoteIndex.open(path, create=True) as writer_side:
        writer_side.add([(MOSCOW, [Q_TALKS])])
        reader = QuoteIndex.open(path)
        assert ids(reader.search("talks")) == [Q_TALKS.id]
        for n, extra in enumerate((BERLIN, AGENCY), 2):  # commits between reads
            writer_side.add([(extra, [quote(extra, 1, f"The talks of {extra.id} went well.")])])
            assert len(reader.search("talks").hits) == n
        reader.close()


# --- indexes that lack optional fields ---------------------------------------------------------

PLAIN = Article("(a text with no metadata)", id="plain")  # no date, source, URL or title
Q_PLAIN = quote(PLAIN, 1, "We will win the vote.", "Jane Doe", "Jane Doe")
Q_UNSAID = quote(PLAIN, 2, "Nobody said who said it.")


def shapes():
    """(name, batches): indexes with one quote, quotes without speakers, none at all, and
    dated and undated articles in separate segments (either first)."""
    return {
        "one undated quote": [[(PLAIN, [Q_PLAIN])]],
        "one unattributed quote": [[(PLAIN, [Q_UNSAID])]],
        "an article without quotes": [[(PLAIN, [])]],
        "undated then dated": [[(PLAIN, [Q_PLAIN, Q_UNSAID])], [(MOSCOW, [Q_TALKS])]],
        "dated then undated": [[(MOSCOW, [Q_TALKS])], [(PLAIN, [Q_PLAIN])]],
    }


@pytest.mark.parametrize("shape", list(shapes()))
def test_every_facet_sort_and_filter_works_on_an_index_lacking_optional_fields(tmp_path, shape):
    from quotes.index import FACETS, SORTS

    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as ix:
        for batch in shapes()[shape]:
            ix.add(batch)
        quotes = sum(len(found) for batch in shapes()[shape] for _, found in batch)
        dated = sum(len(found) for batch in shapes()[shape] for a, found in batch if a.date)
        for query in (None, "vote OR productive OR said"):
            for sort in SORTS:
                results = ix.search(query, sort=sort, facets=FACETS)
                assert results.total == quotes
                assert sum(n for _, n in results.facets["year"]) == dated
                assert sum(n for _, n in results.facets["kind"]) == quotes
        for filters in (Filters(since="2019"), Filters(until="2019-01-23"), Filters(sources=("National",)),
                        Filters(speakers=("Jane",)), Filters(kinds=("indirect",))):
            for sort in SORTS:
                ix.search(None, filters, sort=sort, facets=FACETS)
                ix.search("vote", filters, sort=sort, facets=FACETS)
            ix.speakers(None, filters)
            list(ix.export(None, filters))
        assert ix.search(None, Filters(since="2019"), facets=FACETS).total == dated
        assert len(list(ix.export())) == quotes
        assert ix.count()[1] == quotes
        ix.similar("we will win the vote")


def test_grouping_identical_copies_is_linear_in_the_copies(tmp_path, monkeypatch):
    """A long article quoting the same words thousands of times, and a wire story in thousands
    of papers: each copy joins the group with one comparison, not one per earlier copy."""
    from quotes.backends import base

    calls = []
    real = base.same_quote
    monkeypatch.setattr(base, "same_quote", lambda a, b: calls.append(1) or real(a, b))
    said = "We will never give up the fight for our country and its people."
    long_one = Article("(a long article)", id="long")
    copies = [quote(long_one, n, said, "Jane Doe", "she") for n in range(1000)]
    with QuoteIndex.open(str(tmp_path / "ix"), create=True) as ix:
        ix.add([(long_one, copies)])
        assert len(calls) < 10  # (it was one per earlier copy: half a million)
        calls.clear()
        papers = [Article(f"(paper {n})", id=f"paper{n}") for n in range(300)]
        ix.add([(paper, [quote(paper, 1, said, "Jane Doe", "Doe")]) for paper in papers])
        assert len(calls) < 100
        [group] = {q.group for q in ix.export()}
        assert len(list(ix.export())) == 1300
