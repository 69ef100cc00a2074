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
    """One article per HTML response record (plain or gzipped WARC); a page without article
    text is yielded as an error and reading goes on."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found = False
    try:
        for n, record in enumerate(ArchiveIterator(handle), 1):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            kind = record.http_headers.get_header("Content-Type") or ""
            if "html" not in kind.lower():
                continue
            found = True
            uri = record.rec_headers.get_header("WARC-Target-URI")
            origin = f"{name}:{uri or f'record {n}'}"
            try:
                yield html_article(
                    record.content_stream().read(), origin, url=uri,
                    date=_iso_date(record.rec_headers.get_header("WARC-Date")),
                )
            except QuotesError as exc:
                yield exc
    except ArchiveLoadFailed as exc:
        raise QuotesError(f"{name}: not a WARC archive ({str(exc).splitlines()[0][:80]})") from None
    if not found:
        raise QuotesError(f"{name}: no HTML pages in this archive")


def _iso_date(value: str | None) -> str | None:
    """An ISO 8601 date or datetime as given, or None if it is not one."""
    if not value:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return None
    return value
