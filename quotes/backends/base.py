"""What every index backend shares: the results it returns, the interface `QuoteIndex` that the
CLI, the API and the web page use, and the logic that stays on the coordinating machine
whatever the engine: the article store (quotes/store.py), the schema versions kept in it, and
the grouping of republished quotes (`Grouper`)."""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from typing import Callable, ContextManager, Iterable, Iterator, Sequence

from ..errors import QuotesError
from ..model import Article, Quote
from ..query import Filters
from ..people_store import PeopleStore, relink
from ..store import ArticleStore, KeyRow
from ..wording import group_keys, same_quote, words

DEFAULT_INDEX = "index"
INDEX_ENV = "QUOTES_INDEX"
SORTS = ("relevance", "date", "-date")
# What `search` can count over the whole result set.
FACETS = ("speaker", "source", "year", "kind")


def index_path(path: str | None = None) -> str:
    """The index location: the argument, else $QUOTES_INDEX, else ./index."""
    return path or os.environ.get(INDEX_ENV) or DEFAULT_INDEX


@dataclass
class Group:
    """The articles one quote appeared in: `sources` articles, the oldest being `first`."""

    sources: int
    first: Quote


@dataclass
class Hit:
    """One search result; `matches` are (start, end) spans in `quote.text` of the matched words;
    `group` says where else the quote appeared."""

    quote: Quote
    score: float
    matches: list[tuple[int, int]]
    group: Group | None = None


@dataclass
class Results:
    """One page of hits, one per group of republished copies, and what the whole result set
    holds: `total` groups over `pages` pages, `facets` counts (facet -> (value, quotes), most
    first), and for an empty result, `suggestions`: close spellings of the query or speakers."""

    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)


class Batch(ABC):
    """The writes of one `QuoteIndex.add`, as a backend makes them."""

    @abstractmethod
    def indexed(self, quote_id: str) -> Quote | None:
        """The indexed quote with this id as of the batch's start (for `Grouper`), or None."""

    @abstractmethod
    def replace(self, article_id: str, quotes: list[Quote]) -> None:
        """Put these quotes (with their groups) in place of the article's indexed ones."""


