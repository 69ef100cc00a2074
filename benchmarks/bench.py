"""Throughput of the whole path, run by hand (not by CI):

    python benchmarks/bench.py --articles 1000 --jobs 2

It builds a corpus of realistic articles from the sample article in data/ (other speakers,
dates and paragraph orders in each copy), then measures extraction (articles/s, words/s),
indexing (quotes/s), search latency (p50/p95 over keyword, phrase and speaker queries, warm),
the index's size on disk and the peak memory of this process and its workers.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from quotes.extract import extract_articles, load_nlp
from quotes.index import QuoteIndex
from quotes.model import Article

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "000_dde437028c99873a.txt"
FIRST = "Anna Boris Carlos Dana Emil Fatima Goran Hana Ivan Julia Kemal Lena Marco Nadia Omar Petra".split()
LAST = "Akin Berg Costa Duval Eriksen Farah Gomez Haddad Ivanova Jensen Kaya Lopez Moreau Novak Okafor".split()


def corpus(n: int, seed: int = 0) -> list[Article]:
    """n articles: the sample with its two leaders replaced by other people, its paragraphs
    partly reordered, and a date of its own."""
    rng = random.Random(seed)
    text = SAMPLE.read_text(encoding="utf-8")
    articles = []
    for i in range(n):
        a, b = rng.sample([f"{f} {l}" for f in FIRST for l in LAST], 2)
        body = (text.replace("Vladimir Putin", a).replace("Putin", a.split()[1])
                .replace("Recep Tayyip Erdogan", b).replace("Tayyip Erdogan", b).replace("Erdogan", b.split()[1]))
        paras = body.split("\n\n")
        head, rest = paras[:4], paras[4:]
        rng.shuffle(rest)
        articles.append(Article(
            "\n\n".join(head + rest), id=f"bench-{i}", title=head[0],
            date=f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            source=rng.choice(["The National", "Daily Wire", "Agency"]),
        ))
    return articles


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch", type=int, default=64, help="articles per index commit")
    args = parser.parse_args()

    articles = corpus(args.articles)
    words = sum(len(a.text.split()) for a in articles)
    nlp = load_nlp()
    list(extract_articles(articles[:2], nlp))  # warm up

    started = time.perf_counter()
    extracted = list(extract_articles(articles, nlp, jobs=args.jobs))
    extract_s = time.perf_counter() - started
    quotes = sum(len(found) for _, found in extracted)

    where = tempfile.mkdtemp(prefix="quotes-bench-")
    try:
        started = time.perf_counter()
        with QuoteIndex.open(os.path.join(where, "ix"), create=True) as ix:
            for i in range(0, len(extracted), args.batch):
                ix.add(extracted[i : i + args.batch])
        index_s = time.perf_counter() - started
        size = sum(f.stat().st_size for f in Path(where).rglob("*") if f.is_file())

        queries = [("keyword", "Idlib", ()), ("keyword", "security", ()), ("phrase", '"near future"', ()),
                   ("speaker", None, ("novak",)), ("keyword+speaker", "Syria", ("costa",))]
        timings: dict[str, list[float]] = {}
        with QuoteIndex.open(os.path.join(where, "ix")) as ix:
            for _ in range(3):  # warm
                for _, q, s in queries:
                    ix.search(q, speakers=s, limit=20)
            for _ in range(20):
                for kind, q, s in queries:
                    t = time.perf_counter()
                    ix.search(q, speakers=s, limit=20)
                    timings.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    finally:
        shutil.rmtree(where, ignore_errors=True)

    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(f"| corpus | {len(articles)} articles, {words} words ({words // len(articles)} per article), {quotes} quotes |")
    print("|---|---|")
    print(f"| extraction, --jobs {args.jobs} | {len(articles) / extract_s:.1f} articles/s, {words / extract_s:,.0f} words/s |")
    print(f"| indexing | {quotes / index_s:,.0f} quotes/s ({index_s:.1f} s, commits of {args.batch} articles) |")
    for kind, samples in timings.items():
        p50, p95 = percentiles(samples)
        print(f"| search, {kind} | p50 {p50:.1f} ms, p95 {p95:.1f} ms |")
    print(f"| index size | {size / 1e6:.1f} MB |")
    print(f"| peak RSS (largest process) | {rss:.0f} MB |")
    print(f"| machine | {os.cpu_count()} cores, Python {sys.version.split()[0]} |")


if __name__ == "__main__":
    main()
