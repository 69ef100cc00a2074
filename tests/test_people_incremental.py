"""The people stage batch by batch: the same people whatever the batches (as from all the
articles at once, and as the user's `rebuild` of a block makes them), each batch reading only
the earlier mentions whose person it can change, and a people file of before the tallies
brought up to date. Records as an attribution would give them (no spaCy)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import quotes.people_db as people_db
from quotes.model import Article, Quote
from quotes.people_store import PeopleStore


def pair(article_id, text, *speakers, date="2021-01-05", source="Wire"):
    article = Article(text=text, id=article_id, date=date, source=source)
    return article, [Quote(id=f"{article_id}{n}", article_id=article_id, text=f"words {n}", start=n, end=n + 1,
                           kind="direct", speaker=s, speaker_mention=m, date=date, source=source)
                     for n, (s, m) in enumerate(speakers)]


# Two people of one surname, a bare surname each article decides (or not), a shorter name, a
# fuller name arriving late, an organisation and an unnamed source. (Made afresh for each use:
# the people stage sets each quote's person.)
def corpus():
    return [
        pair("a", "Zawadzki spoke.", ("Zawadzki", "Zawadzki")),
        pair("b", "Senator Halina Zawadzki spoke.", ("Halina Zawadzki", "Sen. Halina Zawadzki"), date="2021-02-01"),
        pair("c", "Bogdan Zawadzki, the treasurer, said it. Zawadzki added.", ("Zawadzki", "Zawadzki"),
             ("Ministry of Transport", "the Ministry of Transport")),
        pair("d", "Mr. Zawadzki spoke at noon.", ("Zawadzki", "he"), source="Post"),
        pair("e", "Bogdan Zawadzki spoke.", ("Bogdan Zawadzki", "Mr. Bogdan Zawadzki"), date="2020-12-01"),
        pair("f", "Sandqvist spoke.", ("Sandqvist", "Sandqvist"), ("a spokeswoman for the trust", "she")),
        pair("g", "Erdogan spoke.", ("Tayyip Erdogan", "Tayyip Erdogan"), ("Erdogan", "he")),
        pair("h", "Annika Sandqvist spoke.", ("Annika Sandqvist", "Annika Sandqvist"),
             ("a spokeswoman for the trust", "she")),
        pair("i", "President Recep Tayyip Erdoğan spoke.", ("Recep Tayyip Erdoğan", "President Recep Tayyip Erdoğan")),
    ]


ARTICLES = corpus()  # as read, never given to the people stage


def people(store, articles=ARTICLES):
    """Who said what: each person's name, flag and counts, and the quotes they got."""
    listed = store.people(kinds=("person", "organisation", "unnamed"))
    by_id = {p.id: p for p in listed}
    quotes = {}
    for article, found in articles:
        for q in found:
            pid, name = store.person_of(article.id, q.speaker)
            quotes[q.id] = name
            assert by_id[pid].name == name
    return sorted((p.name, p.kind, p.ambiguous, p.quotes, p.articles, p.first, p.last, tuple(p.names),
                   tuple(p.sources)) for p in listed), quotes


@pytest.fixture(scope="module")
def at_once(tmp_path_factory):
    store = PeopleStore(str(tmp_path_factory.mktemp("once")))
    store.assign(corpus())
    return people(store)


def test_the_people_of_all_articles_at_once_are_what_one_would_expect(at_once):
    listed, said = at_once
    assert said == {"a0": "Zawadzki", "b0": "Halina Zawadzki", "c0": "Bogdan Zawadzki",
                    "c1": "Ministry of Transport", "d0": "Bogdan Zawadzki", "e0": "Bogdan Zawadzki",
                    "f0": "Annika Sandqvist", "f1": "a spokeswoman for the trust",
                    "g0": "Recep Tayyip Erdoğan",  # "Erdogan" in g: its article quotes "Tayyip Erdogan" apart
                    "g1": "Erdogan", "h0": "Annika Sandqvist", "h1": "a spokeswoman for the trust",
                    "i0": "Recep Tayyip Erdoğan"}
    bogdan = [p for p in listed if p[0] == "Bogdan Zawadzki"][0]
    assert bogdan[3:7] == (3, 3, "2020-12-01", "2021-01-05")
    assert [p[2] for p in listed if p[0] == "Zawadzki"] == [True]


