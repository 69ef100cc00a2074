"""The people commands of `quotes`: `people` (list, merge, split, rename, export, import) and
`person` (one person's page). Options in, printing out; the work is done by
`people_store.PeopleStore`, `people_store.relink` and `person_view`."""
from __future__ import annotations

import sys
from typing import Any

import click

from .cli import _format_option, _index_option, _open_for_writing, main
from .cli_search import _filter_options, _filters, _write
from .formats import framed, one_line, shorten
from .index import SORTS, QuoteIndex
from .people import PEOPLE_KINDS
from .people_store import Person, relink
from .person_view import find_person, people_of, person_page, sparkline

PEOPLE_FIELDS = ("id", "name", "kind", "quotes", "articles", "first", "last", "names", "sources", "ambiguous",
                 "wikidata", "notes")
_NAME_W = 28


class _PeopleGroup(click.Group):
    """`quotes people [QUERY]` lists; `quotes people merge ...` and the others decide."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@main.group(cls=_PeopleGroup)
def people() -> None:
    """The people of the index: one entry per person, whatever names the articles used.

    \b
    Examples:
      quotes people                      # most quoted first
      quotes people obama --format csv
      quotes people merge "Barack Obama" "Obama"
      quotes people split "John Smith" --article 3f2a... --article 9bc1...
      quotes people rename 1a2b3c4d5e6f "Recep Tayyip Erdoğan"
      quotes people export > people.csv
      quotes people import people.csv
    """


@people.command("list")
@click.argument("query", nargs=-1)
@click.option("--kind", "kinds", type=click.Choice(PEOPLE_KINDS), multiple=True,
              help="Only people of this kind (default: person and organisation); repeat for several.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N", help="At most N people.")
@_format_option()
@_index_option
def list_people(query: tuple[str, ...], kinds: tuple[str, ...], limit: int | None, fmt: str,
                index_dir: str | None) -> None:
    """List people (with a name holding every word of QUERY), most quoted first."""
    with QuoteIndex.open(index_dir) as ix:
        found = people_of(ix).people(" ".join(query) or None, kinds or ("person", "organisation"), limit)
    if fmt != "table":
        _write(fmt, PEOPLE_FIELDS, (p.to_dict() for p in found))
        return
    if not found:
        click.echo("No people found.", err=True)
        return
    width = max(len("QUOTES"), *(len(str(p.quotes)) for p in found))
    click.echo(f"{'ID':<12}  {'QUOTES':>{width}}  {'NAME':<{_NAME_W}}  {'SEEN':<22}  NAMES USED; SOURCES")
    for p in found:
        click.echo(f"{p.id:<12}  {p.quotes:>{width}}  {shorten(_label(p), _NAME_W):<{_NAME_W}}  "
                   f"{_seen(p):<22}  {'; '.join(_names(p))}")


def _label(p: Person) -> str:
    return p.name + (" (ambiguous)" if p.ambiguous else "") + (" [org]" if p.kind == "organisation" else "")


def _seen(p: Person) -> str:
    return f"{(p.first or '?')[:10]}..{(p.last or '?')[:10]}" if p.first or p.last else "undated"


def _names(p: Person) -> list[str]:
    used = ", ".join(p.names[:4]) + (f" +{len(p.names) - 4}" if len(p.names) > 4 else "")
    sources = ", ".join(p.sources[:3]) + (f" +{len(p.sources) - 3}" if len(p.sources) > 3 else "")
    return [part for part in (used, sources) if part]


def _decided(index_dir: str | None, decide: Any) -> Person:
    """Apply a decision to the people store, then write the quotes it moved into the index."""
    with _open_for_writing(index_dir, 0.0) as ix:
        person = decide(people_of(ix))
        relink(ix)
    return person


def _show(person: Person, verb: str) -> None:
    quotes = f"{person.quotes} quote{'s' if person.quotes != 1 else ''}"
    click.echo(f"{verb} {person.name} ({person.id}): {quotes}, names used: {', '.join(person.names)}")


@people.command()
@click.argument("into", metavar="A")
@click.argument("other", metavar="B")
@_index_option
def merge(into: str, other: str, index_dir: str | None) -> None:
    """Make person B (an id or a name) part of person A, for good."""
    _show(_decided(index_dir, lambda store: store.merge(into, other)), "Merged into")


@people.command()
@click.argument("name")
@click.option("--article", "articles", metavar="ID", multiple=True, required=True,
              help="An article whose quotes of NAME are someone else's; repeat for several.")
@_index_option
def split(name: str, articles: tuple[str, ...], index_dir: str | None) -> None:
    """Make the quotes of NAME in the given articles a person of their own, for good."""
    _show(_decided(index_dir, lambda store: store.split(name, articles)), "Split off")


@people.command()
@click.argument("person_id", metavar="ID")
@click.argument("name")
@_index_option
def rename(person_id: str, name: str, index_dir: str | None) -> None:
    """Give person ID the name NAME, for good."""
    _show(_decided(index_dir, lambda store: store.rename(person_id, name)), "Renamed")


@people.command("export")
@_index_option
def export_people(index_dir: str | None) -> None:
    """Write the people as CSV: id, name, kind, aliases (joined by |), wikidata, notes."""
    with QuoteIndex.open(index_dir) as ix:
        people_of(ix).export(sys.stdout)


@people.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@_index_option
def import_people(file: Any, index_dir: str | None) -> None:
    """Load people from a CSV (id, name, kind, aliases, wikidata, notes; only name is needed): their
    aliases are theirs in every article, now and later."""
    with _open_for_writing(index_dir, 0.0) as ix:
        n = people_of(ix).import_csv(file)
        relink(ix)
    click.echo(f"Imported {n} {'person' if n == 1 else 'people'}.")


@main.command()
@click.argument("name")
@click.argument("query", nargs=-1)
@_filter_options
@click.option("--sort", type=click.Choice(SORTS), default="-date", show_default=True,
              help="Order of the quotes.")
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=10, show_default=True, metavar="N",
              help="Quotes per page.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Which page of quotes.")
@_format_option(("table", "json"))
@_index_option
def person(name: str, query: tuple[str, ...], sort: str, limit: int, page: int, fmt: str,
           index_dir: str | None, **options: Any) -> None:
    """One person (NAME: an id or a name): names used, quotes of each kind, quotes per month,
    sources, most used words, people quoted beside them, and their quotes (matching QUERY and
    the filters), newest first.

    \b
    Examples:
      quotes person "Barack Obama"
      quotes person obama healthcare --from 2015 --page 2
    """
    with QuoteIndex.open(index_dir) as ix:
        found = find_person(ix, name)
        shown = person_page(ix, found.id, " ".join(query) or None, _filters(options), sort=sort,
                            page=page, limit=limit)
    if fmt == "json":
        import json

        click.echo(json.dumps(shown.to_dict(), ensure_ascii=False, indent=2))
        return
    profile, p = shown.profile, shown.profile.person
    click.echo(click.style(_label(p), bold=True) + f"  ({p.id})")
    click.echo(f"  {p.quotes} quotes in {p.articles} articles, {_seen(p)}")
    click.echo("  kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(profile.kinds.items())))
    if profile.months:
        click.echo(f"  per month {profile.months[0][0]} {sparkline([n for _, n in profile.months])}"
                   f" {profile.months[-1][0]}")
    click.echo("  names used: " + ", ".join(p.names))
    click.echo("  sources: " + ", ".join(f"{s} ({n})" for s, n in profile.sources))
    click.echo("  words: " + ", ".join(w for w, _ in shown.words))
    if profile.co_quoted:
        click.echo("  quoted beside: " + ", ".join(f"{o.name} ({n})" for o, n in profile.co_quoted))
    results = shown.results
    click.echo(f"\nQuotes {results.page}/{max(results.pages, 1)} ({results.total}):")
    for hit in results.hits:
        q = hit.quote
        said = f" [as {q.speaker}]" if q.speaker and q.speaker != p.name else ""
        click.echo(f"  {(q.date or '')[:10]:<10}  {q.kind:<8}  {framed(q, shorten(one_line(q.text), 90))}{said}")
        click.echo(f"  {'':<10}  {q.id}  {q.source or ''}")
