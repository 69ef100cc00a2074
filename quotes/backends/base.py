"""What every index backend shares: the results it returns, the interface `QuoteIndex` that the
CLI, the API and the web page use, and the logic that stays on the coordinating machine
whatever the engine: the article store (quotes/store.py), the schema versions kept in it, and
the grouping of republished quotes (`Grouper`)."""
from __future__ import annotations

import gc
import hashlib
import os
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
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
    first), and for an empty result, `suggestions`: close spellings of the query or speakers.
    `partial` names the parts of a sharded index that did not answer ("shard 1 (host:port)
    unreachable"): the results are then those of the others, never to be taken as all."""

    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while `QuoteIndex.add` grouped a batch: the articles grouped before it (ids in
    `written`) were committed all the same, the others not at all."""

    def __init__(self, written: list[str]) -> None:
        super().__init__()
        self.written = written


class Batch(ABC):
    """The writes of one `QuoteIndex.add`, as a backend makes them."""

    @abstractmethod
    def indexed(self, quote_id: str) -> Quote | None:
        """The indexed quote with this id as of the batch's start (for `Grouper`), or None."""

    @abstractmethod
    def replace(self, article_id: str, quotes: list[Quote]) -> None:
        """Put these quotes (with their groups) in place of the article's indexed ones."""

    def prefetch(self, quote_ids: set[str]) -> None:
        """Get ready to be asked for these indexed quotes (a server reads them at once)."""


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

    @classmethod
    def locked(cls, path: str | None = None, wait: float = 0.0,
               on_wait: Callable[[], None] | None = None) -> ContextManager[None]:
        """Hold the writer lock of the index at `path` for a block, as an ingest holds it to
        write (waiting for it as `open` does), without opening the index, so whatever its
        schema version: `reindex` rebuilds the whole index and must not run beside a writer."""
        from ..index import backend_for

        location = index_path(path)
        return backend_for(location).locked(location, wait, on_wait)

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
        `items` iterator itself), nothing is written. Ctrl-C while the batch is grouped (which
        can take long) commits the articles grouped so far and raises `Interrupted`. An article
        id repeated within a batch is written once, as first seen. Each quote joins the group
        of an indexed (or earlier in the batch) quote of its speaker with the same words
        (`wording.same_quote`). The articles are stored (see `store`); with `extractor` (see
        `extract.extractor_version`), each one's fingerprint is recorded for `is_current`.
        Returns (articles, quotes) written.

        On the way, the people stage gives each quote its person (`PeopleStore.assign`), and
        after the commit the quotes of earlier articles whose people the batch changed are
        written again (`people_store.relink`); `people=False` writes the quotes as they are.
        """
        quotes = 0
        seen: dict[str, tuple[Article, list[Quote]]] = {}
        done: list[Article] = []
        stopped = False
        with self._writing() as batch, _collecting_later():
            for article, found in items:
                seen.setdefault(article.id, (article, found))
            if people:
                self.people.assign(list(seen.values()))
            grouper = Grouper(batch.indexed, self.store, [q for _, found in seen.values() for q in found])
            batch.prefetch(grouper.candidates())
            for article, found in seen.values():
                try:
                    placed = [grouper.place(quote) for quote in found]
                except KeyboardInterrupt:
                    stopped = True
                    break
                batch.replace(article.id, placed)
                done.append(article)
                quotes += len(found)
            kept = {a.id for a in done}
            self.store.put(done, [row for row in grouper.rows if row[3] in kept] if stopped else grouper.rows)
        if extractor is not None and done:
            self.store.mark((a.id, a.fingerprint(extractor)) for a in done)
            self.store.set_meta(extractor=extractor)
        if people and done:
            self.people.indexed(a.id for a in done)
            if not stopped:
                relink(self)
        if stopped:
            raise Interrupted([a.id for a in done])
        return len(done), quotes

    def delete(self, article_ids: Iterable[str]) -> tuple[list[str], int]:
        """Remove these articles from the index: their quotes and stored records, in one
        commit. Returns the ids that were indexed and how many quotes went with them. (The store
        forgets them before the commit: a crash between leaves quotes that the next ingest of
        the article replaces, never an article that ingest would skip as unchanged.)"""
        found = [i for i in dict.fromkeys(article_ids) if self.store.has(i)]
        if not found:
            return [], 0
        before = self.count()[1]
        with self._writing() as batch:
            for article_id in found:
                batch.replace(article_id, [])
            self.store.delete(found)
        return found, before - self.count()[1]

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

    def texts(self, filters: Filters | None, limit: int) -> list[str]:
        """The words of `limit` quotes matching `filters`, one a group, the latest first, for
        counting words (a person page's): no hits, highlights or sources to make."""
        return [h.quote.text for h in self.search(None, filters, sort="-date", limit=limit).hits]

    @abstractmethod
    def export(self, query: str | None = None, filters: Filters | None = None) -> Iterator[Quote]:
        """Every quote matching `query` and `filters` (each copy of a group), oldest first."""

    @abstractmethod
    def get(self, quote_id: str) -> Quote | None:
        """The quote with this id, exactly as it was indexed, or None."""

    @abstractmethod
    def quotes_of(self, article_id: str) -> list[Quote]:
        """The indexed quotes of one article, in the order of the text."""

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


@contextmanager
def _collecting_later() -> Iterator[None]:
    """No cyclic garbage collection during a batch: grouping makes hundreds of thousands of
    small sets and dicts, each of which counted toward a full collection of a process that
    holds the spaCy model (a sixth of `add`); the batch leaves no cycles behind."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    `indexed` reads an indexed quote by id (None if it no longer is).

    Identical copies (a wire story in a thousand papers, or a long article quoting the same
    words again and again) cost one comparison per group, not one per copy: a wording is
    hashed once, a group already found is not compared again, and a copy of a wording placed
    in this batch joins its group at once."""

    def __init__(self, indexed: Callable[[str], Quote | None], store: ArticleStore, batch: list[Quote]) -> None:
        self._indexed = indexed
        keyed: dict[tuple[tuple[str, ...], str | None], tuple[set[str], set[str]]] = {}
        self._words: dict[str, tuple[str, ...]] = {}
        self._keys: dict[str, tuple[set[str], set[str]]] = {}
        for q in batch:
            said = self._words[q.id] = tuple(words(q.text))
            if (said, q.speaker) not in keyed:
                keyed[said, q.speaker] = group_keys(said, q.speaker)
            self._keys[q.id] = keyed[said, q.speaker]
        wanted = ({p for _, probes in keyed.values() for p in probes}, {k for keys, _ in keyed.values() for k in keys})
        # Keys meet probes: stored keys (role 0) for our probes, stored probes for our keys;
        # term -> group -> the quote ids (stored) or distinct wordings (this batch) in it.
        self._stored: tuple[dict[str, dict[str, list[str]]], ...] = tuple(
            _by_group(store.find_keys(role, wanted[role])) for role in (0, 1))
        self._batch: tuple[dict[str, dict[str, set[tuple[str, ...]]]], ...] = ({}, {})
        self._placed: dict[tuple[tuple[str, ...], str | None], str] = {}  # wording -> its group
        self._texts: dict[str, tuple[str, ...] | None] = {}
        self.rows: list[KeyRow] = []  # for ArticleStore.put

    def candidates(self) -> set[str]:
        """The indexed quotes `place` may compare the batch's quotes with."""
        return {qid for stored in self._stored for groups in stored.values() for ids in groups.values()
                for qid in ids}

    def place(self, quote: Quote) -> Quote:
        """The quote with its group."""
        said = self._words[quote.id]
        keys, probes = self._keys[quote.id]
        # A quote read back from an export keeps its group.
        group = quote.group or self._placed.get((said, quote.speaker)) or self._find(quote, said, keys, probes)
        if keys:
            self._placed.setdefault((said, quote.speaker), group)
        rows, quote_id, article_id = self.rows, quote.id, quote.article_id
        for role, mine in ((0, keys), (1, probes)):
            placed_terms = self._batch[role]
            for term in mine:
                groups = placed_terms.get(term)
                if groups is None:
                    placed_terms[term] = {group: {said}}
                elif group in groups:
                    groups[group].add(said)
                else:
                    groups[group] = {said}
                rows.append((term, role, quote_id, article_id, group))
        if quote.group == group:
            return quote
        placed = object.__new__(Quote)  # (a copy: `dataclasses.replace` took a tenth of `add`)
        placed.__dict__.update(quote.__dict__, group=group)
        return placed

    def _find(self, quote: Quote, said: tuple[str, ...], keys: set[str], probes: set[str]) -> str:
        groups: set[str] = set()
        for role, mine in ((0, probes), (1, keys)):
            placed_terms, stored_terms = self._batch[role], self._stored[role]
            for term in mine:
                for group, wordings in placed_terms.get(term, _NONE).items():
                    if group not in groups and any(same_quote(said, other) for other in wordings):
                        groups.add(group)
                for group, quote_ids in stored_terms.get(term, _NONE).items():
                    if group not in groups and any(qid != quote.id and self._same(said, qid) for qid in quote_ids):
                        groups.add(group)
        return min(groups) if groups else quote.id

    def _same(self, said: tuple[str, ...], quote_id: str) -> bool:
        """Whether the indexed quote `quote_id` (if it still is) has the same words."""
        if quote_id not in self._texts:
            stored = self._indexed(quote_id)
            self._texts[quote_id] = tuple(words(stored.text)) if stored else None
        other = self._texts[quote_id]
        return other is not None and same_quote(said, other)


_NONE: dict = {}  # (never written)


def _by_group(found: dict[str, list[tuple[str, str]]]) -> dict[str, dict[str, list[str]]]:
    """key -> [(quote id, group)] as key -> group -> [quote ids]."""
    out: dict[str, dict[str, list[str]]] = {}
    for key, pairs in found.items():
        for quote_id, group in pairs:
            out.setdefault(key, {}).setdefault(group, []).append(quote_id)
    return out


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


def group_key(group: str) -> int:
    """A group as a signed 64-bit number: a fixed-width column is read in place, where a
    column of strings loads every segment's offsets for each search that groups by it."""
    return int.from_bytes(hashlib.blake2b(group.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


_MINUTES = 1 << 33  # minutes from year 1 to 9999 fit in 33 bits


def order_keys(when: datetime | None, start: int) -> tuple[int, int]:
    """Sort keys, oldest first and newest first, undated quotes last in both, then by position
    in the article: (undated, minutes since year 1, start) packed into one signed 64-bit int."""
    position = min(max(start, 0), (1 << 24) - 1)
    if when is None:
        return (1 << 61) | position, (1 << 61) | position
    since = minutes(when)
    return (since << 24) | position, ((_MINUTES - 1 - since) << 24) | position


def minutes(when: datetime) -> int:
    """Whole minutes from year 1 to `when`."""
    return int((when - datetime(1, 1, 1)).total_seconds() // 60)


def parse_date(quote: Quote) -> datetime:
    """The date as written (wall-clock time, any UTC offset dropped), so `date:2019-01-23`
    finds what the record says, whatever the time zone."""
    try:
        return datetime.fromisoformat(quote.date or "").replace(tzinfo=None)
    except ValueError:
        raise QuotesError(
            f"quote {quote.id} (article {quote.article_id}): bad date {quote.date!r}"
        ) from None


def reason(exc: BaseException) -> str:
    """An exception as the end of a one-line error."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
