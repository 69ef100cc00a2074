"""Extraction on a Dask cluster: the same records as `extract_articles` on one machine, from
worker processes on many.

    >>> with Cluster.open("local:2") as cluster:                     # doctest: +SKIP
    ...     for article, found in extract_articles(read_articles(["crawl/"]), cluster=cluster):
    ...         print(article.id, len(found))

The client reads articles lazily and sends them in partitions (`partition_size` articles),
at most two per worker thread in flight, so memory stays bounded whatever the crawl; results
come back in input order. Each worker loads the spaCy pipeline once: `WorkerPipeline` loads it
when the worker joins (a worker restarted after a crash too), into the per-process cache of
`load_nlp` that the tasks read. The plugin and the tasks are in quotes/cluster_worker.py,
an importable module, because Dask workers import the client's functions by name.

A worker that dies mid-partition has that partition run again elsewhere by the scheduler; the
client takes exactly one result per partition, so nothing is lost or doubled. Each partition
also reports the extractor version of the worker that ran it: a worker with other rules or
another model would give other records, and is refused.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import uuid
from collections import deque
from contextlib import contextmanager
from concurrent.futures import CancelledError
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .errors import QuotesError
from .extract import model_name
from .model import Article, Quote

DEFAULT_PARTITION = 32
INSTALL = "--dask needs Dask's distributed scheduler: pip install 'dask[distributed]' (the extra quotes[cluster])"
PART_GLOB = "part-*.jsonl"  # see cluster_worker.write_partition
# How long a `tcp://` scheduler may go without any worker before the run gives up.
WORKER_WAIT = 60.0

Pair = tuple[Article, list[Quote]]
# The workers of a LocalCluster without Dask's statistical profiler (a thread taking the GIL
# every 10 ms from the thread running spaCy) and with fewer wake-ups of their event loop
# (tick, memory and system monitors): on a busy machine each wake-up waits for a core while
# the extraction waits for the GIL. And without the MALLOC_TRIM_THRESHOLD_=65536 that Dask's
# nannies put in their workers' environment: setting it turns off glibc's adaptive mmap
# threshold, so every array spaCy makes over 128 KB is mapped afresh and faulted in page by
# page (16 times the page faults of a plain process, about 15% more CPU for the same articles).
QUIET_WORKERS = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


def _distributed() -> Any:
    """The `distributed` package, or a one-line QuotesError saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise QuotesError(INSTALL) from None
    return distributed


def parse_address(address: str) -> tuple[str, int | None]:
    """("local", workers) for `local` / `local:N`, else (scheduler address, None)."""
    if address == "local":
        return "local", os.cpu_count() or 1
    if address.startswith("local:"):
        count = address[len("local:"):]
        if not count.isdigit() or int(count) < 1:
            raise QuotesError(f"--dask {address}: expected local:N with N a number of workers, 1 or more")
        return "local", int(count)
    if "://" not in address and ":" not in address:
        raise QuotesError(f"--dask {address}: expected local, local:N or a scheduler address like tcp://host:8786")
    return address, None


