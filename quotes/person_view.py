"""A person's page, as the terminal (`quotes person NAME`) and the web page (`/people/{id}`)
show it: their profile from the people store, the words they use most, and their quotes,
newest first, with the filters of a search."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Sequence

from .errors import QuotesError
from .index import QuoteIndex, Results
from .people_store import Person, PeopleStore, Profile
from .query import Filters
from .wording import stop_words, words

# The latest quotes (as indexed) that `words` are counted over: a person's vocabulary shows in a
# few hundred quotes, and reading more would slow the page of the most quoted people.
WORD_SAMPLE = 500
TOP_WORDS = 20
_BARS = "▁▂▃▄▅▆▇█"
# Function words, also as `wording.words` reads them (apostrophes dropped: "don't" -> "dont").
_STOP = frozenset(w.replace("'", "").replace("’", "") for w in stop_words()) | frozenset(
    "dont doesnt didnt isnt wasnt arent werent cant couldnt wouldnt shouldnt wont im ive youre"
    " theyre weve thats theres lets hes shes its".split())


@dataclass
class PersonPage:
    """Everything a person page shows."""

    profile: Profile
    words: list[tuple[str, int]]  # the most used words and how many of the sampled quotes use them
    results: Results  # one page of their quotes, newest first unless sorted otherwise

    def to_dict(self) -> dict[str, Any]:
        from .formats import hit_record

        return {**self.profile.to_dict(), "words": [{"word": w, "quotes": n} for w, n in self.words],
                "results": {"total": self.results.total, "page": self.results.page, "pages": self.results.pages,
                            "hits": [hit_record(h) for h in self.results.hits]}}


def people_of(ix: QuoteIndex) -> PeopleStore:
    """The people store of an index."""
    return PeopleStore(ix.store.folder)


def find_person(ix: QuoteIndex, who: str) -> Person:
    """The one person an id or name means, or an error naming the candidates."""
    return people_of(ix).one(who)


def person_page(ix: QuoteIndex, person_id: str, query: str | None = None, filters: Filters | None = None,
                *, sort: str = "-date", page: int = 1, limit: int = 20) -> PersonPage:
    """The page of one person (by id); `query` and `filters` narrow their quotes."""
    profile = people_of(ix).profile(person_id)
    if profile is None:
        raise QuotesError(f"no person {person_id!r} in the index (see `quotes people`)")
    mine = replace(filters or Filters(), persons=(person_id,))
    results = ix.search(query, mine, sort=sort, page=page, limit=limit)
    return PersonPage(profile, top_words(ix.texts(Filters(persons=(person_id,)), WORD_SAMPLE)), results)


def top_words(texts: Any, n: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The words most quotes use (each counted once a quote), function words aside."""
    counts: Counter = Counter()
    for text in texts:
        counts.update({w for w in words(text) if len(w) > 2 and w not in _STOP and not w.isdigit()})
    return sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:n]


def sparkline(counts: Sequence[int]) -> str:
    """One character a value, from ▁ to █ (zero as a space)."""
    top = max(counts, default=0)
    if top <= 0:
        return ""
    return "".join(" " if c == 0 else _BARS[min(len(_BARS) - 1, (c * len(_BARS) - 1) // top)] for c in counts)
