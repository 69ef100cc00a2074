"""Search by person on both backends: `--speaker` finds a person's quotes by any of their names,
also the names a user merged into them that their other quotes never wrote. Records as an
attribution would give them (no spaCy)."""
from __future__ import annotations

from dataclasses import replace

from quotes.index import QuoteIndex
from quotes.model import Article, Quote
from quotes.people_store import PeopleStore, relink
from quotes.query import Filters


def pair(article_id, speaker, words):
    article = Article(text=f"{speaker} spoke about {words}.", id=article_id, date="2021-03-04", source="Wire")
    return article, [Quote(id=f"{article_id}-q", article_id=article_id, text=f"the {words} will be ready",
                           start=0, end=10, kind="direct", speaker=speaker, speaker_mention=speaker)]


def test_speaker_finds_a_person_by_a_name_merged_into_them(new_index_location):
    location = new_index_location()
    with QuoteIndex.open(location, create=True) as ix:
        ix.add([pair("a", "Halina Zawadzki", "harbour"), pair("b", "Bogdan Nowak", "bridge"),
                pair("c", "Ewa Lis", "tunnel")])
        assert ix.search(None, Filters(speakers=("nowak",))).total == 1
        people = PeopleStore(ix.store.folder)
        people.merge("Halina Zawadzki", "Bogdan Nowak")  # the user: one person, two names
        relink(ix)
        found = ix.search(None, Filters(speakers=("nowak",)))
        assert {h.quote.article_id for h in found.hits} == {"a", "b"}
        assert {h.quote.person_name for h in found.hits} == {"Halina Zawadzki"}
        assert ix.search("harbour", Filters(speakers=("bogdan nowak",))).total == 1
        assert ix.search(None, Filters(speakers=("lis",))).total == 1


def test_the_words_of_a_person_page_come_from_their_latest_quotes_one_a_group(new_index_location):
    location = new_index_location()
    with QuoteIndex.open(location, create=True) as ix:
        for n, (words, source) in enumerate((("harbour", "Wire"), ("bridge", "Wire"), ("tunnel", "Wire"),
                                             ("tunnel", "Other"))):  # the last republished elsewhere
            article, [quote] = pair(f"a{n}", "Halina Zawadzki", words)
            date = f"2021-0{n + 3}-04"
            ix.add([(replace(article, date=date, source=source), [replace(quote, date=date, source=source)])])
        person = PeopleStore(ix.store.folder).one("Halina Zawadzki").id
        assert ix.texts(Filters(persons=(person,)), 2) == ["the tunnel will be ready", "the bridge will be ready"]
        assert len(ix.texts(Filters(persons=(person,)), 10)) == 3
