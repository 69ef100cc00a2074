"""Shared fixtures: the spaCy pipeline (loaded once per session) and the sample article."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "000_dde437028c99873a.txt"


@pytest.fixture(scope="session")
def nlp():
    """The default pipeline with the quotes component. `load_nlp` is cached per process, so
    CLI commands invoked in-process (CliRunner) reuse this very object."""
    from quotes.extract import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def parsed(nlp):
    """parsed(text): the Doc before the quotes component runs, for a test to make the NER or
    the parser err as they do on some real text (`doc.ents = ...`) before `speakers_in`."""
    def parse(text: str):
        with nlp.select_pipes(disable=["quotes"]):
            return nlp(text)
    return parse


@pytest.fixture(scope="session")
def relabel():
    """relabel(doc, i, length, label): the NER's entities, with tokens i .. i+length-1 one
    entity of `label` (whatever overlapped them dropped), as the small NER errs on some text."""
    from spacy.tokens import Span

    def run(doc, i: int, length: int, label: str) -> None:
        doc.ents = [e for e in doc.ents if e.end <= i or e.start >= i + length] + [Span(doc, i, i + length, label=label)]
    return run


@pytest.fixture(scope="session")
def speakers_in(nlp):
    """speakers_in(doc, width=12, kind=None): the quotes component run on a `parsed` Doc, as
    {first `width` characters of each quote (of `kind`, if given): speaker}."""
    def run(doc, width: int = 12, kind: str | None = None) -> dict[str, str]:
        found = nlp.get_pipe("quotes")(doc)._.quotes
        return {q.text[:width]: q.speaker for q in found if kind in (None, q.kind)}
    return run


@pytest.fixture
def sample_path() -> str:
    """The user's sample article (The National, 2019-01-23)."""
    if not SAMPLE.is_file():
        pytest.skip(f"sample article missing: {SAMPLE}")
    return str(SAMPLE)


# --- index backends -------------------------------------------------------------------------------
# Behavioural tests of search run on both backends through `backend` (parametrised) and
# `new_index_location`; the SphinxQL one is a 2-shard cluster of real `searchd` daemons on free
# loopback ports, started once per session and stopped by PID.

BACKENDS = ("whoosh", "sphinxql")


@pytest.fixture(scope="session")
def sphinx_cluster(tmp_path_factory):
    """A running 2-shard cluster (quotes.searchd), or a skip saying why there cannot be one."""
    import shutil

    from quotes import searchd

    if shutil.which(searchd.SEARCHD) is None:
        pytest.skip("searchd is not installed (Debian package sphinxsearch): SphinxQL tests skipped")
    pytest.importorskip("pymysql", reason="pymysql is not installed: SphinxQL tests skipped")
    cluster = searchd.init(str(tmp_path_factory.mktemp("sphinx") / "cluster"), 2, port=searchd.free_ports(4))
    try:
        searchd.start(cluster)
        yield cluster
    finally:
        searchd.stop(cluster)


@pytest.fixture(params=BACKENDS, scope="module")
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def new_index_location(backend, request, tmp_path_factory):
    """A function giving the location of a new, empty index on the module's backend: a folder,
    or the test cluster emptied, with a new article store."""

    def make(name: str = "ix") -> str:
        folder = tmp_path_factory.mktemp(name)
        if backend == "whoosh":
            return str(folder / "ix")
        cluster = request.getfixturevalue("sphinx_cluster")
        empty_cluster(cluster)
        return f"{cluster.url}?store={folder / 'store'}"

    return make


def empty_cluster(cluster) -> None:
    """Remove every quote from the cluster's shards."""
    import pymysql

    for shard in cluster.shards:
        with pymysql.connect(host=shard.host, port=shard.port, autocommit=True) as conn:
            with conn.cursor() as cursor:
                cursor.execute(f"TRUNCATE RTINDEX {shard.index}")
