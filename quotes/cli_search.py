"""The search-side commands of `quotes`: search, speakers, show, verify, cite and export.

Options in, printing out, as in `cli.py`; the work is done by `QuoteIndex`, `verify` and `cite`.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any, Callable, Sequence

import click

from .cite import REPORTED, STYLES, cite
from .cli import QUOTE_FIELDS, _format_option, _index_option, _stdout_is_tty, main
from .errors import QuotesError
from .formats import RecordWriter, framed, highlighted, hit_record, kind_label, one_line, shorten, speaker_name
from .index import FACETS, SORTS, Hit, QuoteIndex, Results
from .model import KINDS, Quote
from .query import Filters
from .verify import left_out, verdict_line
from .verify import verify as run_verify

HIT_FIELDS = QUOTE_FIELDS + ("score", "matches", "sources", "first_seen")
SPEAKER_FIELDS = ("speaker", "quotes")


def _filter_options(f: Callable) -> Callable:
    """--speaker, --speaker-name, --from, --to, --source and --kind, the filters every listing
    command takes."""
    options = [
        click.option("--speaker", "speakers", metavar="NAME", multiple=True,
                     help="Said by NAME (every word in the name or its mention, case and "
                          "accents ignored); repeat for any of several."),
        click.option("--speaker-name", "speaker_names", metavar="NAME", multiple=True,
                     help="Said by exactly this resolved name, as `quotes speakers` and the speaker"
                          " facet list it; repeat for any of several."),
        click.option("--from", "since", metavar="DATE",
                     help="On or after DATE: 2019, 2019-01 or 2019-01-23."),
        click.option("--to", "until", metavar="DATE", help="On or before DATE (its whole period)."),
        click.option("--source", "sources", metavar="NAME", multiple=True,
                     help="From source NAME (every word); repeat for any of several."),
        click.option("--kind", "kinds", type=click.Choice(KINDS), multiple=True,
                     help="Only this kind of quote; repeat for several."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _filters(options: dict[str, Any]) -> Filters:
    return Filters(
        speakers=options.pop("speakers"), speaker_names=options.pop("speaker_names"), sources=options.pop("sources"),
        kinds=options.pop("kinds"), since=options.pop("since"), until=options.pop("until"),
    )


# --------------------------------------------------------------------------- search


@main.command()
@click.argument("query", nargs=-1)
@_filter_options
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="relevance (date without a QUERY), date (oldest first) or -date.")
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=20, show_default=True,
              metavar="N", help="Hits per page.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Which page of hits.")
@click.option("--facet", "facets", type=click.Choice(list(FACETS)), multiple=True,
              help="Count the whole result set by this field; repeat for several.")
@_format_option()
@_index_option
def search(query: tuple[str, ...], sort: str, limit: int, page: int, facets: tuple[str, ...],
           fmt: str, index_dir: str | None, **options: Any) -> None:
    """Search the indexed quotes: one hit per quote, however many articles carried it.

    QUERY uses Whoosh syntax: words (all must match, any word form), "a phrase", AND, OR,
    NOT, wildcards (talk*), fuzzy terms (erdgan~) and the fields text, title, speaker, kind,
    source, date, id, article_id (e.g. date:2019-01, kind:direct). Without a QUERY, the
    quotes of the filters are listed by date.

    With --facet, --format json prints {"total", "page", "pages", "hits", "facets"}
    instead of the array of hits.

    \b
    Examples:
      quotes search Idlib
      quotes search '"shared conviction"' --format json
      quotes search Syria --speaker putin --speaker erdogan --from 2019-01 --to 2019-03
      quotes search talks --facet speaker --facet year --sort -date --page 2
    """
    if facets and fmt in ("jsonl", "csv"):
        raise QuotesError("--facet prints its counts with --format table or json")
    with QuoteIndex.open(index_dir) as ix:
        results = ix.search(" ".join(query) or None, _filters(options), sort=sort, limit=limit,
                            page=page, facets=facets)
    for missing in results.partial:
        click.echo(f"warning: partial results: {missing}", err=True)
    if not results.hits:
        _no_hits(results)
    if fmt == "table":
        _print_results(results, _stdout_is_tty())
    elif fmt == "json" and facets:
        records = [hit_record(hit) for hit in results.hits]
        data = {"total": results.total, "page": results.page, "pages": results.pages,
                "hits": records, "facets": {k: [list(v) for v in vs] for k, vs in results.facets.items()},
                **({"partial": list(results.partial)} if results.partial else {})}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _write(fmt, HIT_FIELDS, (hit_record(hit) for hit in results.hits))


def _no_hits(results: Results) -> None:
    if results.total:
        click.echo(f"No quotes on page {results.page}: there are {results.pages}.", err=True)
        return
    click.echo("No quotes found.", err=True)
    for suggestion in results.suggestions:
        click.echo(f"Did you mean: {suggestion}?", err=True)


def _print_results(results: Results, color: bool) -> None:
    if results.hits:
        noun = "quote" if results.total == 1 else "quotes"
        click.echo(f"{results.total} {noun}, page {results.page} of {results.pages}")
    for hit in results.hits:
        click.echo()
        _print_hit(hit, color)
    for name, counts in results.facets.items():
        click.echo()
        click.echo(click.style(name, bold=True) if color else name)
        width = max((len(str(n)) for _, n in counts), default=1)
        for value, n in counts:
            click.echo(f"  {n:>{width}}  {value}")


def _print_hit(hit: Hit, color: bool) -> None:
    q = hit.quote
    speaker = speaker_name(q)
    if q.person_name and q.speaker and q.person_name != q.speaker:  # the person, as the article named them
        speaker = f"{q.person_name} [as {speaker}]"
    head = click.style(speaker, bold=True) if color else speaker
    about = ", ".join(p for p in (q.date, q.source) if p)
    click.echo(f"{head} ({kind_label(q)})" + (f" — {about}" if about else ""))
    click.echo("  " + framed(q, highlighted(q.text.strip(), _shift(q.text, hit.matches), color)))
    line = f"  id {q.id}" + (f" · {shorten(q.title, 70)}" if q.title else "")
    if hit.group and hit.group.sources > 1:
        first = hit.group.first
        seen = " in ".join(p for p in (first.date, first.source) if p) or "undated"
        line += f" · {hit.group.sources} sources, first seen {seen}"
    click.echo(line)


def _shift(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in text.strip() instead of text."""
    lead = len(text) - len(text.lstrip())
    return [(s - lead, e - lead) for s, e in spans]


