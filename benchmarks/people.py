"""Ingest throughput with and without the people stage, side by side (batch by batch, on the
same batches of bench.py's generated quotes, the two indexes taking turns to go first), then
people and person page latency, warm:

    python benchmarks/people.py 100000 128 --at 30000    # quotes, articles per commit
    python benchmarks/people.py --index DIR/ix-1000000    # latency only, on an index bench.py --keep built

At each size (--at, and the last) it prints the cost of the people stage: the time `add` took
with it against without, over all batches so far and over the last tenth before that size
(the throughput at that size), and the time spent in the stage itself (`PeopleStore.assign`
and `indexed`, and `relink`), timed inside the same run.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import quotes.backends.base as base  # noqa: E402
from quotes.extract import extract_articles, load_nlp  # noqa: E402
from quotes.index import QuoteIndex  # noqa: E402
from quotes.people_store import PeopleStore  # noqa: E402
from quotes.person_view import person_page  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("quotes", type=int, nargs="?", default=100000)
parser.add_argument("batch", type=int, nargs="?", default=512)
parser.add_argument("--at", type=int, action="append", default=[], help="also report at this many quotes")
parser.add_argument("--index", help="only time the people pages, warm, on this existing index")
args = parser.parse_args()
n = args.quotes
sizes = sorted({*args.at, n})


def latency(path: str) -> None:
    """Warm latency (median and max of 7, and CPU) of what users open: the people list, a name
    query, a person page through the library and through the web server (HTML and JSON), for
    the most quoted and the median person."""
    from fastapi.testclient import TestClient

    from quotes.server import create_app

    st = PeopleStore(path)
    everyone = st.people()
    ix = QuoteIndex.open(path)
    web = TestClient(create_app(path))
    top, median = everyone[0], everyone[len(everyone) // 2]
    surname = top.name.split()[-1]

    def get(url: str) -> None:
        response = web.get(url)
        assert response.status_code == 200, (url, response.status_code)

    print(f"{ix.count()[1]:,} quotes, {len(everyone):,} people; most quoted {top.quotes:,}, median {median.quotes:,}")
    for label, call in (("quotes people (all %d)" % len(everyone), lambda: st.people()),
                        ("/api/people (the first 100)", lambda: get("/api/people?limit=100")),
                        ("quotes people QUERY", lambda: st.people(surname)),
                        ("person page, most quoted, library", lambda: person_page(ix, top.id)),
                        ("/people/ID, most quoted (HTML)", lambda: get(f"/people/{top.id}")),
                        ("/people/ID?page=50, most quoted (HTML)", lambda: get(f"/people/{top.id}?page=50")),
                        ("/people/ID?q=WORD, most quoted (HTML)", lambda: get(f"/people/{top.id}?q=government")),
                        ("/api/people/ID, most quoted", lambda: get(f"/api/people/{top.id}")),
                        ("person page, median person, library", lambda: person_page(ix, median.id)),
                        ("/people/ID, median person (HTML)", lambda: get(f"/people/{median.id}"))):
        call()
        ts, cpu = [], []
        for _ in range(7):
            t, c = time.perf_counter(), time.process_time()
            call()
            ts.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(f"  {label}: median {sorted(ts)[3] * 1000:.0f} ms, max {max(ts) * 1000:.0f} ms"
              f" (CPU median {sorted(cpu)[3] * 1000:.0f} ms)", flush=True)
    ix.close()


if args.index:
    latency(args.index)
    sys.exit()

stage = [0.0]  # seconds inside the people stage


def timed(call):
    def run(*a, **k):
        t = time.perf_counter()
        try:
            return call(*a, **k)
        finally:
            stage[0] += time.perf_counter() - t
    return run


PeopleStore.assign = timed(PeopleStore.assign)
PeopleStore.indexed = timed(PeopleStore.indexed)
base.relink = timed(base.relink)

articles = bench.corpus(20)
found = [q for _, qs in extract_articles(articles, load_nlp()) for q in qs]
synth = bench.Synthesizer(found, bench.vocabulary())
where = tempfile.mkdtemp(prefix="people-bench-")
spent = {False: 0.0, True: 0.0}
added = 0
# Per batch: (quotes after it, its quotes, seconds without, seconds with, seconds inside the stage).
log: list[tuple[int, int, float, float, float]] = []


def report(size: int) -> None:
    upto = [r for r in log if r[0] <= size]
    tail = [r for r in upto if r[0] > 0.9 * size]
    for label, rows in (("all batches", upto), ("last tenth", tail)):
        q, plain, people, inside = (sum(r[i] for r in rows) for i in (1, 2, 3, 4))
        print(f"| {size:,} | {label} | {q:,} | {q / plain:.0f} | {q / people:.0f} | {people / plain - 1:+.1%}"
              f" | {inside:.1f} s = {inside / plain:.1%} |", flush=True)


print("| quotes | batches | quotes in them | quotes/s without people | with | cost | inside the stage |")
print("|---|---|---|---|---|---|---|")
with QuoteIndex.open(os.path.join(where, "plain"), create=True) as a, \
        QuoteIndex.open(os.path.join(where, "people"), create=True) as b:
    for number, pairs in enumerate(synth.batches(n, args.batch)):
        took = {}
        inside = 0.0
        for ix, people in ((a, False), (b, True)) if number % 2 == 0 else ((b, True), (a, False)):
            before = stage[0]
            t = time.perf_counter()
            got = ix.add(pairs, people=people)[1]
            took[people] = time.perf_counter() - t
            inside += (stage[0] - before) if people else 0.0
        added += got
        log.append((added, got, took[False], took[True], inside))
        for size in sizes:
            if log[-1][0] >= size > (log[-2][0] if len(log) > 1 else 0):
                report(added)
latency(os.path.join(where, "people"))
shutil.rmtree(where)
