"""Extraction on a Dask cluster (`--dask`): the same records as `--jobs 2`, in input order,
resumable, with part files, and whole after a worker is killed.

One LocalCluster of two worker processes serves the module (each worker loads spaCy once, a
few seconds); the CLI tests reach it by its scheduler's address, the `tcp://` path.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed", reason="dask[distributed] is not installed (the `cluster` extra)")

from quotes.cli import main  # noqa: E402
from quotes.cluster import Cluster  # noqa: E402
from quotes.errors import QuotesError  # noqa: E402
from quotes.extract import extract_articles  # noqa: E402
from quotes.index import QuoteIndex  # noqa: E402
from quotes.ingest import Ingest  # noqa: E402
from quotes.model import Article  # noqa: E402

TEXTS = [
    '"We will open the new bridge in May," Mayor Lina Ortiz said on Monday.\n\n'
    'She added that the work was ahead of schedule. "The city needs it," Ortiz said.',
    'Tomas Reyes, the union leader, said the strike would go on until the talks resumed.\n\n'
    '"Nobody wants this," he told reporters.',
    "The council met on Tuesday. No decision was taken.",
    'According to Ana Silva, the museum will close for a year. "It is a sad day for us," '
    "Silva said.\n\nThe museum opened in 1952.",
    '"Prices will fall next year," the finance minister, Karl Berger, said. Berger also '
    "said that wages would rise.\n\n\"We are on track,\" he added.",
    '"I never said that," said Maria Lopez, who denied the report.',
    'The coach, Pedro Alves, said his team had played "the best football of the season".',
    "Heavy rain is expected in the north on Friday, the weather service said.",
]


def _articles() -> list[Article]:
    return [Article(text, id=f"a{n}", title=f"Article {n}", date="2024-03-0" + str(n + 1), source="Test")
            for n, text in enumerate(TEXTS)]


def _records(pairs) -> list[tuple[str, list[dict]]]:
    return [(article.id, [q.to_dict() for q in found]) for article, found in pairs]


@pytest.fixture(scope="module")
def cluster():
    with Cluster.open("local:2", partition_size=2) as running:
        yield running


@pytest.fixture(scope="module")
def reference(nlp) -> list[tuple[str, list[dict]]]:
    """What `--jobs 2` gives on the fixture articles."""
    return _records(extract_articles(_articles(), nlp, jobs=2))


@pytest.fixture
def corpus(tmp_path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps({"id": a.id, "text": a.text, "title": a.title, "date": a.date,
                                        "source": a.source}) + "\n" for a in _articles()), encoding="utf-8")
    return path


def _run(*args, code=0):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stderr
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def test_same_records_as_jobs_2_in_input_order(cluster, nlp, reference):
    got = _records(extract_articles(_articles(), nlp, cluster=cluster))
    assert [article_id for article_id, _ in got] == [f"a{n}" for n in range(len(TEXTS))]
    assert got == reference
    assert sum(len(found) for _, found in got) >= 8  # the fixture has quotes to compare


def test_extract_command_on_a_running_scheduler_prints_what_jobs_2_prints(cluster, corpus, nlp):
    address = cluster.client.scheduler.address
    local = _run("extract", corpus, "--jobs", 2, "--format", "jsonl").stdout
    remote = _run("extract", corpus, "--dask", address, "--partition-size", 3, "--format", "jsonl").stdout
    assert remote == local and local.count("\n") >= 8


def test_part_files_hold_the_same_records_and_ingest_reads_them(cluster, corpus, tmp_path, reference):
    address, out = cluster.client.scheduler.address, tmp_path / "parts"
    result = _run("extract", corpus, "--dask", address, "--partition-size", 3, "--output", out)
    total = sum(len(found) for _, found in reference)
    parts = sorted(out.glob("part-*.jsonl"))
    assert result.stdout.startswith(f"Wrote {total} quotes of {len(TEXTS)} articles in {len(parts)} part files")
    assert [p.name for p in parts][0] == "part-00000.jsonl" and not list(out.glob(".*"))
    written = [json.loads(line) for p in parts for line in p.read_text(encoding="utf-8").splitlines()]
    assert written == [q for _, found in reference for q in found]
    index = tmp_path / "index"
    assert f", {total} quotes," in _run("ingest", out, "--index", index).stdout
    again = _run("extract", corpus, "--dask", address, "--output", out, code=1)
    assert again.stderr.startswith("error: ") and "part files" in again.stderr and again.stderr.count("\n") == 1


def test_ingest_resumes_without_sending_unchanged_articles(cluster, nlp, tmp_path):
    with QuoteIndex.open(str(tmp_path / "index"), create=True) as ix:
        first = Ingest(ix, nlp, cluster=cluster, batch_size=3).run(_articles())
        sent = cluster.partitions
        second = Ingest(ix, nlp, cluster=cluster, batch_size=3).run(_articles())
    assert first.articles == len(TEXTS) and first.quotes >= 8
    assert (second.articles, second.skipped) == (0, len(TEXTS))
    assert cluster.partitions == sent  # nothing went to the cluster


def test_ingest_command_with_dask_indexes_what_jobs_2_indexes(cluster, corpus, tmp_path):
    address = cluster.client.scheduler.address
    local = _run("ingest", corpus, "--jobs", 2, "--index", tmp_path / "local").stdout
    remote = _run("ingest", corpus, "--dask", address, "--index", tmp_path / "remote").stdout
    assert local.split(" in ")[0] == remote.split(" in ")[0]  # "Indexed 8 articles, N quotes, K speakers"
    again = _run("ingest", corpus, "--dask", address, "--index", tmp_path / "remote").stdout
    assert f"({len(TEXTS)} unchanged articles skipped)" in again
    quotes = local.split(", ")[1]  # "N quotes"
    rebuilt = _run("reindex", "--dask", address, "--index", tmp_path / "remote").stdout
    assert rebuilt.startswith(f"Reindexed {len(TEXTS)} articles, {quotes} in ")


def test_evaluate_with_dask_scores_what_one_process_scores(cluster, reference, tmp_path):
    gold = tmp_path / "gold.jsonl"
    texts = {a.id: a.text for a in _articles()}
    gold.write_text("".join(json.dumps({"id": article_id, "text": texts[article_id], "quotes": [
        {"start": q["start"], "end": q["end"], "kind": q["kind"], "speaker": q["speaker"]} for q in found[::2]]}) + "\n"
        for article_id, found in reference), encoding="utf-8")
    local = _run("evaluate", gold, "--jobs", 1, "--format", "json").stdout
    remote = _run("evaluate", gold, "--dask", cluster.client.scheduler.address, "--format", "json").stdout
    assert remote == local and json.loads(local)


def test_a_worker_with_another_extractor_is_refused(cluster):
    with pytest.raises(QuotesError, match="install the same quotes and model on every worker"):
        list(cluster.extract(_articles()[:1], 16, extractor="quotes 0.0.0 (rules 00000000); en_other 1.0"))


def _malloc_trim() -> str | None:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


@pytest.mark.skipif("MALLOC_TRIM_THRESHOLD_" in os.environ, reason="set in this environment, which workers inherit")
def test_local_workers_keep_the_allocator_that_a_plain_process_has(cluster):
    # Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536, which cost the extraction in the
    # workers 16x the page faults of `--jobs` and ~15% of its speed; nor may it leak into
    # the environment of this process, for what it starts later.
    assert set(cluster.client.run(_malloc_trim).values()) == {None}
    assert _malloc_trim() is None


def test_without_dask_the_option_says_how_to_install_it(corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    result = _run("extract", corpus, "--dask", "local:2", code=1)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: --dask needs") and "pip install 'dask[distributed]'" in result.stderr


def test_bad_addresses_are_one_line_errors(corpus):
    for address, words in (("local:0", "local:N"), ("nowhere", "tcp://host:8786")):
        result = _run("extract", corpus, "--dask", address, code=1)
        assert result.stderr.startswith(f"error: --dask {address}: ") and words in result.stderr


@pytest.mark.slow  # 2 s, but closing the cluster then waits for the restarted worker (~10 s)
def test_a_worker_killed_mid_run_loses_and_doubles_nothing(cluster, nlp):
    """kill -9 of a busy worker process: the scheduler runs its partitions again on the other
    worker (and the one the nanny restarts); every article comes back once, in order. (Last
    of the tests on the module's cluster: the restarted worker may still be loading spaCy.)"""
    articles = [Article(a.text, id=f"{a.id}-{copy}", date=a.date) for copy in range(3) for a in _articles()]
    reference = _records(extract_articles(articles, nlp))
    got, killed = [], None
    for article, found in extract_articles(articles, nlp, cluster=cluster):
        got.append((article.id, [q.to_dict() for q in found]))
        if killed is None:
            pids = cluster.client.run(os.getpid)
            busy = [worker for worker, keys in cluster.client.processing().items() if keys]
            assert busy, "no partition left in flight to kill a worker under"
            killed = pids[busy[0]]
            os.kill(killed, signal.SIGKILL)
    assert killed not in cluster.client.run(os.getpid).values()
    assert got == reference


@pytest.mark.slow
def test_a_lost_scheduler_is_one_line_and_the_committed_batches_stay(tmp_path):
    """A scheduler and a worker of their own (`dask scheduler`, `dask worker`), the scheduler
    killed once the ingest has committed a batch of the 48 articles."""
    info, index, corpus = tmp_path / "scheduler.json", tmp_path / "index", tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"c{copy}-{n}", "text": text}) + "\n"
                              for copy in range(6) for n, text in enumerate(TEXTS)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    started = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0",
                                 "--no-dashboard", "--scheduler-file", str(info)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        _wait_for(info.exists, "the scheduler to start")
        address = json.loads(info.read_text())["address"]
        started.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                         "--nworkers", "1", "--nthreads", "1", "--no-dashboard"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        ingest = subprocess.Popen([*QUOTES, "ingest", str(corpus), "--dask", address,
                                   "--partition-size", "1", "--batch-size", "2", "--index", str(index)],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(ingest)
        _wait_for(lambda: any(index.glob("*.toc")) and _indexed(index) >= 2, "a first committed batch")
        started[0].kill()
        out, err = ingest.communicate(timeout=120)
    finally:
        for process in reversed(started):
            process.kill()
            process.wait()
    assert ingest.returncode == 1, (out, err)
    assert err.startswith(f"error: lost the Dask scheduler at {address}") and err.count("\n") == 1, err
    assert _indexed(index) >= 2


# The `quotes` command as its console script runs it. (Not `python -m quotes.cli`: Dask's
# worker processes import the main module again, and quotes/cli.py as a main module imports
# cli_search, whose import of cli_server imports cli_search again, half made.)
QUOTES = [sys.executable, "-c", "import sys; from quotes.cli import main; sys.exit(main())"]


def _indexed(index: Path) -> int:
    """Articles with quotes in the index (0 before its first commit)."""
    try:
        with QuoteIndex.open(str(index)) as ix:
            return ix.count()[0]
    except QuotesError:
        return 0


def _wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.mark.slow
def test_ctrl_c_stops_the_run_and_its_local_cluster(tmp_path):
    """SIGINT to the terminal's process group (what Ctrl-C sends, workers included) once a
    batch is committed: the usual `interrupted` line, exit 130, and no process left."""
    index, corpus = tmp_path / "index", tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"c{copy}-{n}", "text": text}) + "\n"
                              for copy in range(6) for n, text in enumerate(TEXTS)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    ingest = subprocess.Popen([*QUOTES, "ingest", str(corpus), "--dask", "local:2",
                               "--partition-size", "1", "--batch-size", "2", "--index", str(index)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        _wait_for(lambda: _indexed(index) >= 2, "a first committed batch")
        os.killpg(ingest.pid, signal.SIGINT)
        out, err = ingest.communicate(timeout=60)
    finally:
        if ingest.poll() is None:
            os.killpg(ingest.pid, signal.SIGKILL)
    assert ingest.returncode == 130, (out, err)
    assert err.startswith("interrupted: ") and err.endswith("indexed\n") and err.count("\n") == 1, err
    _wait_for(lambda: not _group_alive(ingest.pid), "the workers to stop", timeout=20)
    assert _indexed(index) >= 2


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
