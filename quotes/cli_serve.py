"""`quotes serve`: the search page and JSON API (quotes/server.py) on a local port.

A separate module so the CLI's other commands import neither FastAPI nor uvicorn: they are
the optional `web` extra, and a missing one is a one-line error, not a traceback.
"""
from __future__ import annotations

import click

from .cli import _index_option, main
from .errors import QuotesError
from .index import QuoteIndex, index_path


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes the index to the network "
                   "with no login.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@_index_option
def serve(host: str, port: int, index_dir: str | None) -> None:
    """Serve a search page and a read-only JSON API over the index.

    The page searches with the query syntax and filters of `quotes search`, shows each quote in
    context with its sources and citations, and verifies claimed quotes. The API (/api/search,
    /api/quotes/ID, /api/verify, /api/speakers) answers with the records of `--format json`;
    /openapi.json describes it. Needs the `web` extra: pip install "quotes[web]".

    \b
    Examples:
      quotes serve                       # http://127.0.0.1:8000/
      quotes serve --port 8080 --index news
    """
    try:
        from .server import LOOPBACK_HOSTS, bind, create_app, is_loopback, make_server
    except ImportError as exc:
        raise QuotesError(
            f"`quotes serve` needs the web extra ({exc.name or exc} is missing):"
            ' pip install "quotes[web]"'
        ) from None
    folder = index_path(index_dir)
    QuoteIndex.open(folder).close()  # a missing or foreign index is an error now, not per request
    local = is_loopback(host)
    app = create_app(folder, allowed_hosts=LOOPBACK_HOSTS if local else None)
    sock = bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving the index at {folder} on http://{shown}:{sock.getsockname()[1]}/"
               " (Ctrl-C to stop)", err=True)
    if not local:
        click.echo(f"warning: listening on {host}: anyone who can reach it can read the index"
                   " (there is no login)", err=True)
    try:
        make_server(app).run(sockets=[sock])
    finally:
        sock.close()
