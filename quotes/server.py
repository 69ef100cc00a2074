"""`quotes serve`: a search page and a read-only JSON API over the index, for newsrooms.

Everything the server shows comes from the library (`QuoteIndex.search/get/copies/speakers`,
`Filters`, `verify`, `cite`, `formats.hit_record`), so the page, the API and the CLI cannot
disagree. The index is opened read-only for each request and closed after it: a running
`quotes ingest` commits in between, and each request sees the last commit.

Safety: templates escape every value (article text is untrusted: a quote may hold `<script>`);
links go only to http(s) URLs; pages carry a strict Content-Security-Policy; and when bound to
the loopback interface, requests must name a loopback host (no DNS rebinding from a web page).
"""
from __future__ import annotations

import logging
import os
import re
import socket
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from . import __version__
from .cite import STYLES, cite
from .errors import QuotesError
from .formats import cut, hit_record, one_line, speaker_name
from .index import FACETS, SORTS, QuoteIndex, index_path, is_server
from .marks import paragraphs
from .model import KINDS, Article, Quote
from .server_params import ApiError, SearchParams, filter_params, search_params, text_param
from .server_people import add_people_routes
from .verify import left_out, verdict_line
from .verify import verify as run_verify
from .wording import words

HERE = Path(__file__).resolve().parent
MAX_CLAIM = 2000  # characters of a claim to verify
MAX_MATCHES = 20  # closest quotes of a verify
OPEN_TRIES = 4  # opening the index while an ingest commits (see `use` in create_app)
PAGE_FACETS = ("speaker", "source", "year", "kind")
SUGGESTED_SPEAKERS = 200  # names in the page's datalist (the API suggests beyond them)
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none';"
        " object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # searches are nobody else's business
    "X-Frame-Options": "DENY",
}
# What the OpenAPI schema says of the parameters that FastAPI sees as plain strings (they are
# checked by the library, whose messages the API answers with).
DATE_PATTERN = "^[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?$"  # query.day_bounds: 2019, 2019-01, 2019-01-23
PARAMETER_SCHEMAS = {
    "sort": {"type": "string", "enum": list(SORTS), "default": "relevance"},
    "kind": {"type": "array", "items": {"type": "string", "enum": list(KINDS)}, "default": []},
    "facet": {"type": "array", "items": {"type": "string", "enum": list(FACETS)}, "default": []},
    "from": {"type": "string", "pattern": DATE_PATTERN},
    "to": {"type": "string", "pattern": DATE_PATTERN},
    "accessed": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
}
ERROR_SCHEMA = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
ERRORS = {400: "A bad parameter or query", 404: "No quote with this id", 503: "The index cannot be read"}
SORT_LABELS = {"relevance": "Relevance", "date": "Oldest first", "-date": "Newest first"}
STYLE_LABELS = {"plain": "Plain", "markdown": "Markdown", "apa": "APA", "mla": "MLA", "chicago": "Chicago"}

log = logging.getLogger("quotes.server")
T = TypeVar("T")


# --------------------------------------------------------------------------- records


def copy_record(q: Quote) -> dict[str, Any]:
    """One article that carried a quote, as `quotes show --format json` lists it in `copies`."""
    return {"id": q.id, "article_id": q.article_id, "date": q.date, "source": q.source,
            "title": q.title, "url": q.url}


def citations(quote: Quote, accessed: date | None = None) -> dict[str, str]:
    return {style: cite(quote, style, accessed=accessed) for style in STYLES}


def quote_record(quote: Quote, copies: Sequence[Quote], accessed: date | None = None) -> dict[str, Any]:
    """`quotes show --format json` (record, `citation`, `copies`) plus every style's citation."""
    record = quote.to_dict()
    record.update(citation=cite(quote, accessed=accessed), copies=[copy_record(c) for c in copies],
                  citations=citations(quote, accessed))
    return record


def search_record(results: Any) -> dict[str, Any]:
    """`quotes search --facet … --format json`, plus the suggestions for an empty result."""
    return {
        "total": results.total, "page": results.page, "pages": results.pages,
        "hits": [hit_record(hit) for hit in results.hits],
        "facets": {name: [list(v) for v in values] for name, values in results.facets.items()},
        "suggestions": list(results.suggestions),
        **({"partial": list(results.partial)} if results.partial else {}),  # shards that did not answer
    }


def suggest_speakers(counts: Sequence[tuple[str, int]], prefix: str | None, limit: int) -> list[tuple[str, int]]:
    """The speakers (most quoted first) with a word starting with each word typed, case and
    accents ignored: what the speaker box suggests as you type."""
    typed = words(prefix or "")
    if typed:
        counts = [(name, n) for name, n in counts
                  if all(any(w.startswith(t) for w in words(name)) for t in typed)]
    return list(counts[:limit])


