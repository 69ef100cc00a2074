"""Web pages and web archives as articles (quotes.web through quotes.readers)."""
from __future__ import annotations

import gzip
import io

import pytest

from quotes.errors import QuotesError
from quotes.extract import extract
from quotes.readers import read_articles

PAGE = """<!doctype html><html><head>
<title>Mayor promises new bridge | The Daily</title>
<meta property="og:title" content="Mayor promises new bridge">
<meta property="og:site_name" content="The Daily">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2021-05-04">
<link rel="canonical" href="https://daily.example/bridge">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Mayor promises new bridge</h1>
<p>The mayor of the town, Ann Lee, spoke to residents on Tuesday evening at the town hall about the plans.</p>
<p>"The bridge will open in May, and it will be paid for by the state," Ms Lee said to the crowd of residents.</p>
<p>Residents said they had waited for a new bridge for more than ten years and welcomed the plans.</p>
</article>
<footer><p>Read more: <a href="/a">Other story</a> <a href="/b">Another story</a></p></footer>
</body></html>"""


def warc_bytes(pages: list[tuple[str, str, str]]) -> bytes:
    """A gzipped WARC with one response record per (uri, content type, body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for uri, kind, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body.encode("utf-8")), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2021-05-05T10:00:00Z"},
        )
        writer.write_record(record)
    return out.getvalue()


def test_html_page_gives_its_main_text_and_metadata(tmp_path, nlp):
    path = tmp_path / "bridge.html"
    path.write_text(PAGE, encoding="utf-8")
    [article] = read_articles([str(path)])
    assert article.title == "Mayor promises new bridge"
    assert (article.date, article.source, article.url) == ("2021-05-04", "The Daily", "https://daily.example/bridge")
    assert article.author == "Jane Roe"
    assert "Read more" not in article.text and "Sport" not in article.text  # boilerplate left out
    [quote] = [q for q in extract(article, nlp=nlp) if q.kind == "direct"]
    assert quote.speaker == "Ann Lee" and quote.author == "Jane Roe"
    assert article.text[quote.start : quote.end] == quote.text


def test_gzipped_html_in_a_folder_is_read(tmp_path):
    (tmp_path / "bridge.htm.gz").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    assert [a.title for a in read_articles([str(tmp_path)])] == ["Mayor promises new bridge"]


def test_html_with_no_article_text_is_a_one_line_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav><p>", encoding="utf-8")
    with pytest.raises(QuotesError, match=r"empty\.html: no article text"):
        list(read_articles([str(path)]))


def test_warc_archive_gives_one_article_per_html_response(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_bytes([
        ("https://daily.example/bridge", "text/html; charset=utf-8", PAGE),
        ("https://daily.example/logo.png", "image/png", "PNG"),
    ]))
    [article] = read_articles([str(path)])
    assert article.url == "https://daily.example/bridge"
    assert article.date == "2021-05-05T10:00:00Z"  # the capture date, from the archive
    assert article.title == "Mayor promises new bridge"


def test_a_file_that_is_not_a_warc_is_a_one_line_error(tmp_path):
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"this is not an archive\n" * 10)
    errors = []
    assert list(read_articles([str(path)], on_error=errors.append)) == []
    assert len(errors) == 1 and "crawl.warc" in str(errors[0]) and "\n" not in str(errors[0])
