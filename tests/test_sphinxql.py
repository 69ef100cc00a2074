"""The SphinxQL backend on real `searchd` daemons: query translation, `quotes server`, moving an
index between backends, and drills (a shard down reports partial results; kill -9 of a shard
during an ingest loses nothing and duplicates nothing). The search behaviour both backends share
is tested by tests/test_search.py on each of them."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import replace

import pytest
from click.testing import CliRunner

from quotes import searchd
from quotes.backends.sphinxql_query import translate
from quotes.cli import main
from quotes.errors import QuotesError
from quotes.index import QuoteIndex
from quotes.model import Article, Quote
from quotes.query import Filters

from conftest import empty_cluster

SPEAKERS = ("Anna Smith", "Bob Jones", "Carla Díaz")


def run(*args, code=0):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def articles(count: int, copies: int = 1) -> list[tuple[Article, list[Quote]]]:
    """`count` dated articles of two quotes each; the first quote of every article says the
    same words as `copies` others (a republished quote)."""
    made = []
    for n in range(count):
        article = Article(text=f"Article {n}.", id=f"art{n:05d}", date=f"2020-{n % 12 + 1:02d}-01",
                          source=("Daily", "Herald")[n % 2])
        said = [f"The harbour project number {n // copies} will go ahead", f"Weather report {n} is sunny"]
        quotes = [Quote(id=f"q{n:05d}-{k}", article_id=article.id, text=text, start=10 * k, end=10 * k + len(text),
                        kind="direct", speaker=SPEAKERS[(n // copies + k) % 3], speaker_mention=None,
                        date=article.date, source=article.source)
                  for k, text in enumerate(said)]
        made.append((article, quotes))
    return made


def records(location: str) -> list[dict]:
    """Every quote of an index as `quotes export` writes it, by id."""
    out = run("export", "--format", "jsonl", "--index", location).stdout
    return sorted((json.loads(line) for line in out.splitlines()), key=lambda r: r["id"])


@pytest.fixture
def server_url(sphinx_cluster, tmp_path) -> str:
    empty_cluster(sphinx_cluster)
    return f"{sphinx_cluster.url}?store={tmp_path / 'store'}"


@pytest.fixture
def own_cluster(tmp_path):
    """A cluster of its own, for drills that kill its daemons."""
    pytest.importorskip("pymysql", reason="pymysql is not installed: SphinxQL tests skipped")
    import shutil

    if shutil.which(searchd.SEARCHD) is None:
        pytest.skip("searchd is not installed (Debian package sphinxsearch): SphinxQL tests skipped")
    cluster = searchd.init(str(tmp_path / "cluster"), 2, port=searchd.free_ports(4))
    try:
        searchd.start(cluster)
        yield cluster
    finally:
        searchd.stop(cluster)


# --- what users type, as SphinxQL -----------------------------------------------------------------


def test_whoosh_syntax_maps_to_sphinx_extended_syntax():
    found = translate('resign* AND "not resign"~3 title:budget (cats OR dogs) NOT rain', None)
    assert found.match == ('(@text resign*) (@text "not resign"~3) (@title budget)'
                           " ((@text cats) | (@text dogs)) -(@text rain)")
    assert found.prefixes == {"resign"} and found.words == {"not", "resign", "cats", "dogs"}
    found = translate("kind:direct date:2019-03 harbour", Filters(speakers=["Carla Díaz", "bob"]))
    assert found.match == "(@text harbour) (@speaker (=carla =diaz) | (=bob))"
    assert found.where[0] == "kind = %s" and found.args[0] == "direct"
    assert translate("U.S. talks", None).match == '(@text "u s") (@text talks)'


@pytest.mark.parametrize("query, why", [
    ("resgn~", "fuzzy terms ('word~') do not exist in Sphinx 2.2"),
    ("r?sign", "only a '*' at the end of a word is a wildcard here"),
    ("cats OR kind:direct", "'kind:' can only be ANDed with the rest of the query here"),
    ("NOT cats", "cannot search for only what a query excludes"),
])
def test_what_sphinx_cannot_search_is_a_clear_error(query, why):
    with pytest.raises(QuotesError, match="bad query") as caught:
        translate(query, None)
    assert why in str(caught.value)


@pytest.mark.parametrize("query, found", [
    ("harbour AND NOT weather", 10), ("weather ANDNOT sunny", 0), ("weather ANDMAYBE harbour", 10),
    ('"harbour number"~3', 10), ("harbour kind:direct date:2020-03", 1), ("title:sale", 0), ("*", 20),
    ("id:q00004-1", 1), ("article_id:art00004 harbour", 1), ("speaker:carla AND (sunny OR harbour)", 6),
    ("weath*", 10), ("date:[2020-01 TO 2020-02] weather", 2),
])
def test_translated_queries_find_what_whoosh_finds(server_url, tmp_path, query, found):
    folder = str(tmp_path / "embedded")
    with QuoteIndex.open(folder, create=True) as embedded, QuoteIndex.open(server_url, create=True) as server:
        for ix in (embedded, server):
            ix.add(articles(10))
        assert embedded.search(query, limit=50).total == server.search(query, limit=50).total == found


def test_bad_or_unreachable_server_is_a_one_line_error(tmp_path):
    message = run("search", "x", "--index", "sphinxql://127.0.0.1/", code=1).stderr
    assert message == "error: bad index location 'sphinxql://127.0.0.1/': use sphinxql://HOST:PORT/NAME\n"
    port = searchd.free_ports(1)
    message = run("search", "x", "--index", f"sphinxql://127.0.0.1:{port}/quotes", code=1).stderr
    assert message.startswith(f"error: cannot reach the search server at 127.0.0.1:{port}:")
    assert len(message.splitlines()) == 1


# --- quotes server --------------------------------------------------------------------------------


def test_server_init_start_status_stop_by_pid(tmp_path):
    if not __import__("shutil").which(searchd.SEARCHD):
        pytest.skip("searchd is not installed (Debian package sphinxsearch)")
    folder = tmp_path / "cluster"
    port = searchd.free_ports(6)
    out = run("server", "init", folder, "--shards", "3", "--port", port).stdout
    assert f"use --index sphinxql://127.0.0.1:{port}/quotes" in out
    assert "already" not in run("server", "init", folder, "--shards", "1", code=1).stderr
    try:
        started = json.loads(run("server", "start", folder, "--format", "json").stdout)
        pids = [s["pid"] for s in started]
        assert all(s["running"] for s in started) and len(set(pids)) == 3
        assert all(searchd.is_running(pid) for pid in pids)
        status = json.loads(run("server", "status", folder, "--format", "json").stdout)
        assert [s["quotes"] for s in status] == [0, 0, 0]
        assert [s["address"] for s in status] == [f"127.0.0.1:{port + n}" for n in (0, 2, 4)]
    finally:
        stopped = json.loads(run("server", "stop", folder, "--format", "json").stdout)
    assert not any(s["running"] or s["pid"] for s in stopped)
    assert not any(searchd.is_running(pid) for pid in pids)
    assert "not answering (not running here)" in run("server", "status", folder).stdout


def test_server_init_refuses_a_used_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    message = run("server", "init", tmp_path, "--shards", "2", code=1).stderr
    assert message.startswith(f"error: {tmp_path} is not empty")
    assert (tmp_path / "notes.txt").read_text() == "mine"


# --- writing: shards, replacing, moving between backends -------------------------------------------


def test_articles_spread_over_shards_and_replacing_leaves_no_old_quotes(server_url):
    with QuoteIndex.open(server_url, create=True) as ix:
        ix.add(articles(40))
        counts = dict(ix.shard_counts())
        assert sum(counts.values()) == 80 and min(counts.values()) > 10
        article, quotes = articles(1)[0]
        ix.add([(article, quotes[:1])])  # the article edited: one quote left
        assert ix.count() == (40, 79)
        assert [q.id for q in ix.quotes_of(article.id)] == [quotes[0].id]
        ix.add(articles(40))  # a retried batch: REPLACE, no duplicates
        assert ix.count() == (40, 80)


def test_replacing_a_large_batch_removes_every_old_quote(server_url):
    many = [(article, [replace(q, id=f"{q.id}-{k}", start=q.start + k) for q in quotes for k in range(20)])
            for article, quotes in articles(60)]  # 2,400 quotes: old ones are read a page at a time
    with QuoteIndex.open(server_url, create=True) as ix:
        ix.add(many)
        assert ix.count() == (60, 2400)
        ix.add([(article, quotes[:1]) for article, quotes in many])
        assert ix.count() == (60, 60)


def test_groups_span_shards(server_url):
    with QuoteIndex.open(server_url, create=True) as ix:
        ix.add(articles(12, copies=4))
        results = ix.search('"harbour project"', limit=10)
        assert results.total == 3 and len(results.hits) == 3
        assert all(hit.group.sources == 4 for hit in results.hits)
        assert [h.group.first.date for h in results.hits] == ["2020-01-01", "2020-05-01", "2020-09-01"]
        assert len(ix.copies(results.hits[0].quote)) == 4


def test_pages_stop_at_max_matches_with_a_clear_error(server_url):
    with QuoteIndex.open(server_url, create=True) as ix:
        ix.add(articles(5))
        with pytest.raises(QuotesError, match="the search server shows the first 1,000 results only"):
            ix.search("weather", limit=50, page=21)
        assert ix.search("weather", limit=50, page=20).hits == []


def test_reindex_to_server_and_back_keeps_ids_and_groups(server_url, tmp_path):
    folder = str(tmp_path / "embedded")
    with QuoteIndex.open(folder, create=True) as ix:
        ix.add(articles(30, copies=3), extractor="x1")
    before = records(folder)
    assert len({r["group"] for r in before}) == 40  # 10 groups of 3 + 30 of their own
    out = run("reindex", "--index", folder, "--to", server_url).stdout
    assert out.startswith("Copied 30 articles, 60 quotes in ")
    assert records(server_url) == before
    with QuoteIndex.open(server_url) as ix:
        assert ix.article("art00003").text == "Article 3." and ix.versions()["extractor"] == "x1"
    back = str(tmp_path / "back")
    run("reindex", "--index", server_url, "--to", back)
    assert records(back) == before
    message = run("reindex", "--index", server_url, code=1).stderr
    assert "is on a search server: rebuild it by copying it to a new folder" in message


# --- drills ---------------------------------------------------------------------------------------


def test_a_shard_down_gives_partial_results_everywhere_and_complete_ones_after_restart(own_cluster, tmp_path):
    url = f"{own_cluster.url}?store={tmp_path / 'store'}"
    with QuoteIndex.open(url, create=True) as ix:
        ix.add(articles(20))
        everything = ix.search("weather", limit=50).total
    assert everything == 20
    down = searchd.status(own_cluster)[1]
    os.kill(down.pid, signal.SIGKILL)
    while searchd.status(own_cluster)[1].answers:
        time.sleep(0.05)
    missing = f"shard 1 (127.0.0.1:{down.shard.port}) unreachable"
    with QuoteIndex.open(url) as ix:
        results = ix.search("weather", limit=50, facets=["speaker"])
        assert results.partial == [missing] and 0 < results.total < everything
    result = run("search", "weather", "--index", url)
    assert result.stderr.splitlines()[0] == f"warning: partial results: {missing}"
    message = run("export", "--index", url, code=1).stderr
    assert message == f"error: cannot read export from every shard: {missing}\n"
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from quotes.server import create_app

    client = TestClient(create_app(url))
    assert client.get("/api/search?q=weather&facet=speaker").json()["partial"] == [missing]
    assert f"Partial results: {missing}" in client.get("/?q=weather").text
    searchd.start(own_cluster)
    with QuoteIndex.open(url) as ix:
        results = ix.search("weather", limit=50)
        assert results.partial == [] and results.total == everything


def test_optimize_then_kill_9_keeps_every_row(own_cluster, tmp_path):
    url = f"{own_cluster.url}?store={tmp_path / 'store'}"
    with QuoteIndex.open(url, create=True) as ix:
        for n in range(4):
            ix.add(articles(50)[n * 10 : n * 10 + 10])
        ix.optimize()
    for status in searchd.status(own_cluster):
        os.kill(status.pid, signal.SIGKILL)
    while any(s.answers for s in searchd.status(own_cluster)):
        time.sleep(0.05)
    searchd.start(own_cluster)
    with QuoteIndex.open(url) as ix:
        assert ix.count() == (40, 80)


@pytest.mark.slow
def test_kill_9_of_a_shard_during_ingest_then_rerun_gives_exactly_the_records(own_cluster, tmp_path):
    corpus = tmp_path / "records.jsonl"
    made = articles(3000, copies=3)
    with open(corpus, "w", encoding="utf-8") as out:
        for _, quotes in made:
            for quote in quotes:
                out.write(json.dumps(quote.to_dict()) + "\n")
    url = f"{own_cluster.url}?store={tmp_path / 'store'}"
    command = [sys.executable, "-c", "from quotes.cli import main; main()", "ingest", str(corpus), "--index", url, "--batch-size", "20"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    ingest = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    victim = searchd.status(own_cluster)[1]
    with QuoteIndex.open(url) as ix:
        while ingest.poll() is None and ix.shard_counts()[1][1] < 500:
            time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    _, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 1, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: cannot ") and f"shard 1 (127.0.0.1:{victim.shard.port}) unreachable" in last \
        or last.startswith(f"error: cannot reach shard 1 at 127.0.0.1:{victim.shard.port}"), err
    assert "Traceback" not in err
    searchd.start(own_cluster)
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert again.returncode == 0, again.stderr
    got = records(url)
    assert [r["id"] for r in got] == sorted(q.id for _, quotes in made for q in quotes)
    assert len({r["group"] for r in got}) == 1000 + 3000


def test_people_on_sphinx_the_person_filter_and_facet_count_people(server_url):
    with QuoteIndex.open(server_url, create=True) as ix:
        made = articles(2)
        made[1] = (made[1][0], [replace(made[1][1][0], speaker="Smith"), *made[1][1][1:]])  # Bob Jones's
        ix.add(made)
        [smith] = ix.people.find("Anna Smith")
        assert set(smith.names) == {"Anna Smith", "Smith"}
        assert ix.search(None, Filters(persons=(smith.id,))).total == 2
        assert dict(ix.speakers())["Anna Smith"] == 2 and "Smith" not in dict(ix.speakers())
        assert {h.quote.person_name for h in ix.search(None, Filters(speakers=("smith",))).hits} == {"Anna Smith"}
