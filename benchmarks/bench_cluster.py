"""What extraction on Dask costs against the process pool, run by hand (not by CI):

    python benchmarks/bench_cluster.py --articles 1000 --workers 2

On the same articles (bench.py's corpus), in one run and alternating (`--rounds`), so that a
busy machine slows both alike:

1. `extract_articles(..., jobs=N)` (the forked pool of `--jobs N`) and the same through a
   `Cluster` of N LocalCluster workers (`--dask local:N`): articles/s, the ratio dask/jobs
   (target: 0.85x or better) and a check that the records are identical. The cluster's
   start-up (worker processes spawned, each loading spaCy) is timed apart: it is paid once a
   run, not per article.
2. What a bigger cluster would do, from the measured figures: each worker's own rate (its
   compute time per article, from Dask's task stream), the scheduler's overhead per task (many
   empty tasks through the same cluster), and the client's own work per article (pickling a
   partition out and its records back; reading the files and indexing come on top, see
   README.md): articles/hour for 10 and 50 workers is the least of W x the worker rate, the
   partitions the scheduler can hand out, and the articles the client can feed.
"""
from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import corpus  # noqa: E402
from distributed import get_task_stream  # noqa: E402

from quotes.cluster import DEFAULT_PARTITION, Cluster  # noqa: E402
from quotes.extract import extract_articles, load_nlp  # noqa: E402


def _noop(n: int) -> int:
    return n


def records(pairs) -> list:
    return [(a.id, [q.to_dict() for q in found]) for a, found in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="--jobs N against --dask local:N")
    parser.add_argument("--partition-size", type=int, default=DEFAULT_PARTITION)
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs of each; medians reported")
    parser.add_argument("--tasks", type=int, default=2000, help="empty tasks to time the scheduler")
    args = parser.parse_args()

    articles = corpus(args.articles)
    words = sum(len(a.text.split()) for a in articles)
    nlp = load_nlp()
    list(extract_articles(articles[:2], nlp))  # warm up

    started = time.perf_counter()
    cluster = Cluster.open(f"local:{args.workers}", partition_size=args.partition_size)
    startup = time.perf_counter() - started
    jobs_s, dask_s, compute = [], [], []
    load = [os.getloadavg()[0]]
    try:
        for _ in range(args.rounds):
            t = time.perf_counter()
            local = records(extract_articles(articles, nlp, jobs=args.workers))
            jobs_s.append(time.perf_counter() - t)

            t = time.perf_counter()
            with get_task_stream(cluster.client) as stream:
                pairs = list(extract_articles(articles, nlp, cluster=cluster))
            dask_s.append(time.perf_counter() - t)
            remote = records(pairs)
            compute.append(sum(s["stop"] - s["start"] for task in stream.data for s in task["startstops"]
                               if s["action"] == "compute"))
            if remote != local:
                raise SystemExit("the Dask records differ from those of the process pool")

        t = time.perf_counter()
        cluster.client.gather(cluster.client.map(_noop, range(args.tasks), pure=False))
        per_task = (time.perf_counter() - t) / args.tasks
        load.append(os.getloadavg()[0])
    finally:
        cluster.close()
    passes = []
    for _ in range(5):  # the fastest pass: a busy machine only adds to a pass
        t = time.perf_counter()
        for start in range(0, len(pairs), args.partition_size):
            part = pairs[start:start + args.partition_size]
            pickle.dumps([a for a, _ in part]), pickle.loads(pickle.dumps([q for _, q in part]))
        passes.append(time.perf_counter() - t)
    client_rate = len(pairs) / min(passes)  # articles/s the client can send and take back

    n, jobs_t, dask_t = len(articles), statistics.median(jobs_s), statistics.median(dask_s)
    worker_rate = n / statistics.median(compute)  # articles/s of one worker process
    scheduler_rate = args.partition_size / per_task
    found = sum(len(q) for _, q in local)
    rows = [
        ("corpus", f"{n} articles, {words:,} words, {found:,} quotes; partitions of {args.partition_size};"
                   f" {args.rounds} round(s), medians; load average {load[0]:.1f} -> {load[-1]:.1f}"),
        (f"--jobs {args.workers}", f"{n / jobs_t:.2f} articles/s ({jobs_t:.1f} s)"),
        (f"--dask local:{args.workers}", f"{n / dask_t:.2f} articles/s ({dask_t:.1f} s): **{jobs_t / dask_t:.2f}x**"
                                         " the pool; records identical"),
        (f"start-up of local:{args.workers}", f"{startup:.1f} s (workers spawned, spaCy loaded in each)"),
        ("one worker", f"{worker_rate:.2f} articles/s of compute ({n / worker_rate / dask_t / args.workers:.0%}"
                       " of its wall time busy)"),
        ("scheduler", f"{per_task * 1000:.2f} ms per task ({args.tasks} empty tasks):"
                      f" {scheduler_rate:,.0f} articles/s in partitions of {args.partition_size}"),
        ("client", f"{1000 / client_rate:.3f} ms per article to pickle it out and its records back:"
                   f" {client_rate:,.0f} articles/s"),
    ]
    for workers in (10, 50):
        rate = min(workers * worker_rate, scheduler_rate, client_rate)
        bound = {workers * worker_rate: "the workers", scheduler_rate: "the scheduler", client_rate: "the client"}[rate]
        rows.append((f"projection, {workers} workers", f"{rate * 3600:,.0f} articles/hour (bound by {bound})"))
    print(f"| measure ({os.cpu_count()} cores) | result |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":  # Dask's workers import this module again
    main()
