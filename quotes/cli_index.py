"""The index-keeping commands of `quotes`: reindex and delete. Options in, printing out, as in
`cli.py`; the work is done by `ingest.reindex`, `index.copy` and `QuoteIndex.delete`.
"""
from __future__ import annotations

import time

import click

from .cli import (
    DEFAULT_BATCH, _cluster, _count, _dask_options, _index_option, _jobs_option, _model_option, _open_for_writing,
    _progress, _report_error, _say_waiting, _stderr_is_tty, _wait_option, main,
)
from .errors import QuotesError
from .extract import load_nlp
from .index import QuoteIndex, index_path, is_server
from .index import copy as copy_index
from .ingest import reindex as reindex_folder


@main.command()
@_index_option
@_model_option
@_jobs_option
@click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH, metavar="N",
              show_default=True, help="Articles per index commit.")
@_dask_options
@_wait_option
@click.option("--to", "target", metavar="LOCATION", default=None,
              help="Copy the index as it is (ids and groups kept) into this folder or search"
                   " server instead: to move between backends.")
def reindex(index_dir: str | None, model: str | None, jobs: int, batch_size: int, dask: str | None,
            partition_size: int, wait: float, target: str | None) -> None:
    """Rebuild the index from the article texts it stores, with this version of quotes: after
    an upgrade changed the index layout, or to extract everything with new rules or a new model.
    With --to, copy it into another index instead (nothing is extracted again).

    The old index stays in place, searchable, until the new one is complete. Like an ingest,
    it needs the index's writer lock: another writer running is an error, or waited for with
    --wait.

    \b
    Examples:
      quotes reindex --index index
      quotes reindex --index index --to sphinxql://127.0.0.1:9306/quotes
    """
    started = time.perf_counter()
    path = index_path(index_dir)
    if target is not None:
        with QuoteIndex.open(path) as source, _open_for_writing(target, wait) as into:
            articles, quotes = copy_index(source, into, batch_size)
        click.echo(f"Copied {_count(articles, 'article')}, {_count(quotes, 'quote')}"
                   f" in {time.perf_counter() - started:.1f} seconds from {path} into {target}")
        return
    if is_server(path):
        raise QuotesError(f"{path} is on a search server: rebuild it by copying it to a new folder"
                          " (--to DIR), `quotes reindex --index DIR`, then copying it back")
    with _cluster(dask, model, partition_size) as cluster:
        job = reindex_folder(path, load_nlp(model), jobs=jobs, batch_size=batch_size, cluster=cluster,
                             watch=lambda pairs, total: _progress(pairs, _stderr_is_tty(), "Reindexing", total),
                             wait=wait, on_wait=lambda: _say_waiting(wait))
    click.echo(
        f"Reindexed {_count(job.articles, 'article')}, {_count(job.quotes, 'quote')}"
        f" in {time.perf_counter() - started:.1f} seconds into {path}"
    )


@main.command()
@click.argument("article_ids", metavar="ARTICLE_ID...", nargs=-1)
@click.option("--source", "sources", metavar="NAME", multiple=True,
              help="Every article of this source (exactly, case aside); repeatable.")
@_wait_option
@_index_option
@click.pass_context
def delete(ctx: click.Context, article_ids: tuple[str, ...], sources: tuple[str, ...], wait: float,
           index_dir: str | None) -> None:
    """Remove articles and their quotes from the index.

    ARTICLE_ID is the article_id that search, show and export print: a file's path inside
    the folder it was ingested from (its name when it was named itself, or its --id), a
    JSON line's "id". An id not in the index is reported as `error: ...`; the exit code is
    then 1.

    \b
    Examples:
      quotes delete 2019/old-story.txt
      quotes delete --source "The Daily Rumour"
    """
    if not article_ids and not sources:
        raise click.UsageError("give ARTICLE_ID... or --source NAME", ctx)
    with QuoteIndex.open(index_dir, wait=wait, on_wait=lambda: _say_waiting(wait)) as ix:
        wanted = list(article_ids) + [i for name in sources for i in ix.store.of_source(name)]
        deleted, quotes = ix.delete(wanted)
        where = ix.path
    missing = [i for i in dict.fromkeys(article_ids) if i not in deleted]
    for article_id in missing:
        _report_error(QuotesError(f"no article with id {article_id!r} in the index at {where}"))
    click.echo(f"Deleted {_count(len(deleted), 'article')}, {_count(quotes, 'quote')} from {where}")
    if missing:
        ctx.exit(1)
