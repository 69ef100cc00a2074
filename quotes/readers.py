"""Turn files, folders and stdin into `Article` records, one at a time.

Every problem with the input becomes a one-line `QuotesError` naming the file (and line), so the
CLI can report it and, when asked, carry on with the next article instead of stopping a long run.
"""
from __future__ import annotations

import collections
import dataclasses
import fnmatch
import gzip
import itertools
import zlib
import json
import os
import re
import sys
from datetime import datetime
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Sequence, TextIO

from . import web
from .errors import QuotesError
from .model import KINDS, Article, Quote, stable_hash

STDIN = "-"
TEXT_SUFFIX = ".txt"
JSONL_SUFFIX = ".jsonl"
HTML_SUFFIXES = (".html", ".htm")
WARC_SUFFIX = ".warc"
GZIP_SUFFIX = ".gz"  # article.txt.gz, articles.jsonl.gz: read as the file inside
# What a folder scan takes (a file named explicitly of another kind is read as text).
FOLDER_SUFFIXES = (TEXT_SUFFIX, JSONL_SUFFIX, *HTML_SUFFIXES, WARC_SUFFIX)
# Files that are data, not an article: read as text, they would be indexed as junk.
NOT_ARTICLES = {".json": "one JSON object per line in a .jsonl file", ".csv": "a .jsonl file",
                ".tsv": "a .jsonl file"}
_BOM = "\ufeff"
# Lone surrogates only appear when a stream decoded invalid UTF-8 with `surrogateescape`.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")

ErrorHandler = Callable[[QuotesError], None]


def read_articles(
    paths: Sequence[str],
    *,
    title: str | None = None,
    date: str | None = None,
    source: str | None = None,
    url: str | None = None,
    on_error: ErrorHandler | None = None,
    stdin: TextIO | None = None,
    glob: str | None = None,
    article_id: str | None = None,
    skipped: collections.Counter[str] | None = None,
) -> Iterator[Article]:
    """Yield the articles of `paths` (.txt, .jsonl, .html or .warc files, gzipped or not,
    folders of them, or "-" for stdin) in order.

    A file's article id is its path inside the folder read (its name when named itself), so an
    edited file replaces its article; `article_id` names the one article of a file or stdin
    instead. JSON lines keep their "id" (else the hash of their text). An id met twice is an
    error at its second place. Text is read with its line endings made "\n". The files of
    folders that are not articles are counted in `skipped`, by extension.

    `glob` (e.g. "*.html" or "2019/*.jsonl.gz") keeps only the matching files of folders,
    matched against the path inside the folder or the file name; files named explicitly are
    always read. Keyword metadata overrides what the files say, for every article. Bad input raises
    `QuotesError`, or, with `on_error`, is passed to it and reading goes on with the next
    article. A bad `date` is raised here, before anything is read.
    """
    if date is not None:
        _check_date(date, "date")
    if article_id is not None and (len(paths) != 1 or os.path.isdir(paths[0]) or not article_id.strip()):
        raise QuotesError("an article id names one article: give it with one file or - (stdin)")
    given = {"title": title, "date": date, "source": source, "url": url, "id": article_id}
    overrides = {name: value for name, value in given.items() if value is not None}
    return _read_all(paths, overrides, on_error, stdin, glob, skipped)


def _read_all(
    paths: Sequence[str],
    overrides: dict[str, str],
    on_error: ErrorHandler | None,
    stdin: TextIO | None,
    glob: str | None,
    skipped: collections.Counter[str] | None,
) -> Iterator[Article]:
    seen: dict[str, str] = {}  # article id -> where it was first read
    for path in paths:
        for item in _guarded(path, stdin, glob, skipped=skipped):
            if isinstance(item, Article):
                item = dataclasses.replace(item, **overrides) if overrides else item
                item = _duplicate(item, seen)
            if isinstance(item, QuotesError):
                if on_error is None:
                    raise item
                on_error(item)
            else:
                yield item


def _duplicate(article: Article, seen: dict[str, str]) -> Article | QuotesError:
    """The article, or an error if its id was read before in this run (its text would replace
    the first one's). The records of one exported article may come in several runs; an id that
    is the hash of the text is the same text again (and is not kept: memory stays constant)."""
    if article.quotes is not None or article.id == stable_hash(article.text):
        return article
    origin = article.origin or "<input>"
    first = seen.get(article.id)
    if first is None:
        seen[article.id] = origin
        return article
    here, _, _ = origin.rpartition(":")
    there, _, line = first.rpartition(":")
    where = f"line {line}" if here and here == there else first
    return QuotesError(f'{origin}: id "{article.id}" already used at {where}')