class Cluster:
    """A connection to a Dask scheduler for extraction, with the LocalCluster it started, if
    any. Use it as a context manager: leaving it (Ctrl-C included) stops what it started."""

    def __init__(self, client: Any, local: Any = None, *, address: str, model: str,
                 partition_size: int = DEFAULT_PARTITION) -> None:
        self.client, self.local, self.address, self.model = client, local, address, model
        self.partition_size = partition_size
        self.partitions = 0  # sent so far: what a resumed ingest did not need to send

    @classmethod
    def open(cls, address: str, model: str | None = None, partition_size: int = DEFAULT_PARTITION) -> "Cluster":
        """Start a LocalCluster (`local`, `local:N`: N worker processes of one thread) or
        connect to a running scheduler (`tcp://host:8786`), and have every worker load the
        pipeline `model` (see `load_nlp`)."""
        if partition_size < 1:
            raise QuotesError(f"the partition size must be 1 or more, not {partition_size}")
        where, workers = parse_address(address)
        distributed = _distributed()
        import dask

        from .cluster_worker import WorkerPipeline

        # Dask's own log lines (a worker restarted, a reconnection tried) are not for the
        # user of a command: what matters comes out as a QuotesError.
        _silence("distributed")
        local = client = None
        try:
            if where == "local":
                # One thread per process: spaCy holds the GIL, threads would share one core.
                with _interrupts_ignored(), dask.config.set(QUIET_WORKERS):  # (taken by the nannies)
                    local = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                     dashboard_address=":0", silence_logs=logging.CRITICAL)
                client = distributed.Client(local)
            else:
                client = distributed.Client(where, timeout=10)
                try:
                    client.wait_for_workers(1, timeout=WORKER_WAIT)
                except TimeoutError:
                    raise QuotesError(f"--dask {address}: no worker joined this scheduler in {WORKER_WAIT:g} seconds"
                                      " (start some with `dask worker ADDRESS`)") from None
            cluster = cls(client, local, address=address, model=model_name(model), partition_size=partition_size)
            try:
                client.register_plugin(WorkerPipeline(cluster.model, ignore_interrupts=local is not None),
                                       name=f"quotes-pipeline-{cluster.model}")
            except QuotesError as exc:  # raised by a worker
                raise QuotesError(f"on a Dask worker: {exc}") from None
            return cluster
        except BaseException as exc:
            _close(client, local)
            if isinstance(exc, (QuotesError, KeyboardInterrupt)):
                raise
            raise QuotesError(f"--dask {address}: {_reason(exc)}") from None

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect, and stop the LocalCluster if this started one."""
        _close(self.client, self.local)

    def workers(self) -> int:
        """Worker threads now in the cluster."""
        with self._connection():
            return sum(self.client.nthreads().values())

    def extract(self, articles: Iterable[Article], batch_size: int, extractor: str) -> Iterator[Pair]:
        """Each article with its quotes, in input order, as `extract_articles` gives them."""
        from .cluster_worker import extract_partition

        for part, (version, found) in self._run(articles, extract_partition, batch_size):
            self._check(version, extractor)
            yield from zip(part, found)

    def write_parts(self, articles: Iterable[Article], folder: str, extractor: str,
                    batch_size: int = 16) -> tuple[int, int, int]:
        """Have the workers write the quotes of each partition to `folder/part-NNNNN.jsonl`
        (the records of `quotes extract --format jsonl`, which `quotes ingest folder` reads
        back); `folder` must be reachable by every worker. (articles, quotes, part files)."""
        out = parts_folder(folder)
        from .cluster_worker import write_partition

        done = quotes = parts = 0
        for part, (version, count) in self._run(articles, write_partition, batch_size, str(out)):
            self._check(version, extractor)
            done, quotes, parts = done + len(part), quotes + count, parts + (count > 0)
        return done, quotes, parts

    def _run(self, articles: Iterable[Article], task: Callable, *args: Any) -> Iterator[tuple[list[Article], Any]]:
        """(partition, result of `task(partition, model, *args, number=n)`) in input order,
        with at most two partitions per worker thread in flight."""
        run, pending = uuid.uuid4().hex[:8], deque()
        iterator = iter(articles)
        try:
            while part := list(islice(iterator, self.partition_size)):
                key = f"quotes-{task.__name__}-{run}-{self.partitions:06d}"
                with self._connection():
                    future = self.client.submit(task, part, self.model, *args, number=self.partitions,
                                                key=key, pure=False)
                pending.append((part, future))
                self.partitions += 1
                while len(pending) >= max(2, 2 * self.workers()):
                    part, future = pending.popleft()
                    yield part, self._result(future)
            while pending:
                part, future = pending.popleft()
                yield part, self._result(future)
        finally:
            for _, future in pending:  # interrupted, or a fault: nothing left running for us
                _quietly(future.cancel)

    def _result(self, future: Any) -> Any:
        """The result of a partition's task; an exception the task raised is raised as it is."""
        distributed = _distributed()
        try:
            return future.result()
        except distributed.KilledWorker as exc:
            raise QuotesError(f"a partition killed every Dask worker it was sent to ({exc})") from None
        except _lost_connection() as exc:
            if future.status == "error":  # the task's own OSError, say
                raise
            raise self._lost(exc) from None

    @contextmanager
    def _connection(self) -> Iterator[None]:
        try:
            yield
        except _lost_connection() as exc:
            raise self._lost(exc) from None

    def _lost(self, exc: BaseException) -> QuotesError:
        """One line for a lost scheduler: what was done before it is kept (an ingest's
        committed batches), and running again resumes."""
        return QuotesError(f"lost the Dask scheduler at {self.address} ({_reason(exc)})")

    def _check(self, version: str, extractor: str) -> None:
        if version != extractor:
            raise QuotesError(f"a Dask worker runs {version}, this machine {extractor}: install the same"
                              " quotes and model on every worker")


# --------------------------------------------------------------------------- helpers


def parts_folder(folder: str) -> Path:
    """`folder`, made if need be, for the part files of one run: one holding those of an
    earlier run is refused (checked before a cluster is started for nothing)."""
    out = Path(folder)
    if out.exists() and (not out.is_dir() or any(out.glob(PART_GLOB))):
        raise QuotesError(f"{folder} is not a folder without part files: the part files of two runs would mix")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuotesError(f"{folder}: cannot make this folder ({exc.strerror})") from None
    return out.resolve()


def _close(*parts: Any) -> None:
    """Close a client and its LocalCluster, if any. Stopped mid-way (Ctrl-C), the scheduler
    may leave futures of messages to workers unread: asyncio would print their tracebacks
    when they are collected, after the run's own message."""
    _silence("asyncio")
    for part in parts:
        if part is not None:
            _quietly(part.close)


def _quietly(close: Callable[[], Any]) -> None:
    """Close a Dask object; one already gone (the scheduler lost) has nothing left to close."""
    try:
        close()
    except Exception:  # noqa: BLE001  (closing after a fault: its error was reported already)
        pass


@contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """SIGINT ignored here meanwhile, and so in the processes started meanwhile (an ignored
    signal stays ignored across exec, and Python keeps it so)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _silence(package: str) -> None:
    """Only critical log lines from `package`: Dask's configuration gives some of its loggers
    levels of their own (distributed.client: warning), so each is set."""
    for name in [package, *(n for n in logging.root.manager.loggerDict if n.startswith(package + "."))]:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _lost_connection() -> tuple[type[BaseException], ...]:
    """What the client raises when the scheduler is gone (cancelled: it gave up on it)."""
    return (CancelledError, OSError, TimeoutError, _distributed().comm.CommClosedError)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
