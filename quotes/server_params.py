"""The parameters of `quotes serve`'s pages and API: a search as the CLI takes it (query,
filters, sort, page), read from the query string and checked, with the caps that keep one
request cheap. Errors are `ApiError`s, answered as `{"error": message}` or the error page."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence
from urllib.parse import urlencode

from fastapi import Depends, Query

from .index import SORTS
from .model import KINDS
from .query import Filters

MAX_LIMIT = 100  # hits per page, the API's cap (the CLI's is 1000: a page is not an export)
MAX_PAGE = 1000  # a search collects page × limit hits; deeper than this is `quotes export`
MAX_QUERY = 1000  # characters of a query or a filter value


class ApiError(Exception):
    """An error answered with `status` and `{"error": message}` (or the error page)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class SearchParams:
    """A search as the CLI takes it: query, filters, sort and page (empty form fields dropped)."""

    q: str | None = None
    speakers: tuple[str, ...] = ()
    speaker_names: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    sort: str = "relevance"
    limit: int = 20
    page: int = 1

    @property
    def filters(self) -> Filters:
        return Filters(speakers=self.speakers, speaker_names=self.speaker_names, sources=self.sources,
                       kinds=self.kinds, since=self.since, until=self.until)

    def pairs(self, **changes: Any) -> list[tuple[str, str]]:
        """The query-string pairs of this search with `changes`, defaults left out."""
        p = replace(self, **changes)
        out: list[tuple[str, str]] = [("q", p.q)] if p.q else []
        out += [("speaker", s) for s in p.speakers] + [("speaker_name", s) for s in p.speaker_names]
        out += [("source", s) for s in p.sources]
        out += [("kind", k) for k in p.kinds]
        out += [(name, value) for name, value in (("from", p.since), ("to", p.until)) if value]
        if p.sort != "relevance":
            out.append(("sort", p.sort))
        if p.limit != 20:
            out.append(("limit", str(p.limit)))
        if p.page != 1:
            out.append(("page", str(p.page)))
        return out

    def url(self, **changes: Any) -> str:
        return "/?" + urlencode(self.pairs(**changes)) if self.pairs(**changes) else "/"


def text_param(value: str | None, name: str, cap: int = MAX_QUERY) -> str | None:
    value = (value or "").strip()
    if len(value) > cap:
        raise ApiError(400, f"{name} is too long: at most {cap} characters")
    return value or None


def text_params(values: Sequence[str], name: str) -> tuple[str, ...]:
    return tuple(v for v in (text_param(value, name) for value in values) if v)


def filter_params(
    q: str | None = Query(None, description="Query in the CLI's Whoosh syntax (words, \"a phrase\","
                          " OR, NOT, wildcards, term~, fields such as speaker:, kind:, date:)."),
    speaker: list[str] = Query([], description="Said by NAME: every word in the name or mention;"
                               " repeat for any of several."),
    speaker_name: list[str] = Query([], description="Said by exactly this resolved name, as /api/speakers"
                                    " and the speaker facet give it; repeatable."),
    source: list[str] = Query([], description="From source NAME (every word); repeatable."),
    kind: list[str] = Query([], description=f"One of {', '.join(KINDS)}; repeatable."),
    since: str | None = Query(None, alias="from", description="On or after: 2019, 2019-01 or 2019-01-23."),
    until: str | None = Query(None, alias="to", description="On or before (its whole period)."),
) -> SearchParams:
    """The query and filters, shared by the pages, /api/search and /api/speakers."""
    kinds = text_params(kind, "kind")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ApiError(400, f"unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
    return SearchParams(q=text_param(q, "q"), speakers=text_params(speaker, "speaker"),
                        speaker_names=text_params(speaker_name, "speaker_name"), sources=text_params(source, "source"),
                        kinds=kinds, since=text_param(since, "from"), until=text_param(until, "to"))


def search_params(
    chosen: SearchParams = Depends(filter_params),
    sort: str = Query("relevance", description=f"One of {', '.join(SORTS)} (date: oldest first)."),
    limit: int = Query(20, ge=1, le=MAX_LIMIT, description="Hits per page."),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Which page of hits."),
) -> SearchParams:
    """The query, filters, sort and page of a search: the CLI's `search` options."""
    if sort not in SORTS:
        raise ApiError(400, f"unknown sort {sort!r} (sorts: {', '.join(SORTS)})")
    return replace(chosen, sort=sort, limit=limit, page=page)