@pytest.mark.parametrize("order", [range(9), range(8, -1, -1), [4, 0, 7, 2, 8, 1, 5, 3, 6]])
def test_batch_by_batch_in_any_order_the_people_are_those_of_all_at_once(tmp_path, at_once, order):
    store = PeopleStore(str(tmp_path))
    for n in order:
        store.assign([corpus()[n]])
    assert people(store) == at_once
    store.assign([corpus()[2], corpus()[6]])  # articles again, unchanged
    assert people(store) == at_once
    with store._db() as db:  # every block resolved again from its mentions, as a decision does
        store._update(db, [b for (b,) in db.execute("SELECT DISTINCT block FROM mentions")])
    assert people(store) == at_once


def test_an_article_ingested_again_with_other_names_moves_its_people(tmp_path):
    changed = pair("e", "Bogdan Zawadzki spoke.", ("Sandqvist", "Sandqvist"))  # his quote is gone
    now = [changed if a.id == "e" else (a, q) for a, q in corpus()]
    (tmp_path / "once").mkdir()
    (tmp_path / "again").mkdir()
    once = PeopleStore(str(tmp_path / "once"))
    once.assign(now)
    store = PeopleStore(str(tmp_path / "again"))
    store.assign(corpus())
    store.assign([changed])
    assert people(store, now) == people(once, now)
    names = {p.name: p for p in store.people()}
    assert names["Annika Sandqvist"].quotes == 3


def test_a_batch_reads_only_the_earlier_mentions_its_names_can_change(tmp_path, monkeypatch):
    store = PeopleStore(str(tmp_path))
    store.assign([pair(f"anna{n}", "Anna Berg spoke.", ("Anna Berg", "Anna Berg")) for n in range(30)])
    store.assign([pair(f"bare{n}", "Berg spoke.", ("Berg", "she")) for n in range(5)])
    read: list[str] = []
    real = people_db.read_mentions
    monkeypatch.setattr(people_db, "read_mentions",
                        lambda db, where, args: [read.append(m.article_id) or m for m in real(db, where, args)])
    store.assign([pair("more", "Anna Berg spoke.", ("Anna Berg", "Anna Berg"))])
    assert read == []  # a known name: none of the 35 earlier mentions of the surname
    store.assign([pair("carl", "Carl Berg spoke.", ("Carl Berg", "Carl Berg"))])
    assert sorted(set(read) - {"carl"}) == [f"bare{n}" for n in range(5)]  # a second Berg: the bare surnames
    assert [(p.name, p.quotes, p.ambiguous) for p in store.people("berg")] == [
        ("Anna Berg", 31, False), ("Berg", 5, True), ("Carl Berg", 1, False)]


def test_a_people_file_of_before_the_tallies_is_brought_up_to_date(tmp_path, at_once):
    store = PeopleStore(str(tmp_path))
    store.assign(corpus())
    ids = {p.name: p.id for p in store.people()}
    db = sqlite3.connect(str(Path(tmp_path) / "people.sqlite"))
    with db:  # the tables of the version before
        db.execute("ALTER TABLE mentions DROP COLUMN grp")
        for table in ("tallies", "states", "groups", "counts", "presence"):
            db.execute(f"DROP TABLE {table}")
    db.close()
    assert people(store) == at_once  # read first: upgraded on the way
    assert {p.name: p.id for p in store.people()} == ids


def test_an_export_ingested_into_a_new_index_keeps_every_persons_id(tmp_path):
    """In the index they were exported from, ids depend on what came first ("Sandqvist" alone,
    then "Annika Sandqvist" joining her entry); the records carry them to the new index."""
    from quotes.index import QuoteIndex

    with QuoteIndex.open(str(tmp_path / "a"), create=True) as a:
        for article in corpus():
            a.add([article])
        records = sorted(a.export(), key=lambda q: q.id)
    articles = {a.id: a for a, _ in ARTICLES}
    with QuoteIndex.open(str(tmp_path / "b"), create=True) as b:
        b.add([(articles[i], [q for q in records if q.article_id == i]) for i in sorted(articles)])
        again = sorted(b.export(), key=lambda q: q.id)
    assert [(q.id, q.person, q.person_name) for q in again] == [(q.id, q.person, q.person_name) for q in records]
    fresh = PeopleStore(str(tmp_path))  # without the records' ids, all at once: other ids
    fresh.assign(corpus())
    assert {q.person for q in records if q.person_name == "Annika Sandqvist"} != {fresh.one("Annika Sandqvist").id}
