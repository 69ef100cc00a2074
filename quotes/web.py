"""Web pages as articles: the main text and metadata of HTML pages (with trafilatura), and every
HTML response of a WARC web archive (with warcio).

The article text is what trafilatura keeps of the page (menus, link lists and boilerplate left
out), with paragraphs separated by blank lines; quote offsets index into that text.
"""
from __future__ import annotations

from datetime import datetime
from typing import BinaryIO, Iterator

from .errors import QuotesError
from .model import Article

MIN_WORDS = 5


def html_article(html: bytes | str, origin: str, url: str | None = None, date: str | None = None) -> Article:
    """The article of one HTML page; `url` and `date` (from an archive) win over the page's."""
    import trafilatura  # imported on first use: most runs read no HTML

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # trafilatura raises whatever its parsers raise on hostile input
        raise QuotesError(f"{origin}: cannot read the HTML ({type(exc).__name__})") from None
    text = getattr(doc, "text", None) or ""
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if sum(len(p.split()) for p in paragraphs) < MIN_WORDS:  # a menu or a stub is no article
        raise QuotesError(f"{origin}: no article text found in the HTML")
    return Article(
        text="\n\n".join(paragraphs),
        title=getattr(doc, "title", None) or paragraphs[0],
        date=date or _iso_date(getattr(doc, "date", None)),
        source=getattr(doc, "sitename", None) or None,
        url=url or getattr(doc, "url", None) or None,
        author=getattr(doc, "author", None) or None,
        origin=origin,
    )


def warc_articles(handle: BinaryIO, name: str) -> Iterator[Article | QuotesError]:
    """One article per HTML response record (plain or gzipped WARC: warcio reads both, so
    `handle` is the file as stored); a page without article text is yielded as an error and
    reading goes on. An archive cut off (a download that stopped) gives its complete records,
    then an error saying where it was cut."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found = complete = 0  # HTML pages read; records read whole
    records = ArchiveIterator(handle)
    try:
        for record in records:
            kind = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
            html = record.rec_type == "response" and "html" in kind.lower()
            stream = record.content_stream()
            body = stream.read() if html else b""
            while not html and stream.read(1 << 16):  # read through, never held
                pass
            if record.raw_stream.limit:  # fewer bytes than the record's Content-Length
                break
            complete += 1
            if not html:
                continue
            found += 1
            uri = record.rec_headers.get_header("WARC-Target-URI")
            origin = f"{name}:{uri or f'record {complete}'}"
            try:
                yield html_article(
                    body, origin, url=uri, date=_iso_date(record.rec_headers.get_header("WARC-Date")),
                )
            except QuotesError as exc:
                yield exc
        else:
            if complete and records.offset >= handle.tell():  # every byte read: whole records
                if not found:
                    raise QuotesError(f"{name}: no HTML pages in this archive")
                return
    except ArchiveLoadFailed as exc:
        if not complete:
            raise QuotesError(f"{name}: not a WARC archive ({str(exc).splitlines()[0][:80]})") from None
    except (EOFError, OSError, ValueError, AttributeError):  # warcio, on a record cut in its headers
        pass
    if not complete:
        raise QuotesError(f"{name}: no complete WARC record (not a web archive, or cut off in its first record)")
    pages = "1 HTML page" if found == 1 else f"{found} HTML pages"
    raise QuotesError(f"{name}: the archive is cut off after record {complete}: read the {pages} before the cut")


def _iso_date(value: str | None) -> str | None:
    """An ISO 8601 date or datetime as given, or None if it is not one."""
    if not value:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return None
    return value