# --------------------------------------------------------------------------- HTML helpers


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) link, else None: an article's `javascript:` URL is no link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def segments(text: str, spans: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """`text` (stripped) cut into (piece, matched) pairs at the matched spans, for <mark>."""
    lead = len(text) - len(text.lstrip())
    return cut(text.strip(), [(s - lead, e - lead) for s, e in spans])


def in_sentence(quote: Quote) -> list[tuple[str, bool]]:
    """The quote's sentence with the quote marked in it; the quote alone if it is not found."""
    sentence, said = one_line(quote.sentence), one_line(quote.text).strip()
    at = sentence.find(said) if said else -1
    if at < 0:
        same_length = len(sentence.lower()) == len(sentence) and len(said.lower()) == len(said)
        at = sentence.lower().find(said.lower()) if same_length else -1
    if at < 0:
        return [(sentence, False)] if sentence else [(said, True)]
    return [(piece, marked) for piece, marked in ((sentence[:at], False), (sentence[at:at + len(said)], True),
                                                   (sentence[at + len(said):], False)) if piece]


def in_paragraph(quote: Quote, article: Article | None) -> list[tuple[str, bool]] | None:
    """The paragraph of the stored article that holds the quote, with the quote marked; None
    if the article is not stored (or no longer matches the quote's offsets)."""
    if article is None or article.text[quote.start:quote.end] != quote.text:
        return None
    for start, end in paragraphs(article.text):
        if start <= quote.start < end:
            stop = min(end, quote.end)
            parts = [(article.text[start:quote.start], False), (article.text[quote.start:stop], True),
                     (article.text[stop:end], False)]
            return [(re.sub(r"\s+", " ", piece), marked) for piece, marked in parts if piece]
    return None


def facet_url(params: SearchParams, name: str, value: str) -> str:
    """The search narrowed to one facet value (page 1): the clicked value replaces the
    filter of its kind, whose values the current results already satisfy."""
    if name == "speaker":  # exactly the name counted, not every name with its words
        return params.url(speaker_names=(value,), page=1)
    if name == "source":
        return params.url(sources=(value,), page=1)
    if name == "kind":
        return params.url(kinds=(value,), page=1)
    # A year: keep a bound that already lies inside it (the narrower one).
    since = params.since if params.since and params.since[:4] == value else value
    until = params.until if params.until and params.until[:4] == value else value
    return params.url(since=since, until=until, page=1)


