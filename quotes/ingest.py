"""Ingest: articles -> extraction -> people -> index, in committed batches; and `reindex`, which builds an
index again from the article texts it stores.

    >>> with QuoteIndex.open("index", create=True) as ix:             # doctest: +SKIP
    ...     job = Ingest(ix, load_nlp(), jobs=2).run(read_articles(["data/"]))
    ...     print(job.articles, job.quotes, job.skipped)
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Iterator

from .backends.base import reason
from .errors import QuotesError
from .extract import extract_articles, extractor_version
from .index import LOCK_FILE, Interrupted, QuoteIndex
from .model import Article, Quote
from .people_store import FILENAME as PEOPLE_FILE
from .store import ArticleStore

DEFAULT_BATCH = 512
Pairs = Iterable[tuple[Article, list[Quote]]]


class Ingest:
    """Adds articles to an index, one commit per `batch_size` articles, so an interruption
    keeps what was committed (and, when it stops the grouping of a batch, the articles of the
    batch grouped so far), and skips those indexed unchanged by this extractor (unless
    `force`), so a second run resumes. Its counts grow as it goes, and stay right when `run`
    is interrupted.

    The quote records of an exported article (`Article.quotes`) may come in several runs, in
    any order (an export lists them by date): each run is added to what the run before it
    left, so an export ingested again gives back every record."""

    def __init__(self, ix: QuoteIndex, nlp: Any, *, jobs: int = 1, batch_size: int = DEFAULT_BATCH,
                 force: bool = False, cluster: Any = None) -> None:
        if batch_size < 1:
            raise QuotesError(f"the batch size must be 1 or more, not {batch_size}")
        self.ix, self.nlp, self.jobs, self.batch_size, self.force = ix, nlp, jobs, batch_size, force
        self.cluster = cluster  # a quotes.cluster.Cluster: extraction on its Dask workers
        self.extractor = extractor_version(nlp)
        self.articles = self.quotes = self.skipped = 0
        self.speakers: set[str] = set()
        self._imported: set[str] = set()  # exported articles met so far (written or skipped)
        self._counted: set[str] = set()  # of those, the ones counted in `articles`

    def run(self, articles: Iterable[Article], watch: Callable[[Pairs], Pairs] | None = None) -> "Ingest":
        """Ingest `articles`; `watch` may wrap the stream of (article, quotes) pairs on its way
        to the index (the CLI's progress bar)."""
        pairs: Pairs = extract_articles(self._changed(articles), self.nlp, jobs=self.jobs, cluster=self.cluster)
        if watch is not None:
            pairs = watch(pairs)
        batch: dict[str, _Pending] = {}
        for article, found in pairs:
            if article.quotes is not None and (article.id in batch or article.id in self._imported):
                batch[article.id] = self._merged(article, found, batch.get(article.id))
            else:
                batch.setdefault(article.id, _Pending(article, found, True, len(found)))
            if article.quotes is not None:
                self._imported.add(article.id)
            if len(batch) >= self.batch_size:
                self._write(batch)
                batch = {}
        if batch:
            self._write(batch)
        return self

    def _merged(self, article: Article, found: list[Quote], pending: _Pending | None) -> _Pending:
        """An exported article's records joined to those of its earlier runs: in this batch,
        else as the index holds them."""
        if pending is not None:
            earlier, new = pending.article, pending.new
        else:
            earlier = self.ix.article(article.id) or replace(article, quotes=[])
            new = article.id not in self._counted
        before = {q.id: q for q in earlier.quotes or ()}
        added = [q for q in found if q.id not in before]
        quotes = [*before.values(), *added]
        fresh = (pending.fresh if pending is not None else 0) + len(added)
        return _Pending(replace(earlier, quotes=quotes), quotes, new, fresh)

    def _write(self, batch: dict[str, _Pending]) -> None:
        try:
            self.ix.add(((p.article, p.quotes) for p in batch.values()), extractor=self.extractor)
        except Interrupted as stop:
            self._count([batch[i] for i in stop.written])
            raise
        self._count(list(batch.values()))

    def _count(self, written: list[_Pending]) -> None:
        for pending in written:
            self.articles += pending.new
            self.quotes += pending.fresh
            self.speakers.update(q.person for q in pending.quotes if q.person)
            if pending.article.quotes is not None:
                self._counted.add(pending.article.id)

    def _changed(self, articles: Iterable[Article]) -> Iterator[Article]:
        for article in articles:
            if not self.force and self.ix.is_current(article, self.extractor):
                self.skipped += 1
                if article.quotes is not None:
                    self._imported.add(article.id)  # a later run of its records joins it
            else:
                yield article


@dataclass
class _Pending:
    """An article of the batch being made: its quotes, whether it is new to this run's
    counts, and how many of its quotes are."""

    article: Article
    quotes: list[Quote]
    new: bool
    fresh: int


def reindex(path: str, nlp: Any, *, jobs: int = 1, batch_size: int = DEFAULT_BATCH,
            watch: Callable[[Pairs, int], Pairs] | None = None, wait: float = 0.0,
            on_wait: Callable[[], None] | None = None, cluster: Any = None) -> Ingest:
    """Build the index at `path` again from its stored articles, with this version's schema and
    extractor, then put it in place of the old one (kept, searchable, until the new one is
    complete). It holds the index's writer lock throughout, as an ingest does (waiting for it
    up to `wait` seconds, calling `on_wait` first), so no ingest writes into the index it
    replaces. `watch` wraps the (article, quotes) pairs as for `Ingest.run`, told how many
    articles there are.

    The new index is built beside the old one and swapped in by renaming the folder; an index
    folder that cannot be renamed (a mount point, such as a container's volume) gets it built
    inside, in `.reindex`, and moved in file by file."""
    old = ArticleStore(path)
    if not os.path.isdir(path):
        raise QuotesError(f"no index at {path}: nothing to reindex")
    if not old.exists() or not _has_texts(old):
        raise QuotesError(
            f"the index at {path} stores no article texts (it predates them): ingest the"
            " original files again into a new index"
        )
    path = path.rstrip(os.sep) or os.sep
    parent = os.path.dirname(os.path.abspath(path))
    inside = os.path.ismount(path) or not os.access(parent, os.W_OK)
    building = os.path.join(path, INSIDE) if inside else path + ".reindex"
    with QuoteIndex.locked(path, wait, on_wait):
        try:
            shutil.rmtree(building, ignore_errors=True)  # what an interrupted reindex left
            with QuoteIndex.open(building, create=True) as ix:
                if os.path.isfile(os.path.join(path, PEOPLE_FILE)):  # the user's decisions and the ids
                    shutil.copy2(os.path.join(path, PEOPLE_FILE), os.path.join(building, PEOPLE_FILE))
                total = old.count()
                job = Ingest(ix, nlp, jobs=jobs, batch_size=batch_size, force=True, cluster=cluster).run(
                    old.articles(), None if watch is None else lambda pairs: watch(pairs, total))
            _swap(path, building, inside)
        except OSError as exc:
            raise QuotesError(f"cannot reindex the index at {path}: {reason(exc)}") from None
        finally:
            shutil.rmtree(building, ignore_errors=True)
            shutil.rmtree(path + ".old", ignore_errors=True)
    return job


INSIDE = ".reindex"  # where an index that cannot be renamed is rebuilt (see `reindex`)


def _swap(path: str, building: str, inside: bool) -> None:
    """Put the index built in `building` in place of the one at `path`: the folder renamed
    when it can be, else its files moved one by one (the lock file, held, stays)."""
    if not inside:
        try:
            os.rename(path, path + ".old")
        except OSError:  # busy (a mount point) or not ours to rename
            pass
        else:
            try:
                os.rename(building, path)
            except OSError:
                os.rename(path + ".old", path)
                raise
            return
    retired = os.path.join(path, ".retired")
    shutil.rmtree(retired, ignore_errors=True)
    os.mkdir(retired)
    for name in os.listdir(path):
        if name not in (INSIDE, ".retired", LOCK_FILE) and os.path.join(path, name) != building:
            os.rename(os.path.join(path, name), os.path.join(retired, name))
    for name in os.listdir(building):
        if name != LOCK_FILE:  # (held by `reindex`: another writer waits on it)
            shutil.move(os.path.join(building, name), os.path.join(path, name))
    shutil.rmtree(retired, ignore_errors=True)


def _has_texts(store: ArticleStore) -> bool:
    try:
        return store.count() > 0
    except QuotesError:  # a store of schema 1: no record column
        return False
