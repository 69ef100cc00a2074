"""Ingest: articles -> extraction -> people -> index, in committed batches; and `reindex`, which builds an
index again from the article texts it stores.

    >>> with QuoteIndex.open("index", create=True) as ix:             # doctest: +SKIP
    ...     job = Ingest(ix, load_nlp(), jobs=2).run(read_articles(["data/"]))
    ...     print(job.articles, job.quotes, job.skipped)
"""
from __future__ import annotations

import itertools
import os
import shutil
from typing import Any, Callable, Iterable, Iterator

from .errors import QuotesError
from .extract import extract_articles, extractor_version
from .index import QuoteIndex
from .model import Article, Quote
from .people_store import FILENAME as PEOPLE_FILE
from .store import ArticleStore

DEFAULT_BATCH = 512
Pairs = Iterable[tuple[Article, list[Quote]]]


class Ingest:
    """Adds articles to an index, one Whoosh commit per `batch_size` articles, so an
    interruption keeps what was committed, and skips those indexed unchanged by this extractor
    (unless `force`), so a second run resumes. Its counts grow as it goes, and stay right when
    `run` is interrupted."""

    def __init__(self, ix: QuoteIndex, nlp: Any, *, jobs: int = 1, batch_size: int = DEFAULT_BATCH,
                 force: bool = False, cluster: Any = None) -> None:
        if batch_size < 1:
            raise QuotesError(f"the batch size must be 1 or more, not {batch_size}")
        self.ix, self.nlp, self.jobs, self.batch_size, self.force = ix, nlp, jobs, batch_size, force
        self.cluster = cluster  # a quotes.cluster.Cluster: extraction on its Dask workers
        self.extractor = extractor_version(nlp)
        self.articles = self.quotes = self.skipped = 0
        self.speakers: set[str] = set()

    def run(self, articles: Iterable[Article], watch: Callable[[Pairs], Pairs] | None = None) -> "Ingest":
        """Ingest `articles`; `watch` may wrap the stream of (article, quotes) pairs on its way
        to the index (the CLI's progress bar)."""
        pairs: Pairs = extract_articles(self._changed(articles), self.nlp, jobs=self.jobs, cluster=self.cluster)
        if watch is not None:
            pairs = watch(pairs)
        for batch in _batches(pairs, self.batch_size):
            added, quotes = self.ix.add(batch, extractor=self.extractor)  # people on the way
            self.articles += added
            self.quotes += quotes
            self.speakers.update(q.person for _, found in batch for q in found if q.person)
        return self

    def _changed(self, articles: Iterable[Article]) -> Iterator[Article]:
        for article in articles:
            if not self.force and self.ix.is_current(article, self.extractor):
                self.skipped += 1
            else:
                yield article


def reindex(path: str, nlp: Any, *, jobs: int = 1, batch_size: int = DEFAULT_BATCH,
            watch: Callable[[Pairs, int], Pairs] | None = None, cluster: Any = None) -> Ingest:
    """Build the index at `path` again from its stored articles, with this version's schema and
    extractor, then put it in place of the old one (kept until the new one is complete).
    `watch` wraps the (article, quotes) pairs as for `Ingest.run`, told how many articles."""
    old = ArticleStore(path)
    if not os.path.isdir(path):
        raise QuotesError(f"no index at {path}: nothing to reindex")
    if not old.exists() or not _has_texts(old):
        raise QuotesError(
            f"the index at {path} stores no article texts (it predates them): ingest the"
            " original files again into a new index"
        )
    building = path.rstrip(os.sep) + ".reindex"
    shutil.rmtree(building, ignore_errors=True)  # what an interrupted reindex left
    try:
        with QuoteIndex.open(building, create=True) as ix:
            if os.path.isfile(os.path.join(path, PEOPLE_FILE)):  # the user's decisions and the ids
                shutil.copy2(os.path.join(path, PEOPLE_FILE), os.path.join(building, PEOPLE_FILE))
            total = old.count()
            job = Ingest(ix, nlp, jobs=jobs, batch_size=batch_size, force=True, cluster=cluster).run(
                old.articles(), None if watch is None else lambda pairs: watch(pairs, total))
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    retired = path.rstrip(os.sep) + ".old"
    shutil.rmtree(retired, ignore_errors=True)
    os.rename(path, retired)
    os.rename(building, path)
    shutil.rmtree(retired, ignore_errors=True)
    return job


def _has_texts(store: ArticleStore) -> bool:
    try:
        return store.count() > 0
    except QuotesError:  # a store of schema 1: no record column
        return False


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
