"""The index of quotes, as the rest of `quotes` sees it: `QuoteIndex.open(location)` opens the
backend its location names (`backend_for`): a folder is the embedded Whoosh index
(quotes/backends/whoosh.py); with no location, $QUOTES_INDEX, else ./index."""
from __future__ import annotations

from .backends.base import DEFAULT_INDEX, FACETS, INDEX_ENV, SORTS, Group, Hit, QuoteIndex, Results, index_path
from .backends.whoosh import _LARGEST_MERGE, SCHEMA_VERSION, WhooshIndex, _to_merge

__all__ = [
    "DEFAULT_INDEX", "FACETS", "INDEX_ENV", "SCHEMA_VERSION", "SORTS", "Group", "Hit", "QuoteIndex",
    "Results", "WhooshIndex", "_LARGEST_MERGE", "_to_merge", "backend_for", "index_path",
]


def backend_for(location: str) -> type[QuoteIndex]:
    """The backend of an index location."""
    return WhooshIndex
