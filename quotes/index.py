"""The index of quotes, as the rest of `quotes` sees it: `QuoteIndex.open(location)` opens the
backend its location names (`backend_for`): a folder is the embedded Whoosh index
(quotes/backends/whoosh.py), `sphinxql://HOST:PORT/NAME` a sharded Sphinx or Manticore
search server (quotes/backends/sphinxql.py); with no location, $QUOTES_INDEX, else ./index."""
from __future__ import annotations

from .backends.base import DEFAULT_INDEX, FACETS, INDEX_ENV, SORTS, Group, Hit, QuoteIndex, Results, index_path
from .backends.whoosh import _LARGEST_MERGE, SCHEMA_VERSION, WhooshIndex, _to_merge

__all__ = [
    "DEFAULT_INDEX", "FACETS", "INDEX_ENV", "SCHEMA_VERSION", "SORTS", "Group", "Hit", "QuoteIndex",
    "Results", "WhooshIndex", "_LARGEST_MERGE", "_to_merge", "backend_for", "index_path", "is_server",
]


def backend_for(location: str) -> type[QuoteIndex]:
    """The backend of an index location."""
    if is_server(location):
        from .backends.sphinxql import SphinxQLIndex  # (pymysql only for those who use it)

        return SphinxQLIndex
    return WhooshIndex


def is_server(location: str) -> bool:
    """Whether the location names a search server rather than a folder."""
    return location.startswith("sphinxql://")