def _guarded(path: str, stdin: TextIO | None, glob: str | None = None, name: str | None = None,
             skipped: collections.Counter[str] | None = None) -> Iterator[Article | QuotesError]:
    """The items of one path; an error that ends the path is yielded as its last item. `name`
    is the file's article id (by default its file name)."""
    try:
        if path == STDIN:
            yield from _read_stdin(sys.stdin if stdin is None else stdin)
        elif os.path.isdir(path):
            yield from _read_folder(path, glob, skipped)
        else:
            yield from _read_file(path, name or os.path.basename(path))
    except QuotesError as exc:
        yield exc
    except OSError as exc:
        yield _os_error(path, exc)


def _read_folder(folder: str, glob: str | None,
                 skipped: collections.Counter[str] | None) -> Iterator[Article | QuotesError]:
    found = False
    for item in _folder_files(folder, collections.Counter() if skipped is None else skipped):
        if isinstance(item, QuotesError):
            yield item
            continue
        inside = os.path.relpath(item, folder).replace(os.sep, "/")
        if glob and not (fnmatch.fnmatch(inside, glob) or fnmatch.fnmatch(os.path.basename(item), glob)):
            continue
        found = True
        yield from _guarded(item, None, name=inside)
    if not found:
        wanted = f"files matching {glob!r}" if glob else f"{', '.join(FOLDER_SUFFIXES)} files"
        raise QuotesError(f"{folder}: no {wanted} in this folder")


def _folder_files(folder: str, skipped: collections.Counter[str]) -> Iterator[str | QuotesError]:
    """The article files (FOLDER_SUFFIXES, also gzipped) under `folder`, sorted by path,
    skipping hidden entries; the other files are counted in `skipped` by extension.

    An unreadable subfolder is yielded as an error so the rest of the folder is still read.
    Symlinked folders are not followed (as with os.walk), so a link loop cannot hang a run.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield _os_error(folder, exc)
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _folder_files(entry.path, skipped)
        elif _suffix(entry.name) in FOLDER_SUFFIXES and entry.is_file():
            yield entry.path
        elif entry.is_file():
            skipped[_suffix(entry.name) or "(none)"] += 1


def _read_file(path: str, name: str) -> Iterator[Article | QuotesError]:
    """A file: .jsonl as JSON lines, .html as a web page, .warc as a web archive, a data file
    (NOT_ARTICLES) as an error, anything else as one text article with the id `name`; any of
    them may be gzip-compressed."""
    compressed = path.lower().endswith(GZIP_SUFFIX)
    suffix = _suffix(path)
    if suffix in NOT_ARTICLES:
        raise QuotesError(f"{path}: a {suffix} file holds no article; give articles as"
                          f" {NOT_ARTICLES[suffix]} (as `quotes export --format jsonl` writes)")
    try:
        # warcio reads gzipped archives itself, record by record (and so past a cut-off end).
        with (gzip.open if compressed and suffix != WARC_SUFFIX else open)(path, "rb") as handle:
            if suffix == JSONL_SUFFIX:
                yield from _jsonl_articles(_decoded_lines(handle, path), path)
            elif suffix in HTML_SUFFIXES:
                yield dataclasses.replace(web.html_article(handle.read(), path), id=name)
            elif suffix == WARC_SUFFIX:
                yield from web.warc_articles(handle, path)
            else:
                yield _text_article(_decode(handle.read(), path), path, name)
    except (gzip.BadGzipFile, EOFError, zlib.error):
        raise QuotesError(f"{path}: not a complete gzip file") from None


def _read_stdin(stream: TextIO) -> Iterator[Article | QuotesError]:
    """JSON lines if the first non-blank character is "{", else one text article."""
    name = "<stdin>"
    try:
        head: list[str] = []
        for line in stream:
            head.append(line)
            if line.strip():
                break
        if head:
            head[0] = head[0].removeprefix(_BOM)
        if "".join(head).lstrip().startswith("{"):
            numbered = enumerate(itertools.chain(head, stream), 1)
            lines = (_checked(line, f"{name}:{n}") for n, line in numbered)
            yield from _jsonl_articles(lines, name)
        else:
            yield _text_article(_checked("".join(head) + stream.read(), name), name)
    except UnicodeDecodeError:
        raise _not_text(name) from None


def _text_article(text: str, origin: str, article_id: str = "") -> Article:
    """The whole text as read, with "\n" line ends (quote offsets index into it); title =
    first line."""
    text = _newlines(text.removeprefix(_BOM))
    if not text.strip():
        raise QuotesError(f"{origin}: empty file")
    title = next(line.strip() for line in text.splitlines() if line.strip())
    return Article(text=text, id=article_id, title=title, origin=origin)


def _newlines(text: str) -> str:
    """Windows ("\r\n") and old Mac ("\r") line ends as "\n": the paragraph rules see lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _jsonl_articles(lines: Iterable[str], name: str) -> Iterator[Article | QuotesError]:
    """One article per JSON line; a bad line is yielded as an error and reading goes on.

    Lines that are quote records (from `quotes export`) are read back as they are: the
    records of one article, which an export lists one after the other, make one `Article`
    with `quotes` set and no text."""
    empty = True
    imported: Article | None = None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        empty = False
        origin = f"{name}:{lineno}"
        try:
            item = _json_article(line, origin)
        except QuotesError as exc:
            yield exc
            continue
        if isinstance(item, Quote) and imported is not None and imported.id == item.article_id:
            imported.quotes.append(item)  # type: ignore[union-attr]
            continue
        if imported is not None:
            yield imported
            imported = None
        if isinstance(item, Quote):
            imported = Article("", id=item.article_id, title=item.title, date=item.date,
                               source=item.source, url=item.url, author=item.author,
                               origin=origin, quotes=[item])
        else:
            yield item
    if imported is not None:
        yield imported
    if empty:
        raise QuotesError(f"{name}: empty file")


