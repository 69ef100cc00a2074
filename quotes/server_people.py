"""The people pages of `quotes serve`: `/people` and `/people/{id}`, and their JSON,
`/api/people` and `/api/people/{id}`. Like server.py, they only call the library
(`people_store`, `person_view`) and render."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from .index import QuoteIndex
from .people import ORGANISATION, PEOPLE_KINDS, PERSON
from .person_view import people_of, person_page

MAX_PEOPLE = 1000
PAGE_PEOPLE = 200
CHART_HEIGHT = 60


def chart(months: list[tuple[str, int]], width: int = 640) -> dict[str, Any]:
    """Bars of quotes per month for an inline SVG (no script, no network): each bar's x, y,
    width and height, and the labels of the first and last months."""
    top = max((n for _, n in months), default=0)
    if not top:
        return {"bars": [], "width": width, "height": CHART_HEIGHT, "first": "", "last": "", "top": 0}
    step = width / len(months)
    bars = [{"x": round(i * step, 2), "w": round(max(step - 1, 1), 2), "h": round(n / top * CHART_HEIGHT, 2),
             "y": round(CHART_HEIGHT - n / top * CHART_HEIGHT, 2), "month": month, "n": n}
            for i, (month, n) in enumerate(months)]
    return {"bars": bars, "width": width, "height": CHART_HEIGHT, "first": months[0][0], "last": months[-1][0],
            "top": top}


def add_people_routes(app: FastAPI, use: Callable[[Callable[[QuoteIndex], Any]], Any],
                      page: Callable[..., HTMLResponse], search_params: Callable, api_error: type) -> None:
    """Add the people pages and API to the app of `server.create_app` (`use` opens the index
    for one piece of work; `page` renders a template)."""

    def kinds_of(kind: list[str]) -> tuple[str, ...]:
        unknown = [k for k in kind if k not in PEOPLE_KINDS]
        if unknown:
            raise api_error(400, f"unknown kind {unknown[0]!r} (kinds: {', '.join(PEOPLE_KINDS)})")
        return tuple(kind) or (PERSON, ORGANISATION)

    def one(person_id: str, params: Any) -> Any:
        if use(lambda ix: people_of(ix).get(person_id)) is None:
            raise api_error(404, f"no person with id {person_id!r} in the index")
        sort = "-date" if params.sort == "relevance" and not params.q else params.sort
        return use(lambda ix: person_page(ix, person_id, params.q, replace(params.filters, speakers=(), speaker_names=()),
                                          sort=sort, page=params.page, limit=params.limit))

    @app.get("/api/people", tags=["api"], summary="People by number of quotes")
    def api_people(
        q: str | None = Query(None, max_length=200, description="Only people with a name holding every word."),
        kind: list[str] = Query([], description=f"One of {', '.join(PEOPLE_KINDS)}; repeatable"
                                " (default: person and organisation)."),
        limit: int = Query(100, ge=1, le=MAX_PEOPLE, description="How many people, most quoted first."),
    ) -> JSONResponse:
        """`quotes people --format json`: `[{id, name, kind, quotes, articles, first, last,
        names, sources, ambiguous, wikidata, notes}]`."""
        found = use(lambda ix: people_of(ix).people(q, kinds_of(kind), limit))
        return JSONResponse([p.to_dict() for p in found])

    @app.get("/api/people/{person_id}", tags=["api"], summary="One person: profile and quotes")
    def api_person(person_id: str = PathParam(..., max_length=64),
                   params: Any = Depends(search_params)) -> JSONResponse:
        """`quotes person ID --format json`: the person, `kinds`, `months`, `top_sources`,
        `co_quoted`, `words` and `results` (their quotes, newest first, with the search
        filters), one page of them."""
        return JSONResponse(one(person_id, params).to_dict())

    @app.get("/people", response_class=HTMLResponse, include_in_schema=False)
    def people_page(request: Request, q: str | None = Query(None, max_length=200)) -> HTMLResponse:
        found = use(lambda ix: people_of(ix).people(q, (PERSON, ORGANISATION), PAGE_PEOPLE))
        return page(request, "people.html", people=found, q=q or "", nav="people")

    @app.get("/people/{person_id}", response_class=HTMLResponse, include_in_schema=False)
    def person_html(request: Request, person_id: str = PathParam(..., max_length=64),
                    params: Any = Depends(search_params)) -> HTMLResponse:
        shown = one(person_id, params)

        def url(**changes: Any) -> str:
            pairs = [(k, v) for k, v in params.pairs(**changes) if k not in ("speaker", "speaker_name")]
            return f"/people/{person_id}" + ("?" + urlencode(pairs) if pairs else "")

        return page(request, "person.html", shown=shown, person=shown.profile.person, params=params,
                    chart=chart(shown.profile.months), url=url, nav="people")
