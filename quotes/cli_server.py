"""`quotes server`: set up and run a local cluster of Sphinx `searchd` daemons for the SphinxQL
backend (the work is quotes/searchd.py's; this only parses options and prints)."""
from __future__ import annotations

from typing import Any

import click

from . import searchd
from .cli import _format_option, main
from .cli_search import _write
from .errors import QuotesError
from .index import QuoteIndex

STATUS_FIELDS = ("shard", "index", "address", "pid", "running", "quotes")


@main.group()
def server() -> None:
    """Run the index on a sharded search server (Sphinx 2.2 searchd, or Manticore) instead of
    the embedded folder: for tens of millions of quotes and more.

    \b
    Example:
      quotes server init cluster --shards 2
      quotes server start cluster
      quotes ingest articles/ --index sphinxql://127.0.0.1:9306/quotes
    """


@server.command()
@click.argument("folder", metavar="DIR")
@click.option("--shards", type=click.IntRange(min=1), default=2, show_default=True,
              help="Shards: each a real-time index served by its own searchd.")
@click.option("--host", "hosts", multiple=True, metavar="HOST",
              help="Hosts to spread the shards over, in turn (repeatable; default 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65534), default=searchd.DEFAULT_PORT, show_default=True,
              help="SphinxQL port of the first shard on each host; shard daemons use PORT, PORT+2, …"
                   " (and the port above each for their agents).")
@click.option("--name", default="quotes", show_default=True, help="The distributed index's name.")
def init(folder: str, shards: int, hosts: tuple[str, ...], port: int, name: str) -> None:
    """Write the sphinx.conf of each shard's daemon into DIR (the first one also holds the
    distributed index), and say the index location to use."""
    cluster = searchd.init(folder, shards, hosts or ("127.0.0.1",), port, name)
    for shard in cluster.shards:
        click.echo(f"shard {shard.number}: {cluster.config(shard)} ({shard.address}, index {shard.index})")
    click.echo(f"Start it with `quotes server start {folder}`, then use --index {cluster.url}")


@server.command()
@click.argument("folder", metavar="DIR")
@_format_option()
def start(folder: str, fmt: str) -> None:
    """Start the daemons of DIR's shards that live on this host (PIDs kept in DIR)."""
    cluster = searchd.load(folder)
    _print(fmt, cluster, searchd.start(cluster))
    if fmt == "table":
        click.echo(f"Index location: {cluster.url}")


@server.command()
@click.argument("folder", metavar="DIR")
@_format_option()
def stop(folder: str, fmt: str) -> None:
    """Stop the daemons of DIR's shards by their PIDs; each saves its index first."""
    cluster = searchd.load(folder)
    _print(fmt, cluster, searchd.stop(cluster))


@server.command()
@click.argument("folder", metavar="DIR")
@_format_option()
def status(folder: str, fmt: str) -> None:
    """Each shard of DIR: where it listens, its PID if it runs here, and its quotes."""
    cluster = searchd.load(folder)
    _print(fmt, cluster, searchd.status(cluster), counts=True)


def _print(fmt: str, cluster: searchd.Cluster, states: list[searchd.Status], counts: bool = False) -> None:
    quotes = _quotes(cluster) if counts and all(s.answers for s in states) else {}
    records: list[dict[str, Any]] = [
        {"shard": s.shard.number, "index": s.shard.index, "address": s.shard.address, "pid": s.pid,
         "running": s.answers, "quotes": quotes.get(s.shard.index)}
        for s in states
    ]
    if fmt != "table":
        _write(fmt, STATUS_FIELDS, records)
        return
    for r in records:
        pid = f"PID {r['pid']}" if r["pid"] else "not running here"
        state = "answering" if r["running"] else "not answering"
        count = f", {r['quotes']:,} quotes" if r["quotes"] is not None else ""
        click.echo(f"shard {r['shard']} {r['index']} on {r['address']}: {state} ({pid}){count}")


def _quotes(cluster: searchd.Cluster) -> dict[str, int]:
    """Quotes per shard index, if the cluster answers as a quotes index."""
    try:
        with QuoteIndex.open(cluster.url) as ix:
            return dict(ix.shard_counts())  # type: ignore[attr-defined]
    except QuotesError:
        return {}