_QUOTE_TEXT_FIELDS = ("speaker", "speaker_mention", "cue", "sentence", "title", "date", "source", "url",
                      "author", "group")


def _quote_record(record: dict[str, Any], origin: str) -> Quote:
    """A quote record of `quotes export`, checked field by field."""
    for name in ("id", "article_id", "text", "kind"):
        if not isinstance(record.get(name), str) or not record[name]:
            raise QuotesError(f'{origin}: a quote record needs "{name}" as a non-empty string')
    for name in ("start", "end", "paragraph"):
        if name in record and (not isinstance(record[name], int) or isinstance(record[name], bool)):
            raise QuotesError(f'{origin}: "{name}" must be an integer')
    if record["kind"] not in KINDS:
        raise QuotesError(f'{origin}: "kind" must be one of {", ".join(KINDS)}')
    for name in _QUOTE_TEXT_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            raise QuotesError(f'{origin}: "{name}" must be a string, got {_json_type(record[name])}')
    if not isinstance(record.get("confidence", 0.0), (int, float)) or isinstance(record.get("confidence"), bool):
        raise QuotesError(f'{origin}: "confidence" must be a number')
    if record.get("date") is not None:
        _check_date(record["date"], origin)
    return Quote.from_dict({"start": 0, "end": 0, **record})


def _json_article(line: str, origin: str) -> Article | Quote:
    try:
        record = json.loads(line)
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise QuotesError(f"{origin}: not valid JSON ({reason})") from None
    except RecursionError:
        raise QuotesError(f"{origin}: not valid JSON (nested too deeply)") from None
    if not isinstance(record, dict):
        raise QuotesError(f"{origin}: expected a JSON object, got {_json_type(record)}")
    if "article_id" in record and "kind" in record:
        return _quote_record(record, origin)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        problem = "is missing" if text is None else "must be a non-empty string"
        raise QuotesError(f'{origin}: "text" {problem}')
    raw_id = record.get("id")
    if raw_id is not None and (
        isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or raw_id == ""
    ):
        raise QuotesError(f'{origin}: "id" must be a non-empty string or an integer')
    keys = ("title", "date", "source", "url", "author")
    meta = {key: _optional_str(record, key, origin) for key in keys}
    if meta["date"] is not None:
        _check_date(meta["date"], origin)
    return Article(text=_newlines(text), id="" if raw_id is None else str(raw_id), origin=origin, **meta)


def _optional_str(record: dict[str, Any], name: str, origin: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise QuotesError(f'{origin}: "{name}" must be a string, got {_json_type(value)}')
    return value


def _check_date(value: str, where: str) -> None:
    """Accept what datetime.fromisoformat accepts (a date or a datetime); keep the string."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise QuotesError(
            f"{where}: bad date {value!r}: use ISO 8601, e.g. 2019-01-23 or 2019-01-23T14:05:00"
        ) from None


def _decoded_lines(handle: BinaryIO, path: str) -> Iterator[str]:
    """Decode a file line by line, so a large .jsonl file is never held in memory."""
    for lineno, raw in enumerate(handle, 1):
        if lineno == 1:
            raw = raw.removeprefix(_BOM.encode("utf-8"))
        yield _decode(raw, f"{path}:{lineno}")


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise _not_text(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_text(name) from None


def _checked(text: str, name: str) -> str:
    if _NOT_TEXT.search(text):
        raise _not_text(name)
    return text


def _not_text(name: str) -> QuotesError:
    return QuotesError(f"{name}: not a UTF-8 text file")


def _os_error(path: str, exc: OSError) -> QuotesError:
    reason = (exc.strerror or type(exc).__name__).lower()
    return QuotesError(f"{path}: {reason}")


def _suffix(path: str) -> str:
    """The format's extension, under a .gz one if there is one: "a.jsonl.gz" -> ".jsonl"."""
    path = path.lower()
    return os.path.splitext(path.removesuffix(GZIP_SUFFIX) if path.endswith(GZIP_SUFFIX) else path)[1]


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