def _write(fmt: str, fields: Sequence[str], records: Any) -> None:
    writer = RecordWriter(fmt, fields)
    for record in records:
        writer.write(record)
    writer.finish()


# --------------------------------------------------------------------------- speakers


@main.command()
@click.argument("query", nargs=-1)
@_filter_options
@_format_option()
@_index_option
def speakers(query: tuple[str, ...], fmt: str, index_dir: str | None, **options: Any) -> None:
    """Rank the speakers by their numbers of quotes (matching QUERY and the filters, if given).

    \b
    Examples:
      quotes speakers
      quotes speakers Idlib --from 2019
      quotes speakers --format csv > speakers.csv
    """
    with QuoteIndex.open(index_dir) as ix:
        counts = ix.speakers(" ".join(query) or None, _filters(options))
    if fmt != "table":
        _write(fmt, SPEAKER_FIELDS, ({"speaker": name, "quotes": n} for name, n in counts))
        return
    if not counts:
        click.echo("No speakers found.", err=True)
        return
    width = max(len("QUOTES"), *(len(str(n)) for _, n in counts))
    click.echo(f"{'QUOTES':>{width}}  SPEAKER")
    for name, n in counts:
        click.echo(f"{n:>{width}}  {name}")


# --------------------------------------------------------------------------- show


@main.command()
@click.argument("quote_id", metavar="ID")
@_format_option(("table", "json"))
@_index_option
def show(quote_id: str, fmt: str, index_dir: str | None) -> None:
    """Show one quote: its record, its sentence, every article that carried it (oldest
    first) and a citation line.

    ID is the id printed by `quotes search`.

    \b
    Example:
      quotes search Idlib            # ... id 3e1f0a2b4c5d6e7f
      quotes show 3e1f0a2b4c5d6e7f
    """
    with QuoteIndex.open(index_dir) as ix:
        quote = _get(ix, quote_id)
        copies = ix.sources(quote)
    citation = cite(quote)
    sources = [_source(c) for c in copies]
    record = quote.to_dict()
    if fmt == "json":
        record.update(citation=citation, copies=sources)
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    sentence = record.pop("sentence")
    record["verbatim"] = "yes" if quote.verbatim else f"no ({REPORTED}: the article's words, not the speaker's)"
    if quote.speaker:
        record["speaker"] = speaker_name(quote)
    width = max(len(name) for name in record)
    for name, value in record.items():
        click.echo(f"{name + ':':<{width + 1}} {'-' if value in (None, '') else one_line(str(value))}")
    click.echo()
    click.echo("sentence:")
    click.echo(f"  {one_line(sentence) or '-'}")
    click.echo()
    click.echo(f"sources ({len(sources)}, oldest first):")
    for s in sources:
        where = " · ".join(one_line(s[k]) for k in ("date", "source", "title", "url") if s[k])
        click.echo(f"  {where or '(no date or source)'} · id {s['id']}")
    click.echo()
    click.echo("citation:")
    click.echo(f"  {citation}")