def active_filters(params: SearchParams) -> list[tuple[str, str]]:
    """(label, URL without it) for each filter in force: the removable chips above results."""
    chips = []
    for field, label in (("speakers", "speaker"), ("speaker_names", "speaker"), ("sources", "source"),
                         ("kinds", "kind")):
        values = getattr(params, field)
        for value in values:
            chips.append((f"{label}: {value}", params.url(**{field: tuple(v for v in values if v != value)}, page=1)))
    if params.since:
        chips.append((f"from {params.since}", params.url(since=None, page=1)))
    if params.until:
        chips.append((f"to {params.until}", params.url(until=None, page=1)))
    return chips


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(("html",), default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(safe_url=safe_url, one_line=one_line)
    env.globals.update(version=__version__, STYLES=STYLES, STYLE_LABELS=STYLE_LABELS, KINDS=KINDS,
                       SORT_LABELS=SORT_LABELS, segments=segments, in_sentence=in_sentence,
                       citations=citations, speaker_name=speaker_name, verdict_line=verdict_line,
                       left_out=left_out)
    return env


# --------------------------------------------------------------------------- the app


def create_app(index_dir: str | None = None, allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """The web app over the index at `index_dir` (default: $QUOTES_INDEX, else ./index).

    `allowed_hosts` are the Host header values accepted (None: any); `quotes serve` passes the
    loopback names when it listens on loopback.
    """
    location = index_path(index_dir)
    folder = location if is_server(location) else os.path.abspath(location)
    env = _templates()
    app = FastAPI(
        title="quotes", version=__version__, docs_url=None, redoc_url=None,
        description="Read-only search of the quotations in a `quotes` index. Records have the"
                    " shape of the CLI's `--format json`; errors are `{\"error\": message}`.",
    )
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def use(work: Callable[[QuoteIndex], T]) -> T:
        """Run `work` on the index, opened read-only for it. A commit of a running ingest can
        delete the files of the commit being opened or read: that costs a retry, which opens
        the new commit."""
        for attempt in range(1, OPEN_TRIES + 1):
            try:
                ix = QuoteIndex.open(folder)
            except QuotesError as exc:
                if attempt == OPEN_TRIES or not os.path.isdir(folder):
                    raise ApiError(503, str(exc)) from None
                time.sleep(0.05 * attempt)
                continue
            try:
                return work(ix)
            except QuotesError as exc:
                raise ApiError(400, str(exc)) from None
            except (OSError, EOFError) as exc:
                if attempt == OPEN_TRIES:
                    log.warning("index read failed %d times: %s", attempt, exc)
                    raise ApiError(503, "the index changed while it was read; try again") from None
                time.sleep(0.05 * attempt)
            finally:
                ix.close()
        raise AssertionError("unreachable")

    def page(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(request=request, **context)
        return HTMLResponse(html, status_code=code)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    def error(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return page(request, "error.html", status, status=status, message=message)

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> Response:
        return error(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def on_bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        return error(request, 400, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        response = error(request, exc.status_code, message)
        response.headers.update(exc.headers or {})  # a 405's Allow
        return response

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:  # pragma: no cover
        log.exception("internal error on %s", request.url.path)
        return error(request, 500, "internal error: see the server's log")

    # ----------------------------------------------------------------------- JSON API

    @app.get("/api/search", tags=["api"], summary="Search quotes (one hit per republished quote)")
    def api_search(
        params: SearchParams = Depends(search_params),
        facet: list[str] = Query([], description=f"Count the whole result set by: {', '.join(FACETS)}; repeatable."),
    ) -> JSONResponse:
        """`quotes search --format json` with facets: `{total, page, pages, hits, facets,
        suggestions}`; each hit is the quote record plus `score`, `matches` ([start, end]
        spans in `text`), `sources` and `first_seen`."""
        results = use(lambda ix: ix.search(params.q, params.filters, sort=params.sort,
                                           limit=params.limit, page=params.page, facets=facet))
        return JSONResponse(search_record(results))

    @app.get("/api/quotes/{quote_id}", tags=["api"], summary="One quote, its sources and citations")
    def api_quote(
        quote_id: str = PathParam(..., max_length=64, description="The quote id printed by search."),
        accessed: str | None = Query(None, description="Access date for MLA, YYYY-MM-DD (default: today)."),
    ) -> JSONResponse:
        """`quotes show --format json` (the record, `citation`, `copies` oldest first) plus
        `citations`: the citation in every style of `quotes cite`."""
        day = _day(accessed)
        quote, copies = use(lambda ix: _quote_and_copies(ix, quote_id))
        return JSONResponse(quote_record(quote, copies, day))

    @app.get("/api/verify", tags=["api"], summary="Check a claimed quotation")
    def api_verify(
        claim: str = Query(..., description="The claimed quotation."),
        speaker: str | None = Query(None, description="Who it is attributed to."),
        limit: int = Query(3, ge=1, le=MAX_MATCHES, description="How many closest quotes."),
    ) -> JSONResponse:
        """`quotes verify --format json`: `{claim, speaker, verdict, said_by_other, matches:
        [{score, exact, before, after, diff, quote}]}`. The verdict is one of exact match,
        exact excerpt, close match, reported, not verbatim (only an indirect quote matches),
        no match found, too short to verify; `before`/`after` are the quote's words the
        claim leaves out; `diff` is a list of [op, words], op `=`, `-` (said, not in the
        claim) or `+` (claimed, not said)."""
        text, who = text_param(claim, "claim", MAX_CLAIM) or "", text_param(speaker, "speaker")
        result = use(lambda ix: run_verify(ix, text, speaker=who, limit=limit))
        return JSONResponse(result.to_dict())

    @app.get("/api/speakers", tags=["api"], summary="Speakers by number of quotes")
    def api_speakers(
        params: SearchParams = Depends(filter_params),
        prefix: str | None = Query(None, description="Only names with a word starting with each word"
                                   " of PREFIX (case and accents ignored): suggestions as you type."),
        limit: int = Query(100, ge=1, le=1000, description="How many speakers, most quoted first."),
    ) -> JSONResponse:
        """`quotes speakers --format json`: `[{speaker, quotes}]`, most quoted first, for the
        query and filters (all quotes without them)."""
        counts = use(lambda ix: ix.speakers(params.q, params.filters))
        chosen = suggest_speakers(counts, text_param(prefix, "prefix"), limit)
        return JSONResponse([{"speaker": name, "quotes": n} for name, n in chosen])

    # ----------------------------------------------------------------------- pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, params: SearchParams = Depends(search_params)) -> HTMLResponse:
        def work(ix: QuoteIndex) -> tuple[Any, list[tuple[str, int]]]:
            results = ix.search(params.q, params.filters, sort=params.sort, limit=params.limit,
                                page=params.page, facets=PAGE_FACETS)
            # (speaker counts must be complete: none while a shard is down, the page says why)
            return results, [] if results.partial else ix.speakers()[:SUGGESTED_SPEAKERS]

        try:
            results, names = use(work)
        except ApiError as exc:
            if exc.status != 400:
                raise
            return page(request, "search.html", 400, params=params, results=None, problem=exc.message,
                        names=[], chips=active_filters(params), facet_url=facet_url)
        return page(request, "search.html", params=params, results=results, problem=None, names=names,
                    chips=active_filters(params), facet_url=facet_url)

    @app.get("/quotes/{quote_id}", response_class=HTMLResponse, include_in_schema=False)
    def quote_page(request: Request, quote_id: str = PathParam(..., max_length=64)) -> HTMLResponse:
        quote, copies = use(lambda ix: _quote_and_copies(ix, quote_id))
        article = use(lambda ix: ix.article(quote.article_id))
        return page(request, "quote.html", quote=quote, copies=copies, citations=citations(quote),
                    paragraph=in_paragraph(quote, article))

    @app.get("/verify", response_class=HTMLResponse, include_in_schema=False)
    def verify_page(request: Request, claim: str | None = Query(None), speaker: str | None = Query(None),
                    limit: int = Query(3, ge=1, le=MAX_MATCHES)) -> HTMLResponse:
        text, who = text_param(claim, "claim", MAX_CLAIM), text_param(speaker, "speaker")
        result, problem, status = None, None, 200
        if text:
            try:
                result = use(lambda ix: run_verify(ix, text, speaker=who, limit=limit))
            except ApiError as exc:
                if exc.status != 400:
                    raise
                problem, status = exc.message, 400
        return page(request, "verify.html", status, claim=text or "", speaker=who or "", result=result,
                    problem=problem)

    add_people_routes(app, use, page, search_params, ApiError)  # /people, /api/people (server_people.py)

    @app.get("/healthz", include_in_schema=False)
    def health() -> JSONResponse:
        articles, quotes = use(lambda ix: ix.count())
        return JSONResponse({"status": "ok", "articles": articles, "quotes": quotes})

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, made to say what the API does: errors are 400 (never 422), 404 (a
    quote) and 503 as `{"error": message}`, and the parameters the library checks have their
    enums and date patterns."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status, what in ERRORS.items():
                if status != 404 or "{quote_id}" in path:
                    responses[str(status)] = {"description": what,
                                              "content": {"application/json": {"schema": ERROR_SCHEMA}}}
            for parameter in operation.get("parameters", ()):
                if parameter["name"] in PARAMETER_SCHEMAS:
                    parameter["schema"] = {**PARAMETER_SCHEMAS[parameter["name"]],
                                           **({"description": parameter["schema"]["description"]}
                                              if "description" in parameter.get("schema", {}) else {})}
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    if "components" in schema and not components:
        del schema["components"]
    app.openapi_schema = schema
    return schema


def _quote_and_copies(ix: QuoteIndex, quote_id: str) -> tuple[Quote, list[Quote]]:
    quote = ix.get(quote_id)
    if quote is None:
        raise ApiError(404, f"no quote with id {quote_id!r} in the index")
    return quote, ix.sources(quote)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ApiError(400, f"bad date {text!r}: use YYYY-MM-DD") from None


def _validation_message(exc: RequestValidationError) -> str:
    """FastAPI's list of validation errors as one line naming the parameter."""
    parts = []
    for problem in exc.errors():
        where = [str(p) for p in problem.get("loc", ()) if p not in ("query", "path", "body")]
        name = where[0] if where else "request"
        parts.append(f"bad parameter {name!r}: {problem.get('msg', 'invalid value')}")
    return "; ".join(parts) or "bad request"


# --------------------------------------------------------------------------- serving


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return all(info[4][0].startswith("127.") or info[4][0] == "::1" for info in infos)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), or a QuotesError saying why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except (socket.gaierror, OSError) as exc:
        raise QuotesError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise QuotesError(f"cannot listen on {host}:{port}: {(exc.strerror or str(exc)).lower()}") from None
    sock.set_inheritable(True)
    return sock


def make_server(app: FastAPI, log_level: str = "info") -> Any:
    """A uvicorn server for `app` (run it with `.run(sockets=[bind(...)])`)."""
    import uvicorn

    return uvicorn.Server(uvicorn.Config(app, log_level=log_level, access_log=log_level == "debug",
                                         server_header=False, proxy_headers=False))
