"""Search by person on both backends: `--speaker` finds a person's quotes by any of their names,
also the names a user merged into them that their other quotes never wrote. Records as an
attribution would give them (no spaCy)."""
from __future__ import annotations

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
