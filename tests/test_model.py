"""The plain records: ids and serialisation."""
from quotes.model import Article, Quote


def quote(**fields):
    base = dict(id="q1", article_id="a1", text="We will win,", start=1, end=13, kind="direct")
    return Quote(**{**base, **fields})


def test_article_id_is_a_stable_hash_of_the_text_unless_given():
    assert Article("Same text").id == Article("Same text").id != Article("Other text").id
    assert Article("Same text", id="given").id == "given"


def test_quote_round_trips_through_its_dict():
    q = quote(speaker="Jane Doe", title="T", date="2020-01-02")
    assert Quote.from_dict({**q.to_dict(), "score": 1.5}) == q
