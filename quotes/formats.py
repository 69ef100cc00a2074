"""Output formats shared by every command: records as a JSON array, JSON lines or CSV (the
same fields everywhere), and the small text helpers of the tables."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Sequence

import click

from .cite import REPORTED, speaker_label


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


class RecordWriter:
    """Prints records as a JSON array, JSON lines or CSV, one record at a time."""

    def __init__(self, fmt: str, fields: Sequence[str]) -> None:
        self.fmt = fmt
        self.fields = tuple(fields)
        self.count = 0
        if fmt == "csv":
            self._csv_row(self.fields)

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "csv":
            self._csv_row([cell(record.get(name)) for name in self.fields])
        else:
            line = json.dumps(record, ensure_ascii=False)
            if self.fmt == "json":
                line = ("[\n" if self.count == 0 else ",\n") + line
                click.echo(line, nl=False)
            else:
                click.echo(line)
        self.count += 1

    def finish(self) -> None:
        if self.fmt == "json":
            click.echo("\n]" if self.count else "[]")

    def _csv_row(self, values: Iterable[Any]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        click.echo(buffer.getvalue(), nl=False)


def hit_record(hit: Any) -> dict[str, Any]:
    """A search hit: the quote's fields, its score, matched spans, and how many articles
    carried the quote with the oldest of them."""
    record = hit.quote.to_dict()
    record["score"] = round(hit.score, 4)
    record["matches"] = [list(span) for span in hit.matches]
    group = hit.group
    record["sources"] = group.sources if group else 1
    first = group.first if group else hit.quote
    record["first_seen"] = {k: getattr(first, k) for k in ("id", "date", "source", "url")}
    return record


def kind_label(quote: Any) -> str:
    """The kind as shown beside a quote: an indirect one says it is reported, not verbatim."""
    return quote.kind if quote.verbatim else f"{quote.kind}; {REPORTED}"


def framed(quote: Any, text: str) -> str:
    """The quote's (display) text in quotation marks if verbatim, else labelled as a report."""
    return f"“{text}”" if quote.verbatim else f"reported: {text}"


def speaker_name(quote: Any) -> str:
    """The speaker as shown: "(attribution uncertain)" below 0.5, "(unknown speaker)" if none."""
    return speaker_label(quote) or "(unknown speaker)"


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def shorten(text: str | None, width: int) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def cut(text: str, spans: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, matched) pairs at the (start, end) spans, which may overlap."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted((s, e) for s, e in spans):
        start, end = max(start, at), min(end, len(text))
        if end <= start:
            continue
        out += [(text[at:start], False), (text[start:end], True)]
        at = end
    out.append((text[at:], False))
    return [(piece, matched) for piece, matched in out if piece]


def highlighted(text: str, spans: Sequence[tuple[int, int]], color: bool) -> str:
    """The text on one line, the spans bold and yellow when `color`."""
    flat = "".join(" " if ch in "\r\n\t" else ch for ch in text)  # same length, same offsets
    if not color or not spans:
        return flat
    return "".join(click.style(piece, bold=True, fg="yellow") if matched else piece
                   for piece, matched in cut(flat, spans))
