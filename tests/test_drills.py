"""Reliability drills (slow; `.ci/run` runs them with `pytest -m slow`): `quotes ingest` killed
at random moments, interrupted with Ctrl-C, run twice at once, and searched while it writes.

After every kill the index must open, hold each article with all of its quotes or none, answer
searches, and a second ingest must end with exactly what an uninterrupted run gives.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pytest

from quotes.index import QuoteIndex

pytestmark = pytest.mark.slow

FIRST = "Anna Boris Carla Dmitri Elena Farid Greta Hugo Ines Jonas".split()
LAST = "Adler Brandt Castro Dumas Ekberg Fischer Garcia Horvat Ivers Jansen".split()
KILLS = 10
ARTICLES = 600


def write_corpus(path: Path, n: int, offset: int = 0) -> Path:
    rng = random.Random(n + offset)
    with path.open("w", encoding="utf-8") as out:
        for i in range(offset, offset + n):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            text = (
                f"Town {i} plans {i % 7 + 2} schools\n\n"
                f'"We will build {i % 7 + 2} new schools in town {i} before the winter," said Mayor'
                f" {first} {last} on Monday.\n\n"
                f"{last} added that the plan would cost {i % 50 + 3} million euros.\n\n"
                f'"Every child deserves a classroom," {last} said.\n'
            )
            out.write(json.dumps({"id": f"town-{i}", "text": text, "date": f"2020-{i % 12 + 1:02d}-01"}) + "\n")
    return path


def ingest(corpus: Path, index: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "quotes.cli", "ingest", str(corpus), "--index", str(index),
               "--batch-size", "8", *extra]
    # A shell without job control starts background commands with SIGINT ignored, and Python
    # then installs no KeyboardInterrupt handler: give ingest the default, as a terminal would.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def contents(path: Path) -> dict[str, set[str]]:
    """article id -> its quote ids, as the index holds them."""
    with QuoteIndex.open(str(path)) as ix:
        held: dict[str, set[str]] = {}
        for quote in ix.export():
            held.setdefault(quote.article_id, set()).add(quote.id)
        assert ix.search("schools").total >= 0  # search works
        return held


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("drill") / "towns.jsonl", ARTICLES)


@pytest.fixture(scope="module")
def baseline(corpus, tmp_path_factory) -> dict[str, set[str]]:
    path = tmp_path_factory.mktemp("baseline") / "ix"
    code, out, err = finish(ingest(corpus, path, "--jobs", "2"))
    assert code == 0, err
    held = contents(path)
    assert len(held) == ARTICLES and all(len(ids) >= 3 for ids in held.values())
    return held


def assert_whole_articles(held: dict[str, set[str]], baseline: dict[str, set[str]]) -> None:
    for article_id, ids in held.items():
        assert ids == baseline[article_id], f"{article_id} is half-written"


def test_sigkill_at_random_moments_never_half_writes(corpus, baseline, tmp_path):
    path = tmp_path / "ix"
    rng = random.Random(7)
    partial = []
    landed = 0
    for n in range(KILLS):
        # The first run builds the index; later ones re-extract everything (--force), so every
        # kill lands in extraction or in a commit of articles that are already there.
        proc = ingest(corpus, path, "--jobs", "2", *(["--force"] if n else []))
        time.sleep(rng.uniform(2.0, 7.5))  # loading takes 2-3 s, then 5 s or more of work
        landed += proc.poll() is None  # (else the run had ended: that kill proves nothing)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        if not (path / "articles.sqlite").exists():
            continue  # killed before the index was made
        held = contents(path)
        assert_whole_articles(held, baseline)
        partial.append(len(held))
        code, out, err = finish(ingest(corpus, path, "--jobs", "1"))
        assert code == 0, err
        assert contents(path) == baseline, f"kill {n}: the resumed ingest differs"
    assert len(partial) >= KILLS - 2, "too few kills landed after the index was made"
    assert landed >= KILLS - 3, f"only {landed} kills landed while ingest was running"
    print(f"{landed} of {KILLS} kills landed mid-run; articles held after each kill: {partial}")


def test_ctrl_c_stops_cleanly_and_resumes(corpus, baseline, tmp_path):
    # The drill corpus twice over (the same articles under other ids), so that the run is
    # surely still going when Ctrl-C comes.
    twice = tmp_path / "twice.jsonl"
    lines = corpus.read_text(encoding="utf-8").splitlines()
    twice.write_text("\n".join(lines + [line.replace('"town-', '"again-') for line in lines]) + "\n",
                     encoding="utf-8")
    expected = {**baseline, **{k.replace("town-", "again-"): v for k, v in baseline.items()}}
    path = tmp_path / "ix"
    proc = ingest(twice, path, "--jobs", "2")
    while not (path / "articles.sqlite").exists():  # the model is loaded, ingest has begun
        time.sleep(0.05)
    time.sleep(1.0)
    assert proc.poll() is None, "ingest ended before Ctrl-C"
    os.killpg(proc.pid, signal.SIGINT)
    code, out, err = finish(proc, timeout=60)
    assert code == 130, (out, err)
    [line] = err.splitlines()
    assert line.startswith("interrupted: ") and line.endswith(" indexed")
    held = contents(path)
    assert len(held) < len(expected)
    for article_id, ids in held.items():
        assert len(ids) == len(expected[article_id]), f"{article_id} is half-written"
    code, out, err = finish(ingest(twice, path, "--jobs", "1"))
    assert code == 0 and {a: len(ids) for a, ids in contents(path).items()} == {
        a: len(ids) for a, ids in expected.items()}


def test_two_ingests_at_once_both_land(tmp_path):
    first = write_corpus(tmp_path / "a.jsonl", 60)
    second = write_corpus(tmp_path / "b.jsonl", 60, offset=1000)
    path = tmp_path / "ix"
    QuoteIndex.open(str(path), create=True).close()
    procs = [ingest(c, path, "--jobs", "1", "--wait", "120") for c in (first, second)]
    results = [finish(p) for p in procs]
    assert [code for code, _, _ in results] == [0, 0], results
    held = contents(path)
    assert len(held) == 120
    assert {"town-0", "town-1000"} <= set(held)


def test_searches_during_an_ingest_see_committed_state_and_never_raise(corpus, baseline, tmp_path):
    path = tmp_path / "ix"
    QuoteIndex.open(str(path), create=True).close()
    proc = ingest(corpus, path, "--jobs", "1")
    seen = []
    while proc.poll() is None:
        with QuoteIndex.open(str(path)) as ix:
            results = ix.search("schools", limit=5)
            seen.append(results.total)
            for article_id, ids in contents(path).items():
                assert ids == baseline[article_id]
        time.sleep(0.3)
    assert proc.returncode == 0
    assert seen == sorted(seen) and seen[-1] > 0  # never goes back


# --- memory stays flat --------------------------------------------------------------------------

RSS_OF = """
import resource, sys
{body}
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_measured(body: str, stdin: Iterable[str] | None = None, args: Sequence[str] = ()) -> list[int]:
    """Run `body` in a fresh Python, feeding it `stdin` piece by piece; the numbers it printed,
    its peak RSS in KB last."""
    proc = subprocess.Popen([sys.executable, "-c", RSS_OF.format(body=body), *args],
                            stdin=subprocess.PIPE if stdin is not None else None,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if stdin is not None:
        try:
            for chunk in stdin:
                proc.stdin.write(chunk)
        finally:
            proc.stdin.close()
    out, err = proc.stdout.read(), proc.stderr.read()  # a few lines: no pipe fills up
    assert proc.wait(timeout=900) == 0, err
    return [int(word) for word in out.split() if word.isdigit()]


def test_reading_2_gb_of_json_lines_holds_the_readers_memory_constant():
    body = """
from quotes.readers import read_articles
n = 0
for article in read_articles(["-"]):
    n += 1
    if n == 1000:
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(n)
"""
    line = json.dumps({"text": "Lorem ipsum dolor sit amet. " * 70, "source": "Wire"})  # ~2 KB
    per_chunk = 1000
    chunks = 2 * 1024**3 // (len(line) * per_chunk)  # 2 GB in all, made as it is read

    def generated() -> Iterator[str]:
        for n in range(chunks):
            yield "".join(line.replace("Lorem", f"L{n}x{i}", 1) + "\n" for i in range(per_chunk))

    early, count, final = run_measured(body, stdin=generated())
    print(f"reader RSS after 1,000 articles {early // 1024} MB, after {count:,} {final // 1024} MB")
    assert count == chunks * per_chunk
    assert final <= early * 1.1


def ingest_peak(corpus: Path, index: Path) -> int:
    """Peak RSS (KB) of one `quotes ingest --jobs 1` (one process: spaCy and the index), in
    commits of 16 articles so that both runs go through Whoosh's segment merges.

    A scale model: merges stop at segments of 2,000 quotes here, where they stop at
    `_LARGEST_MERGE` (500,000) by default, so that a corpus of 6,000 quotes passes that bound
    as an index of millions does; below it, the largest merge, and its memory, grow with the
    index."""
    body = ("import quotes.backends.whoosh\n"
            "quotes.backends.whoosh._LARGEST_MERGE = 2000\n"
            "from quotes.cli import main\n"
            "main(sys.argv[1:], standalone_mode=False)")
    return run_measured(body, args=["ingest", str(corpus), "--index", str(index), "--jobs", "1",
                                    "--batch-size", "16"])[-1]


def test_peak_memory_of_ingest_does_not_grow_with_the_corpus(tmp_path):
    small = ingest_peak(write_corpus(tmp_path / "small.jsonl", 200), tmp_path / "a")
    large = ingest_peak(write_corpus(tmp_path / "large.jsonl", 2000), tmp_path / "b")
    print(f"peak RSS: 200 articles {small // 1024} MB, 2000 articles {large // 1024} MB")
    assert large <= 1.2 * small
