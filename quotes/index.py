"""The index of quotes, as the rest of `quotes` sees it: `QuoteIndex.open(location)` opens the
backend its location names (`backend_for`): a folder is the embedded Whoosh index
(quotes/backends/whoosh.py), `sphinxql://HOST:PORT/NAME` a sharded Sphinx or Manticore
search server (quotes/backends/sphinxql.py); with no location, $QUOTES_INDEX, else ./index."""
from __future__ import annotations

import itertools

from .model import Article, Quote
from .backends.base import (DEFAULT_INDEX, FACETS, INDEX_ENV, SORTS, Group, Hit, Interrupted, QuoteIndex, Results,
                            index_path)
from .backends.whoosh import _LARGEST_MERGE, LOCK_FILE, SCHEMA_VERSION, WhooshIndex, _to_merge

__all__ = [
    "DEFAULT_INDEX", "FACETS", "INDEX_ENV", "SCHEMA_VERSION", "SORTS", "Group", "Hit", "Interrupted", "QuoteIndex",
    "LOCK_FILE", "Results", "WhooshIndex", "_LARGEST_MERGE", "_to_merge", "backend_for", "copy", "index_path",
    "is_server",
]


def backend_for(location: str) -> type[QuoteIndex]:
    """The backend of an index location."""
    if is_server(location):
        from .backends.sphinxql import SphinxQLIndex  # (pymysql only for those who use it)

        return SphinxQLIndex
    return WhooshIndex


def copy(source: QuoteIndex, target: QuoteIndex, batch_size: int = 512) -> tuple[int, int]:
    """Copy every stored article and its indexed quotes (ids and groups kept) from `source`
    into `target`, `batch_size` articles per commit, as extracted by the extractor that last
    added to `source` (so `ingest` into `target` skips them too). Returns (articles, quotes)."""
    extractor = source.versions()["extractor"]
    articles = quotes = 0
    batch: list[tuple[Article, list[Quote]]] = []
    for article in itertools.chain(source.store.articles(), [None]):  # (streamed: the store may be large)
        if article is not None:
            batch.append((article, source.quotes_of(article.id)))
        if batch and (article is None or len(batch) == batch_size):
            added = target.add(batch, extractor=extractor)
            articles, quotes = articles + added[0], quotes + added[1]
            batch = []
    return articles, quotes


def is_server(location: str) -> bool:
    """Whether the location names a search server rather than a folder."""
    return location.startswith("sphinxql://")
