"""What runs on the Dask workers of `quotes.cluster`: the plugin that loads the pipeline and
the task functions. They live in a module of the package, not in the client's script,
because workers import functions by name (and re-import a script's main module)."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from .extract import extract_articles, extractor_version, load_nlp
from .model import Article, Quote


class WorkerPipeline(WorkerPlugin):
    """A Dask worker plugin: load the pipeline when a worker joins (off its event loop, which
    must keep answering the scheduler), so no task waits for it and a bad model name fails
    at the start of a run rather than in its first partition."""

    idempotent = True

    def __init__(self, model: str, ignore_interrupts: bool = False) -> None:
        self.model, self.ignore_interrupts = model, ignore_interrupts

    async def setup(self, worker: Any) -> None:
        if self.ignore_interrupts and threading.current_thread() is threading.main_thread():
            # A LocalCluster's worker (one the nanny restarted after a crash too) shares the
            # terminal of `quotes`: Ctrl-C is the client's, which stops the cluster.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        await asyncio.get_running_loop().run_in_executor(None, load_nlp, self.model)


# spaCy's pipeline is not meant to be shared by threads: on a worker of several threads, its
# partitions take turns (they would share one core anyway, spaCy holds the GIL).
_PIPE_LOCK = threading.Lock()


def extract_partition(articles: list[Article], model: str, batch_size: int, *, number: int) -> tuple[str, list[list[Quote]]]:
    """(extractor version, the quotes of each article): the articles stay on the client."""
    nlp = load_nlp(model)
    with _PIPE_LOCK:
        return extractor_version(nlp), [found for _, found in extract_articles(articles, nlp, batch_size)]


def write_partition(articles: list[Article], model: str, batch_size: int, folder: str, *, number: int) -> tuple[str, int]:
    """(extractor version, quotes written) for partition `number`, written whole or not at
    all: a retried partition replaces the file of the worker that died writing it. A
    partition without quotes writes no file (an empty .jsonl is not an input)."""
    version, found = extract_partition(articles, model, batch_size, number=number)
    if not any(found):
        return version, 0
    path = Path(folder) / f"part-{number:05d}.jsonl"
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(partial, "w", encoding="utf-8") as handle:
        for quote in (q for quotes in found for q in quotes):
            handle.write(json.dumps(quote.to_dict(), ensure_ascii=False) + "\n")
    os.replace(partial, path)
    return version, sum(map(len, found))
