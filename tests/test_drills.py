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
        if n == 0:  # the first kill after the index is made, however long the model takes to load
            while proc.poll() is None and not (path / "articles.sqlite").exists():
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 4.0))
        else:
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


# --- export -> ingest, and reindex beside an ingest ----------------------------------------------


def quotes_cli(*args: str, timeout: float = 600) -> str:
    proc = subprocess.run([sys.executable, "-m", "quotes.cli", *args], capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# What the people stage gives each quote in the index it is ingested into (its own person ids,
# and a last name alone resolved by the articles before it): not carried by an export.
PER_INDEX = ("person", "person_name")


def exported_records(index: Path) -> list[dict]:
    records = [json.loads(line) for line in quotes_cli("export", "--index", str(index)).splitlines()]
    return sorted(({k: v for k, v in r.items() if k not in PER_INDEX} for r in records), key=lambda r: r["id"])


def test_export_then_ingest_gives_back_every_record(corpus, baseline, tmp_path):
    """600 articles over 12 dates: an export lists the articles of one date interleaved.
    Ingested into a new index, and back into the index itself, in commits of 8 articles, the
    export comes back record for record (it gave "11 articles, 41 quotes" of 60 records)."""
    a, b = tmp_path / "a", tmp_path / "b"
    code, _, err = finish(ingest(corpus, a, "--jobs", "2"))
    assert code == 0, err
    dump = tmp_path / "dump.jsonl"
    dump.write_text(quotes_cli("export", "--index", str(a)), encoding="utf-8")
    records = exported_records(a)
    assert len(records) == sum(len(ids) for ids in baseline.values())
    quotes_cli("ingest", str(dump), "--index", str(b), "--batch-size", "8")
    assert exported_records(b) == records
    quotes_cli("ingest", str(dump), "--index", str(a), "--batch-size", "8")
    assert exported_records(a) == records


def test_reindex_during_an_ingest_waits_and_loses_nothing(corpus, baseline, tmp_path):
    """A reindex started while an ingest writes (it wiped two thirds of the ingest's work, and
    the ingest died) waits for the lock, then rebuilds everything the ingest wrote."""
    path = tmp_path / "ix"
    first = tmp_path / "first.jsonl"  # an index to reindex: the corpus's first 50 articles
    first.write_text("".join(corpus.read_text(encoding="utf-8").splitlines(True)[:50]), encoding="utf-8")
    code, _, err = finish(ingest(first, path, "--jobs", "1"))
    assert code == 0, err
    proc = ingest(corpus, path, "--jobs", "1", "--wait", "600")
    time.sleep(8)  # (spaCy loaded, batches being committed)
    reindexing = subprocess.Popen([sys.executable, "-m", "quotes.cli", "reindex", "--index", str(path),
                                   "--jobs", "1", "--wait", "600"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
    code, _, err = finish(proc, timeout=900)
    assert code == 0, err
    out, err = reindexing.communicate(timeout=900)
    assert reindexing.returncode == 0, err
    assert contents(path) == baseline


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


# --- one long article ---------------------------------------------------------------------------


def long_article(path: Path, paragraphs: int, quoted: bool) -> Path:
    """About 380 characters a paragraph: 3,000 paragraphs are 1.15 MB, as a book or a
    transcript pasted whole; `quoted`, each paragraph holds several short quotes (~10 per
    paragraph, the same few words again and again)."""
    rng = random.Random(paragraphs)
    with path.open("w", encoding="utf-8") as out:
        out.write("A very long document\n\n")
        for n in range(paragraphs):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if quoted:
                said = " ".join(f'"We agree," {first} {last} said.' for _ in range(10))
                out.write(f"{said} The committee met for the {n}th time in the old hall.\n\n")
            else:
                out.write(f"The committee met for the {n}th time in the old hall on the river, and"
                          f" {first} {last} read the minutes of the last meeting aloud to the members"
                          " present, who listened without a word. The chairman then opened the"
                          " floor to questions from the public about the budget of the coming year"
                          " and the repairs to the roof, which had leaked all winter long.\n\n")
    return path


EXTRACT_PEAK = ("from quotes.cli import main\n"
                "main(sys.argv[1:], standalone_mode=False)")
LONG_ARTICLE_MB = 600


@pytest.mark.parametrize("paragraphs, quoted", [(3000, False), (1500, True)])
def test_a_long_article_is_extracted_in_memory_bounded_by_a_piece(tmp_path, paragraphs, quoted):
    """1.15 MB of prose took 2.96 GB, and an article of 30,000 quotes 5.6 GB: spaCy held all of
    its pieces at once. Indexed, the quotes of one article are grouped in near-linear time."""
    path = long_article(tmp_path / "long.txt", paragraphs, quoted)
    started = time.perf_counter()
    peak = run_measured(EXTRACT_PEAK, args=["ingest", str(path), "--index", str(tmp_path / "ix"), "--jobs", "1"])[-1]
    seconds = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    with QuoteIndex.open(str(tmp_path / "ix")) as ix:
        found = ix.count()[1]
    print(f"{size:.2f} MB article, {found} quotes: peak RSS {peak // 1024} MB, {seconds:.0f} s")
    assert peak // 1024 < LONG_ARTICLE_MB
    assert (found >= 10 * paragraphs * 0.9) if quoted else (found == 0)
