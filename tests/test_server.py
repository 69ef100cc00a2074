"""`quotes serve`: the JSON API and the server-rendered pages, through FastAPI's test client.

The index holds tests/data/republished.jsonl (extracted for real; see tests/test_search.py)
plus one hand-written hostile article whose quote, speaker, title, source and URL carry HTML
and script, which must come out as text. The API must answer exactly what the CLI's
`--format json` prints for the same parameters.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from configparser import ConfigParser
from fnmatch import fnmatch
from html import unescape
from pathlib import Path
from urllib.parse import quote as urlquote

import pytest
from hypothesis import given

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's notice that it prefers httpx2 to httpx
    from fastapi.testclient import TestClient

from click.testing import CliRunner

from quotes.cite import STYLES
from quotes.cli import main
from quotes.extract import extract_articles
from quotes.index import QuoteIndex, is_server
from quotes.model import Article, Quote
from quotes.readers import read_articles
from quotes.server import create_app
from quotes.server_params import MAX_LIMIT

try:
    from quotes.backends.sphinxql import parse_location
except ImportError:  # no pymysql: the SphinxQL tests skip
    parse_location = None

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "republished.jsonl"
SCRIPT = "<script>alert('pwned')</script>"
HOSTILE_ID = "hostile"


def hostile_article() -> tuple[Article, list[Quote]]:
    """An article whose every field tries to inject markup."""
    said = f"{SCRIPT} is <b>not</b> what we said & never was,"
    text = f"Injection test\n\n\"{said}\" Mallory <img src=x onerror=alert(1)> said.\n"
    article = Article(text=text, id=HOSTILE_ID, title=f"Title {SCRIPT}", date="2020-05-01",
                      source="<i>Evil</i> Times", url="javascript:alert(1)")
    start = text.index(said)
    quote = Quote(
        id=Quote.make_id(article.id, start, start + len(said), "direct"), article_id=article.id,
        text=said, start=start, end=start + len(said), kind="direct",
        speaker="Mallory <img src=x onerror=alert(1)>", speaker_mention="Mallory", cue="said",
        sentence=f"\"{said}\" Mallory said.", paragraph=1, confidence=0.9, title=article.title,
        date=article.date, source=article.source, url=article.url,
    )
    return article, [quote]


def served_index(path: str, nlp) -> str:
    """The served corpus, and an article of hostile text, indexed at `path`."""
    with QuoteIndex.open(path, create=True) as ix:
        ix.add(extract_articles(read_articles([str(CORPUS)]), nlp))
        ix.add([hostile_article()])
    return path


@pytest.fixture(scope="module")
def index_dir(nlp, new_index_location) -> str:
    return served_index(new_index_location("served"), nlp)


@pytest.fixture(scope="module")
def client(index_dir) -> TestClient:
    return TestClient(create_app(index_dir))


def cli_json(index_dir: str, *args: str):
    result = CliRunner().invoke(main, [*args, "--index", index_dir])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ok(client: TestClient, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.text)
    return response


def conviction_id(client: TestClient) -> str:
    return ok(client, '/api/search?q="shared conviction"').json()["hits"][0]["id"]


# --- the JSON API is the CLI's --format json ------------------------------------------------------


@pytest.mark.parametrize("query, cli_args", [
    ("q=Idlib&facet=speaker&facet=kind", ["Idlib", "--facet", "speaker", "--facet", "kind"]),
    ("speaker=putin&from=2019-01&to=2019-01&sort=-date&facet=year",
     ["--speaker", "putin", "--from", "2019-01", "--to", "2019-01", "--sort", "-date", "--facet", "year"]),
    ("kind=direct&limit=2&page=2&facet=source", ["--kind", "direct", "--limit", "2", "--page", "2", "--facet", "source"]),
])
def test_search_api_answers_what_the_cli_prints(client, index_dir, query, cli_args):
    got = ok(client, "/api/search?" + query).json()
    expected = cli_json(index_dir, "search", *cli_args, "--format", "json")
    assert got.pop("suggestions") == []
    assert got == expected
    assert got["hits"], "the comparison must compare something"


def test_search_hits_carry_matches_sources_and_first_seen(client, backend):
    body = ok(client, "/api/search?q=conviction").json()
    [hit] = body["hits"]
    assert hit["sources"] == 3 and hit["first_seen"]["source"] == "Reuters"
    assert [hit["text"][s:e].lower() for s, e in hit["matches"]] == ["conviction"]
    empty = ok(client, "/api/search?q=Idlibb").json()
    # (Sphinx 2.2 has no spelling suggester)
    assert empty["total"] == 0 and empty["suggestions"] == ([] if backend == "sphinxql" else ["idlib"])


def test_quote_api_is_show_with_every_citation_style(client, index_dir):
    quote_id = conviction_id(client)
    got = ok(client, f"/api/quotes/{quote_id}?accessed=2026-11-24").json()
    citations = got.pop("citations")
    assert got == cli_json(index_dir, "show", quote_id, "--format", "json")
    assert [c["source"] for c in got["copies"]] == ["Reuters", "The National", "Daily Sabah"]
    assert set(citations) == set(STYLES)
    for style in STYLES:
        result = CliRunner().invoke(main, ["cite", quote_id, "--style", style, "--accessed", "2026-11-24",
                                           "--index", index_dir])
        assert citations[style] == result.stdout.rstrip("\n")


def test_verify_api_is_the_verify_command(client, index_dir):
    claim = "We have a common conviction that the situation in Idlib must be solved"
    got = ok(client, f"/api/verify?claim={urlquote(claim)}&speaker=erdogan&limit=2").json()
    assert got == cli_json(index_dir, "verify", claim, "--speaker", "erdogan", "--limit", "2", "--format", "json")
    assert got["verdict"] == "close match" and got["said_by_other"] == "Vladimir Putin"


def test_speakers_api_and_suggestions(client, index_dir):
    assert ok(client, "/api/speakers").json() == cli_json(index_dir, "speakers", "--format", "json")
    assert ok(client, "/api/speakers?q=Idlib").json() == cli_json(index_dir, "speakers", "Idlib", "--format", "json")
    names = [s["speaker"] for s in ok(client, "/api/speakers?prefix=erdo").json()]
    assert names and all("rdo" in n.lower() for n in names)
    assert "Recep Tayyip Erdoğan" in names  # accents ignored
    assert [s["speaker"] for s in ok(client, "/api/speakers?prefix=vlad%20pu").json()] == ["Vladimir Putin"]
    assert len(ok(client, "/api/speakers?limit=1").json()) == 1
    assert ok(client, "/api/speakers?limit=500").json() == ok(client, "/api/speakers").json()


@pytest.mark.parametrize("url, status, message", [
    ("/api/search?q=Idlib%20AND", 400, "bad query 'Idlib AND'"),
    ("/api/search?q=foo:bar", 400, "unknown field 'foo'"),
    ("/api/search?from=yesterday", 400, "bad date 'yesterday'"),
    ("/api/search?from=2020&to=2019", 400, "is empty"),
    ("/api/search?kind=quoted", 400, "unknown kind 'quoted'"),
    ("/api/search?sort=best", 400, "unknown sort 'best'"),
    ("/api/search?facet=colour", 400, "unknown facet 'colour'"),
    ("/api/search?limit=0", 400, "'limit'"),
    (f"/api/search?limit={MAX_LIMIT + 1}", 400, f"less than or equal to {MAX_LIMIT}"),
    ("/api/search?page=two", 400, "'page'"),
    ("/api/search?page=100000", 400, "'page'"),
    ("/api/search?q=" + "a" * 1001, 400, "too long"),
    ("/api/search?speaker=%2C%2C", 400, "bad speaker"),
    ("/api/verify", 400, "'claim'"),
    ("/api/verify?claim=%3F%21", 400, "no words"),
    ("/api/verify?claim=hello&limit=500", 400, "'limit'"),
    ("/api/quotes/0000000000000000", 404, "no quote with id"),
    ("/api/quotes/x?accessed=soon", 400, "bad date 'soon'"),
    ("/api/speakers?limit=-1", 400, "'limit'"),
    ("/api/nothing", 404, "no such page"),
])
def test_bad_parameters_are_4xx_json_errors(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert message in response.json()["error"]


def test_the_api_is_read_only(client):
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)("/api/search")
        assert response.status_code == 405 and "error" in response.json()


def test_openapi_schema_documents_the_api(client):
    schema = ok(client, "/openapi.json").json()
    assert {"/api/search", "/api/quotes/{quote_id}", "/api/verify", "/api/speakers"} <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "speaker", "source", "kind", "from", "to", "sort", "limit", "page", "facet"} <= params
    assert "/" not in schema["paths"]  # pages are not API
    params = [p["name"] for p in schema["paths"]["/api/speakers"]["get"]["parameters"]]
    assert sorted(params) == sorted(["q", "speaker", "speaker_name", "source", "kind", "from", "to", "prefix", "limit"])


def test_openapi_schema_says_which_errors_the_api_answers(client):
    schema = ok(client, "/openapi.json").json()
    api = {path: op["get"] for path, op in schema["paths"].items() if path.startswith("/api/")}
    assert api
    for path, operation in api.items():
        codes = set(operation["responses"])
        assert "422" not in codes  # never sent: a bad parameter is a 400
        assert {"200", "400", "503"} <= codes, path
        assert ("404" in codes) == ("{quote_id}" in path), path
        error = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert error["properties"] == {"error": {"type": "string"}}
    assert "HTTPValidationError" not in json.dumps(schema)
    params = {p["name"]: p["schema"] for p in api["/api/search"]["parameters"]}
    assert params["sort"]["enum"] == ["relevance", "date", "-date"]
    assert params["kind"]["items"]["enum"] == ["direct", "mixed", "indirect"]
    assert params["facet"]["items"]["enum"] == ["speaker", "source", "year", "kind"]
    for name, good, bad in (("from", ["2019", "2019-01", "2019-01-23"], ["yesterday", "19-01"]),
                            ("to", ["2020-12"], ["2020/12"])):
        assert all(re.fullmatch(params[name]["pattern"].strip("^$"), g) for g in good)
        assert not any(re.fullmatch(params[name]["pattern"].strip("^$"), b) for b in bad)
    accessed = {p["name"]: p["schema"] for p in api["/api/quotes/{quote_id}"]["parameters"]}["accessed"]
    assert re.fullmatch(accessed["pattern"].strip("^$"), "2026-11-24")


def test_a_wrong_method_is_405_with_allow(client):
    for url in ("/api/search", "/api/quotes/x", "/"):
        response = client.post(url)
        assert response.status_code == 405 and response.headers["allow"] == "GET", url


@pytest.fixture(scope="module")
def undated_index(nlp, tmp_path_factory) -> str:
    """An index of articles with no date, source or URL (the quick start without options)."""
    path = str(tmp_path_factory.mktemp("undated") / "ix")
    articles = [Article(text='"We will win the vote," Jane Doe said.', id="a"),
                Article(text='"The bridge opens in May," John Smith said.', id="b")]
    with QuoteIndex.open(path, create=True) as ix:
        ix.add(extract_articles(articles, nlp))
    return path


def plain_index(folder, quotes_said: list[str]) -> str:
    """An index of one article with no date, source, URL or title, quoting `quotes_said`."""
    text = " ".join(f'"{said}" Jane Doe said.' for said in quotes_said) or "Nothing was said."
    article = Article(text=text, id="plain")
    found = []
    for said in quotes_said:
        start = text.index(said)
        found.append(Quote(id=Quote.make_id("plain", start, start + len(said), "direct"), article_id="plain",
                           text=said, start=start, end=start + len(said), kind="direct", speaker="Jane Doe",
                           speaker_mention="Jane Doe", cue="said", sentence=text))
    path = str(folder / "ix")
    with QuoteIndex.open(path, create=True) as ix:
        ix.add([(article, found)])
    return path


@pytest.mark.parametrize("said", [[], ["We will win the vote,"], ["We will win the vote,", "We lost,"]])
def test_every_page_and_endpoint_answers_on_an_index_lacking_optional_fields(tmp_path, said):
    local = TestClient(create_app(plain_index(tmp_path, said)))
    urls = ["/", "/?q=vote", "/?q=vote&sort=date", "/?sort=-date", "/?from=2019", "/?source=Daily",
            "/?kind=direct", "/?speaker=jane", "/verify", "/verify?claim=we+will+win+the+vote", "/healthz",
            "/api/speakers", "/api/speakers?prefix=ja", "/api/verify?claim=we+will+win+the+vote"]
    urls += [f"/api/search?facet={facet}&sort={sort}" for facet in ("year", "source", "speaker", "kind")
             for sort in ("relevance", "date", "-date")]
    urls += ["/api/search?q=vote&facet=year&facet=source&from=2019&to=2020", "/api/search?source=x&facet=source"]
    for url in urls:
        ok(local, url)
    body = ok(local, "/api/search?facet=year&facet=source&facet=speaker&facet=kind").json()
    assert body["total"] == len(said)
    assert body["facets"]["year"] == [] and body["facets"]["source"] == []
    for hit in body["hits"]:
        ok(local, f"/quotes/{hit['id']}")
        ok(local, f"/api/quotes/{hit['id']}")
    assert ok(local, "/healthz").json()["quotes"] == len(said)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["dated", "undated"])
def test_the_api_keeps_to_its_openapi_schema(request, which, nlp, tmp_path):
    """Schemathesis generates requests from /openapi.json (valid ones and not) and checks each
    answer against it: documented status codes, content types and headers, no 5xx, bad data
    refused. (A schema-valid request may still be a 400: the query language and the calendar,
    "2019-02-30", are beyond what JSON Schema says.)"""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import positive_data_acceptance

    # (The embedded index: the backend fixture's modules are parametrised, not this test.)
    folder = served_index(str(tmp_path / "ix"), nlp) if which == "dated" else request.getfixturevalue("undated_index")
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(folder))
    for path in ("/api/search", "/api/quotes/{quote_id}", "/api/verify", "/api/speakers"):
        strategy = schema[path]["GET"].as_strategy()

        @settings(max_examples=60, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def check(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
    # facet=year among the cases, explicitly, on both indexes
    with TestClient(create_app(folder)) as local:
        body = ok(local, "/api/search?facet=year&facet=source&facet=speaker&facet=kind").json()
        assert body["total"] >= 1


# --- the pages ----------------------------------------------------------------------------------


def labelled(html: str) -> None:
    """Every visible form control has a <label for> naming it."""
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    for tag, attrs in re.findall(r"<(input|select|textarea)\b([^>]*)>", html):
        if 'type="hidden"' in attrs:
            continue
        control_id = re.search(r'id="([^"]+)"', attrs)
        assert control_id and control_id.group(1) in labels, (tag, attrs)


def test_search_page_results_highlights_and_facets(client):
    html = ok(client, "/?q=conviction").text
    assert "<mark>conviction</mark>" in html
    assert "3 sources, first seen 2019-01-10 in" in html
    assert '<a href="https://reuters.example/idlib" rel="noopener noreferrer">Reuters</a>' in html
    assert 'href="/quotes/' in html
    for style in STYLES:
        assert f'data-style="{style}"' in html
    labelled(html)
    # The facets narrow: each link is the search plus one filter.
    everything = ok(client, "/").text
    link = re.search(r'<a href="([^"]+)" data-facet="speaker">Vladimir Putin</a>', everything).group(1)
    narrowed = ok(client, unescape(link)).text
    assert "speaker: Vladimir Putin" in narrowed
    assert "Angela Merkel" not in narrowed.split('class="results"')[1].split("</section>")[0]
    year = re.search(r'<a href="([^"]+)" data-facet="year">2018</a>', everything).group(1)
    assert unescape(year) == "/?from=2018&to=2018"


def test_search_page_pages_and_sorts(client):
    first = ok(client, "/?sort=date&limit=2").text
    assert "page 1 of" in first and 'rel="next"' in first
    nxt = unescape(re.search(r'<a href="([^"]+)" rel="next"', first).group(1))
    assert nxt == "/?sort=date&limit=2&page=2"
    assert 'rel="prev"' in ok(client, nxt).text
    assert "No quotes on page 99" in ok(client, "/?limit=2&page=99").text


def test_search_page_shows_errors_and_suggestions_in_the_page(client, backend):
    response = client.get("/?q=Idlib%20AND")
    assert response.status_code == 400
    assert "bad query" in response.text and 'name="q"' in response.text  # the form is still there
    if backend != "sphinxql":  # (Sphinx 2.2 has no spelling suggester)
        assert "Did you mean: <em>idlib</em>?" in ok(client, "/?q=Idlibb").text
    assert client.get("/?kind=quoted").status_code == 400


def test_speaker_box_suggests_names_without_javascript(client):
    html = ok(client, "/").text
    assert 'list="speaker-names"' in html
    assert '<option value="Vladimir Putin">' in html


def test_quote_page_context_sources_and_citations(client):
    quote_id = conviction_id(client)
    html = ok(client, f"/quotes/{quote_id}").text
    assert "<mark>We have a shared conviction" in html
    assert "Putin told reporters in Moscow." in html
    assert "<dd>told</dd>" in html
    sources = html.split('class="copies"')[1].split("</ol>")[0]
    assert [s for s in ("Reuters", "The National", "Daily Sabah") if s in sources] == ["Reuters", "The National", "Daily Sabah"]
    assert sources.index("Reuters") < sources.index("The National") < sources.index("Daily Sabah")
    for style in STYLES:
        assert f'id="cite-{quote_id}-{style}"' in html
    labelled(html)
    missing = client.get("/quotes/0000000000000000")
    assert missing.status_code == 404 and "no quote with id" in missing.text


def test_quote_page_shows_the_whole_paragraph_from_the_stored_article(client):
    [hit] = ok(client, "/api/search?q=abandon&speaker=kilicdaroglu").json()["hits"]
    html = ok(client, f"/quotes/{hit['id']}").text
    context = html.split('class="context"')[1].split("</blockquote>")[0]
    assert "Opposition leader Kemal Kilicdaroglu was not convinced." in context  # not in the sentence
    assert "<mark>Turkey will never abandon the people of Idlib,</mark>" in context


def test_verify_page_gives_the_verdict_and_differences(client):
    assert "Verdict" not in ok(client, "/verify").text
    html = ok(client, "/verify?claim=" + urlquote("We have a common conviction that the situation in Idlib must be solved")
              + "&speaker=erdogan").text
    assert "Verdict: Close match (differences shown below)." in html
    assert "<del>shared</del>" in html and "<ins>common</ins>" in html
    assert "The closest quote was said by Vladimir Putin, not erdogan." in html
    labelled(html)
    assert "No match found" in ok(client, "/verify?claim=" + urlquote("The marathon in Paris had lovely weather")).text
    bad = client.get("/verify?claim=%3F%21")
    assert bad.status_code == 400 and "no words" in bad.text


# --- safety -------------------------------------------------------------------------------------


def test_article_text_is_escaped_everywhere(client):
    [hit] = ok(client, "/api/search?q=pwned").json()["hits"]
    assert SCRIPT in hit["text"]  # the API gives the data as it is, as JSON
    pages = [ok(client, "/?q=pwned").text, ok(client, f"/quotes/{hit['id']}").text,
             ok(client, "/verify?claim=" + urlquote("alert pwned is not what we said in the town hall")).text,
             ok(client, "/?source=evil").text]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>not</b>" not in html
        assert "<i>Evil</i>" not in html
        assert not re.search(r"(href|src)=\"?\s*javascript:", html, re.I)  # no link to javascript:
        assert "&lt;script&gt;alert(" in html
    assert "&lt;i&gt;Evil&lt;/i&gt; Times" in pages[0]


def test_security_headers(client):
    headers = ok(client, "/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_loopback_server_refuses_foreign_host_names(index_dir):
    local = TestClient(create_app(index_dir, allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1")
    assert local.get("/api/speakers").status_code == 200
    assert local.get("/api/speakers", headers={"host": "evil.example"}).status_code == 400


def test_missing_index_is_503_not_500(tmp_path):
    client = TestClient(create_app(str(tmp_path / "none")))
    response = client.get("/api/search?q=x")
    assert response.status_code == 503 and "no index at" in response.json()["error"]
    assert client.get("/").status_code == 503


def snapshot(folder: str) -> dict[str, tuple[int, int]]:
    return {name: (os.stat(os.path.join(folder, name)).st_mtime_ns, os.stat(os.path.join(folder, name)).st_size)
            for name in sorted(os.listdir(folder))}


def test_serving_never_writes_the_index(client, index_dir):
    if is_server(index_dir):  # what lives on this machine: the article store
        index_dir = parse_location(index_dir)[3]
    before = snapshot(index_dir)
    quote_id = conviction_id(client)
    for url in ("/", "/?q=Idlib&speaker=putin", f"/quotes/{quote_id}", "/verify?claim=shared+conviction",
                "/api/speakers?prefix=pu", f"/api/quotes/{quote_id}", "/api/search?q=Idlib%20AND"):
        client.get(url)
    assert snapshot(index_dir) == before


def made_up(n: int) -> tuple[Article, list[Quote]]:
    """A small article with one direct quote, no extraction needed."""
    said = f"Batch {n} of the harbour works is finished on time,"
    text = f"Harbour\n\n\"{said}\" Ann Lee said.\n"
    article = Article(text=text, id=f"harbour-{n}", date="2021-03-01", source="Port News")
    start = text.index(said)
    quote = Quote(id=Quote.make_id(article.id, start, start + len(said), "direct"), article_id=article.id,
                  text=said, start=start, end=start + len(said), kind="direct", speaker="Ann Lee",
                  sentence=f"\"{said}\" Ann Lee said.", date=article.date, source=article.source)
    return article, [quote]


def test_a_running_ingest_does_not_break_the_server(tmp_path):
    path = str(tmp_path / "live")
    with QuoteIndex.open(path, create=True) as ix:
        ix.add([made_up(0)])
    client = TestClient(create_app(path))
    stop = threading.Event()
    written = []

    def ingest() -> None:
        with QuoteIndex.open(path) as writer:
            n = 1
            while not stop.is_set() and n < 200:
                writer.add([made_up(n)])
                written.append(n)
                n += 1

    thread = threading.Thread(target=ingest)
    thread.start()
    try:
        seen = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(written) < 40:
            response = client.get("/api/search?q=harbour&limit=1")
            assert response.status_code == 200, response.text
            seen.append(response.json()["total"])
            assert client.get("/?q=harbour").status_code == 200
    finally:
        stop.set()
        thread.join()
    assert seen == sorted(seen) and seen[-1] > seen[0]  # each request sees the last commit
    assert ok(client, "/api/search?q=harbour").json()["total"] == len(written) + 1


# --- the command and the package --------------------------------------------------------------


def test_serve_refuses_a_missing_index(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no index at")


def test_serve_without_the_web_extra_says_what_to_install(index_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "fastapi", None)  # as if FastAPI were not installed
    monkeypatch.delitem(sys.modules, "quotes.server")
    result = CliRunner().invoke(main, ["serve", "--index", index_dir])
    assert result.exit_code == 1
    assert result.stderr == 'error: `quotes serve` needs the web extra (fastapi is missing): pip install "quotes[web]"\n'


def test_serve_runs_the_real_server(index_dir):
    """`quotes serve --port 0` in a subprocess: it says where it listens and answers there."""
    command = [sys.executable, "-c", "from quotes.cli import main; main()", "serve", "--port", "0",
               "--index", index_dir]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = server.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url.group() + "api/speakers?limit=1", timeout=5) as response:
                    assert json.load(response)[0]["quotes"] >= 1
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        # A second server on the same port is a one-line error.
        port = url.group().rsplit(":", 1)[1].strip("/")
        clash = CliRunner().invoke(main, ["serve", "--port", port, "--index", index_dir])
        assert clash.exit_code == 1 and clash.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_templates_and_static_files_are_package_data():
    config = ConfigParser()
    config.read(ROOT / "setup.cfg")
    patterns = config["options.package_data"]["quotes"].split()
    shipped = [p.relative_to(ROOT / "quotes").as_posix()
               for folder in ("templates", "static") for p in (ROOT / "quotes" / folder).iterdir()]
    assert shipped and all(any(fnmatch(name, pattern) for pattern in patterns) for name in shipped)
    extras = config["options.extras_require"]
    for needed in ("fastapi", "uvicorn", "Jinja2"):
        assert needed in extras["web"] and needed in extras["test"]
    assert "playwright" in extras["test"]