def _get(ix: QuoteIndex, quote_id: str) -> Quote:
    quote = ix.get(quote_id)
    if quote is None:
        raise QuotesError(f"no quote with id {quote_id!r} in the index at {ix.path}")
    return quote


def _source(q: Quote) -> dict[str, Any]:
    return {"id": q.id, "article_id": q.article_id, "date": q.date, "source": q.source,
            "title": q.title, "url": q.url}


# --------------------------------------------------------------------------- cite


@main.command("cite")
@click.argument("quote_id", metavar="ID")
@click.option("--style", type=click.Choice(STYLES), default="plain", show_default=True,
              help="Citation style.")
@click.option("--accessed", metavar="DATE", default=None, show_default="today",
              help="Access date for styles that give one (MLA), YYYY-MM-DD.")
@_index_option
def cite_command(quote_id: str, style: str, accessed: str | None, index_dir: str | None) -> None:
    """Print a citation of one quote, ready to paste.

    \b
    Examples:
      quotes cite 3e1f0a2b4c5d6e7f
      quotes cite 3e1f0a2b4c5d6e7f --style apa
      quotes cite 3e1f0a2b4c5d6e7f --style mla --accessed 2026-11-24
    """
    try:
        day = date.fromisoformat(accessed) if accessed else None
    except ValueError:
        raise QuotesError(f"bad date {accessed!r}: use YYYY-MM-DD") from None
    with QuoteIndex.open(index_dir) as ix:
        quote = _get(ix, quote_id)
    click.echo(cite(quote, style, accessed=day))


# --------------------------------------------------------------------------- verify


@main.command("verify")
@click.argument("claim", metavar='"CLAIMED QUOTE"')
@click.option("--speaker", metavar="NAME", default=None, help="Who the quote is attributed to.")
@click.option("--limit", type=click.IntRange(min=1, max=100), default=3, show_default=True,
              metavar="N", help="Show the N closest quotes.")
@_format_option(("table", "json"))
@_index_option
def verify_command(claim: str, speaker: str | None, limit: int, fmt: str, index_dir: str | None) -> None:
    """Check a claimed quotation against the index: the closest real quotes, with a similarity
    in [0, 1] and the word-level differences, then a verdict.

    In the differences, [-words-] are in the real quote but not the claim, {+words+} are
    claimed but were not said. Verdicts: exact match, exact excerpt (part of a quote: the
    rest is shown), close match, reported, not verbatim (only an indirect quote, the
    article's own words, matches), no match found, too short to verify.

    \b
    Examples:
      quotes verify "we have a shared conviction about Idlib"
      quotes verify "Turkey and Russia are friends" --speaker Putin --format json
    """
    with QuoteIndex.open(index_dir) as ix:
        result = run_verify(ix, claim, speaker=speaker, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    color = _stdout_is_tty()
    for n, match in enumerate(result.matches, 1):
        q = match.quote
        about = ", ".join(p for p in (f"{speaker_name(q)} ({kind_label(q)})", q.date, q.source) if p)
        click.echo(f"{n}. {match.score:.2f}  {about} · id {q.id}")
        click.echo(f"   {framed(q, one_line(q.text).strip())}")
        click.echo(f"   differences: {_diff_text(match.diff, color)}")
        for line in left_out(match):
            click.echo(f"   {line}")
        click.echo()
    click.echo(f"Verdict: {verdict_line(result)}")
    if result.said_by_other:
        click.echo(f"The closest quote was said by {result.said_by_other}, not {speaker}.")


def _diff_text(diff: Sequence[tuple[str, str]], color: bool) -> str:
    marks = {"-": ("[-", "-]", "red"), "+": ("{+", "+}", "green")}
    out = []
    for op, text in diff:
        if op == "=":
            out.append(text)
            continue
        left, right, hue = marks[op]
        out.append(click.style(f"{left}{text}{right}", fg=hue) if color else f"{left}{text}{right}")
    return " ".join(out) or "(none)"


# --------------------------------------------------------------------------- export


@main.command()
@click.argument("query", nargs=-1)
@_filter_options
@click.option("--format", "fmt", type=click.Choice(("jsonl", "csv", "json")), default="jsonl",
              show_default=True, help="Record format.")
@_index_option
def export(query: tuple[str, ...], fmt: str, index_dir: str | None, **options: Any) -> None:
    """Print every matching quote (every copy of republished quotes), oldest first, with all
    its fields: the whole result set, not a page.

    \b
    Examples:
      quotes export > all.jsonl
      quotes export Idlib --speaker erdogan --format csv > erdogan-idlib.csv
    """
    with QuoteIndex.open(index_dir) as ix:
        _write(fmt, QUOTE_FIELDS, (q.to_dict() for q in ix.export(" ".join(query) or None, _filters(options))))