class QuoteIndex(ABC):
    """An index of quotes, on whichever backend its location names (see `quotes.index`).
    Open it with `QuoteIndex.open`; usable as a context manager. `path` is its location,
    `store` the article store of the coordinating machine."""

    path: str
    store: ArticleStore

    @classmethod
    def open(
        cls, path: str | None = None, create: bool = False, wait: float = 0.0,
        on_wait: Callable[[], None] | None = None,
    ) -> "QuoteIndex":
        """Open the index at `path` (see `index_path`) with the backend it names (see
        `quotes.index.backend_for`); with `create`, make it if missing. A writer that finds the
        index locked by another waits up to `wait` seconds for it, calling `on_wait` once first
        (to say so)."""
        from ..index import backend_for  # (quotes.index imports this module)

        location = index_path(path)
        return backend_for(location).open(location, create, wait, on_wait)

    def versions(self) -> dict[str, str | None]:
        """The schema version of the index and the extractor (`extract.extractor_version`)
        that last added to it."""
        return {"schema": self.store.get_meta("schema"), "extractor": self.store.get_meta("extractor")}

    def is_current(self, article: Article, extractor: str) -> bool:
        """Whether the article is indexed as it is now, by this extractor: ingest can skip it."""
        return self.store.fingerprint(article.id) == article.fingerprint(extractor)

    def article(self, article_id: str) -> Article | None:
        """The article as it was indexed (text and metadata), or None."""
        return self.store.get(article_id)

    @property
    def people(self) -> PeopleStore:
        """The people of the index (quotes/people_store.py), beside the article store."""
        return PeopleStore(self.store.folder)

    def add(self, items: Iterable[tuple[Article, list[Quote]]], extractor: str | None = None, *,
            people: bool = True) -> tuple[int, int]:
        """Write each (article, quotes) pair, replacing the article's earlier quotes.

        One writer and one commit for the whole batch: if anything fails (including the
        `items` iterator itself), nothing is written. An article id repeated within a batch
        is written once, as first seen. Each quote joins the group of an indexed (or earlier
        in the batch) quote of its speaker with the same words (`wording.same_quote`). The
        articles are stored (see `store`); with `extractor` (see `extract.extractor_version`),
        each one's fingerprint is recorded for `is_current`. Returns (articles, quotes) written.

        On the way, the people stage gives each quote its person (`PeopleStore.assign`), and
        after the commit the quotes of earlier articles whose people the batch changed are
        written again (`people_store.relink`); `people=False` writes the quotes as they are.
        """
        quotes = 0
        seen: dict[str, tuple[Article, list[Quote]]] = {}
        with self._writing() as batch:
            for article, found in items:
                seen.setdefault(article.id, (article, found))
            if people:
                self.people.assign(list(seen.values()))
            grouper = Grouper(batch.indexed, self.store, [q for _, found in seen.values() for q in found])
            for article, found in seen.values():
                batch.replace(article.id, [grouper.place(quote) for quote in found])
                quotes += len(found)
            self.store.put([a for a, _ in seen.values()], grouper.rows)
        if extractor is not None and seen:
            self.store.mark((a.id, a.fingerprint(extractor)) for a, _ in seen.values())
            self.store.set_meta(extractor=extractor)
        if people and seen:
            self.people.indexed(seen)
            relink(self)
        return len(seen), quotes

    def with_people(self, filters: Filters | None) -> Filters | None:
        """The filters with the people their speakers name (`Filters.speaker_people`): a
        backend's speaker filter keeps their quotes whatever name their article gave."""
        if filters is None or not filters.speakers:
            return filters
        return replace(filters, speaker_people=tuple(self.people.ids_for(filters.speakers)))

    def named_people(self, counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
        """Counts by person id as counts by the people's names, most first, then by name."""
        counts = list(counts)
        names = self.people.names_of(pid for pid, _ in counts)
        named = [(names[pid], n) for pid, n in counts if pid in names]
        return sorted(named, key=lambda item: (-item[1], item[0].casefold(), item[0]))

    @abstractmethod
    def _writing(self) -> ContextManager[Batch]:
        """The writes of one `add`, committed together when the block ends, none of them if
        it raises."""

    @abstractmethod
    def optimize(self) -> None:
        """Merge the index's parts so that searches visit fewer of them."""

    @abstractmethod
    def search(
        self,
        query: str | None = None,
        filters: Filters | None = None,
        *,
        sort: str = "relevance",
        limit: int = 20,
        page: int = 1,
        facets: Sequence[str] = (),
    ) -> Results:
        """Page `page` of the quotes matching `query` (Whoosh syntax) and `filters`, one hit
        per group of republished copies."""

    @abstractmethod
    def export(self, query: str | None = None, filters: Filters | None = None) -> Iterator[Quote]:
        """Every quote matching `query` and `filters` (each copy of a group), oldest first."""

    @abstractmethod
    def get(self, quote_id: str) -> Quote | None:
        """The quote with this id, exactly as it was indexed, or None."""

    @abstractmethod
    def copies(self, quote: Quote) -> list[Quote]:
        """Every indexed copy of the quote (its group, itself included), oldest first."""

    def sources(self, quote: Quote) -> list[Quote]:
        """The articles that carried the quote, oldest first, each once, as its copy there
        (the quote itself in its own article): an indirect clause and the quoted fragment
        inside it are one quote in one article, not two sources."""
        kept: dict[str, Quote] = {}
        for copy in self.copies(quote):
            if copy.article_id not in kept or copy.id == quote.id:
                kept[copy.article_id] = copy
        return list(kept.values())

    @abstractmethod
    def similar(self, text: str, limit: int = 50) -> list[Quote]:
        """The quotes sharing the most telling words with `text` (for `verify`), best first."""

    @abstractmethod
    def speakers(self, query: str | None = None, filters: Filters | None = None) -> list[tuple[str, int]]:
        """Resolved speakers with their numbers of matching quotes, most first, then by name."""

    @abstractmethod
    def count(self) -> tuple[int, int]:
        """(articles, quotes) in the index; an article without quotes leaves nothing to count."""

    @abstractmethod
    def close(self) -> None:
        """Release what the index holds open."""

    def __enter__(self) -> "QuoteIndex":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def check_search(limit: int, page: int, sort: str, facets: Sequence[str]) -> None:
    """Refuse a page, sort or facet that `search` does not know."""
    if limit < 1 or page < 1:
        raise QuotesError(f"the page and the number of results must be 1 or more, not {min(limit, page)}")
    if sort not in SORTS:
        raise QuotesError(f"unknown sort {sort!r} (sorts: {', '.join(SORTS)})")
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise QuotesError(f"unknown facet {unknown[0]!r} (facets: {', '.join(FACETS)})")


class Grouper:
    """Places each quote of a batch in a group: that of an indexed quote or of one earlier in
    the batch with the same words and speaker (`wording.same_quote`), else a new group named
    after the quote. Candidates come from the group keys in the article store, looked up once
    per batch (as Whoosh terms, these unique keys made writing segments three times slower).
    `indexed` reads an indexed quote by id (None if it no longer is)."""

    def __init__(self, indexed: Callable[[str], Quote | None], store: ArticleStore, batch: list[Quote]) -> None:
        self._indexed = indexed
        self._words = {q.id: words(q.text) for q in batch}
        self._keys = {q.id: group_keys(self._words[q.id], q.speaker) for q in batch}
        # Keys meet probes: stored keys (role 0) for our probes, stored probes for our keys.
        self._stored = (
            store.find_keys(0, (p for _, probes in self._keys.values() for p in probes)),
            store.find_keys(1, (k for keys, _ in self._keys.values() for k in keys)),
        )
        self._batch: tuple[dict, dict] = ({}, {})  # the same, for the batch so far
        self._texts: dict[str, list[str] | None] = {}
        self.rows: list[KeyRow] = []  # for ArticleStore.put

    def place(self, quote: Quote) -> Quote:
        """The quote with its group."""
        said = self._words[quote.id]
        keys, probes = self._keys[quote.id]
        groups: set[str] = set()
        for role, mine in ((0, probes), (1, keys)):
            for term in mine:
                groups.update(g for g, other in self._batch[role].get(term, ()) if same_quote(said, other))
                groups.update(g for qid, g in self._stored[role].get(term, ())
                              if qid != quote.id and self._same(said, qid))
        # A quote read back from an export keeps its group.
        group = quote.group or (min(groups) if groups else quote.id)
        for role, mine in ((0, keys), (1, probes)):
            for term in mine:
                self._batch[role].setdefault(term, []).append((group, said))
                self.rows.append((term, role, quote.id, quote.article_id, group))
        return replace(quote, group=group)

    def _same(self, said: list[str], quote_id: str) -> bool:
        """Whether the indexed quote `quote_id` (if it still is) has the same words."""
        if quote_id not in self._texts:
            stored = self._indexed(quote_id)
            self._texts[quote_id] = words(stored.text) if stored else None
        other = self._texts[quote_id]
        return other is not None and same_quote(said, other)


def check_version(store: ArticleStore, location: str, current: int) -> None:
    """Refuse an index of another schema version than `current`, saying what to do about it."""
    found = store.get_meta("schema") if store.exists() else None
    version = int(found) if found and found.isdigit() else 1
    if version < current:
        raise QuotesError(
            f"the index at {location} was built by an older version of quotes (schema"
            f" {version}, this one reads {current}): rebuild it with"
            f" `quotes reindex --index {location}`"
        )
    if version > current:
        raise QuotesError(
            f"the index at {location} was built by a newer version of quotes (schema"
            f" {version}, this one reads {current}): upgrade quotes to use it"
        )


def reason(exc: BaseException) -> str:
    """An exception as the end of a one-line error."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
