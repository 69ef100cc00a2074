import collections
import gzip
import io
import json

import pytest

from quotes.errors import QuotesError
from quotes.model import Article, stable_hash
from quotes.readers import read_articles

ARTICLE = 'Talks in Moscow\r\n\r\n"We agreed," Putin said.\r\n'


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return str(path)


def jsonl(*records):
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def read(paths, **kwargs):
    return list(read_articles(paths, **kwargs))


def errors_of(paths, **kwargs):
    errors = []
    articles = read(paths, on_error=errors.append, **kwargs)
    return articles, [str(e) for e in errors]


# --- .txt ---------------------------------------------------------------------------------------


UNIX = ARTICLE.replace("\r\n", "\n")


def test_txt_keeps_text_but_line_ends_and_takes_title_from_first_line(tmp_path):
    path = write(tmp_path / "a.txt", "\n\n  " + ARTICLE)
    [article] = read([path])
    assert article.text == "\n\n  " + UNIX  # no stripping
    assert article.title == "Talks in Moscow"
    assert article.origin == path
    assert article.id == "a.txt"  # a file is its name
    assert article.date is None and article.source is None and article.url is None


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_old_mac_and_windows_line_ends_are_read_as_newlines(tmp_path, ending):
    text = f'Talks in Moscow{ending}{ending}"We agreed," Putin said.{ending}Then he left.{ending}'
    txt = write(tmp_path / "a.txt", text)
    lines = write(tmp_path / "b.jsonl", jsonl({"text": text}))
    stdin = read(["-"], stdin=io.StringIO(text))
    for article in read([txt]) + read([lines]) + stdin:
        assert article.text == 'Talks in Moscow\n\n"We agreed," Putin said.\nThen he left.\n'
    assert read([txt])[0].title == "Talks in Moscow"


def test_an_old_mac_file_keeps_its_title_out_of_the_quotes(tmp_path, nlp):
    from quotes.extract import extract

    text = 'Putin says talks went well\r\r"We agreed on everything," Putin said.\r'
    [article] = read([write(tmp_path / "mac.txt", text)])
    found = extract(article, nlp=nlp)
    assert [q.text for q in found] == ["We agreed on everything,"]
    assert all(article.text[q.start:q.end] == q.text for q in found)


def test_a_files_id_is_its_path_in_the_folder_or_the_id_given(tmp_path):
    write(tmp_path / "news" / "a.txt", "Old words.")
    write(tmp_path / "news" / "2019" / "b.txt", "Other words.")
    assert [a.id for a in read([str(tmp_path / "news")])] == ["2019/b.txt", "a.txt"]
    write(tmp_path / "news" / "a.txt", "New words.")  # edited: still the same article
    assert read([str(tmp_path / "news")])[1].id == "a.txt"
    assert read([str(tmp_path / "news" / "a.txt")])[0].id == "a.txt"
    assert read([str(tmp_path / "news" / "a.txt")], article_id="story-7")[0].id == "story-7"
    assert read(["-"], stdin=io.StringIO("Typed."), article_id="typed")[0].id == "typed"
    with pytest.raises(QuotesError, match="one article"):
        read([str(tmp_path / "news")], article_id="x")


def test_duplicate_ids_are_errors_at_the_second_line_and_reading_goes_on(tmp_path):
    path = write(tmp_path / "a.jsonl", jsonl(
        {"id": "one", "text": "A."}, {"id": "dup", "text": "B."}, {"id": "two", "text": "C."},
        {"id": "dup", "text": "D."}, {"id": "three", "text": "E."}))
    articles, errors = errors_of([path])
    assert [a.text for a in articles] == ["A.", "B.", "C.", "E."]
    assert errors == [f'{path}:4: id "dup" already used at line 2']
    other = write(tmp_path / "b.jsonl", jsonl({"id": "one", "text": "F."}))
    _, errors = errors_of([path, other])
    assert errors[-1] == f'{other}:1: id "one" already used at {path}:1'


def test_the_same_text_twice_without_ids_is_no_error(tmp_path):
    path = write(tmp_path / "a.jsonl", jsonl({"text": "A."}, {"text": "A."}))
    assert errors_of([path])[1] == []


@pytest.mark.parametrize("name", ["dump.json", "dump.csv", "dump.json.gz"])
def test_data_files_named_explicitly_are_errors_not_articles(tmp_path, name):
    content = '[{"text": "A."}]' if ".json" in name else "id,text\n1,A.\n"
    path = tmp_path / name
    path.write_bytes(gzip.compress(content.encode()) if name.endswith(".gz") else content.encode())
    with pytest.raises(QuotesError, match=r"holds no article.*\.jsonl"):
        read([str(path)])


def test_files_of_folders_that_are_not_articles_are_counted_by_extension(tmp_path):
    write(tmp_path / "a.txt", "A")
    write(tmp_path / "notes.md", "x")
    write(tmp_path / "more" / "todo.md", "x")
    write(tmp_path / "data.csv", "x")
    write(tmp_path / "README", "x")
    write(tmp_path / ".hidden", "x")
    skipped = collections.Counter()
    assert [a.text for a in read([str(tmp_path)], skipped=skipped)] == ["A"]
    assert skipped == {".md": 2, ".csv": 1, "(none)": 1}


def test_txt_drops_a_byte_order_mark(tmp_path):
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    [article] = read([path])
    assert article.text == UNIX


def test_rereading_gives_the_same_ids(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE)
    assert read([path])[0].id == read([path])[0].id


def test_explicit_file_with_other_extension_is_read_as_text(tmp_path):
    path = write(tmp_path / "story.md", ARTICLE)
    [article] = read([path])
    assert article.text == UNIX


# --- .jsonl -------------------------------------------------------------------------------------


def test_jsonl_reads_one_article_per_line_with_metadata(tmp_path):
    path = write(
        tmp_path / "a.jsonl",
        jsonl(
            {"id": "x1", "text": "One.", "title": "T", "date": "2019-01-23", "url": "http://u",
             "source": "The National", "author": "Jane Roe", "extra": 1},
            "",
            "   ",
            {"id": 7, "text": "Two.", "date": "2019-01-23T14:05:00+03:00"},
            {"text": "Three."},
        ),
    )
    one, two, three = read([path])
    assert one == Article(text="One.", id="x1", title="T", date="2019-01-23", source="The National",
                          url="http://u", author="Jane Roe")
    assert one.origin == f"{path}:1"
    assert (two.id, two.date, two.title, two.origin) == ("7", "2019-01-23T14:05:00+03:00", None,
                                                         f"{path}:4")
    assert three.id == stable_hash("Three.")
    assert three.origin == f"{path}:5"


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object, got a list"),
        ('"text"', "expected a JSON object, got a string"),
        ('{"title": "T"}', '"text" is missing'),
        ('{"text": ""}', '"text" must be a non-empty string'),
        ('{"text": "  \\n "}', '"text" must be a non-empty string'),
        ('{"text": 5}', '"text" must be a non-empty string'),
        ('{"text": "x", "date": "23/01/2019"}', "bad date '23/01/2019'"),
        ('{"text": "x", "date": 2019}', '"date" must be a string, got a number'),
        ('{"text": "x", "id": true}', '"id" must be a non-empty string or an integer'),
        ('{"text": "x", "title": ["a"]}', '"title" must be a string, got a list'),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_bad_jsonl_line_is_reported_with_file_and_line(tmp_path, line, message):
    path = write(tmp_path / "a.jsonl", jsonl({"text": "Good."}, line, {"text": "Also good."}))
    with pytest.raises(QuotesError) as raised:
        read([path])
    assert str(raised.value).startswith(f"{path}:2: ")
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)

    articles, errors = errors_of([path])
    assert [a.text for a in articles] == ["Good.", "Also good."]
    assert len(errors) == 1 and errors[0].startswith(f"{path}:2: ")


def test_jsonl_is_read_line_by_line(tmp_path):
    path = write(tmp_path / "a.jsonl", jsonl({"text": "One."}, {"text": "Two."}))
    articles = read_articles([path])
    assert next(articles).text == "One."
    with open(path, "a", encoding="utf-8") as handle:  # seen only if the file is streamed
        handle.write(jsonl({"text": "Three."}))
    assert [a.text for a in articles] == ["Two.", "Three."]


# --- folders ------------------------------------------------------------------------------------


def test_folder_is_read_recursively_sorted_and_skips_hidden_and_other_files(tmp_path):
    write(tmp_path / "b.txt", "B")
    write(tmp_path / "a" / "z.jsonl", jsonl({"text": "AZ1"}, {"text": "AZ2"}))
    write(tmp_path / "a" / "c.txt", "AC")
    write(tmp_path / "c.TXT", "C")
    write(tmp_path / "notes.md", "not read")
    write(tmp_path / ".hidden.txt", "not read")
    write(tmp_path / ".git" / "x.txt", "not read")
    assert [a.text for a in read([str(tmp_path)])] == ["AC", "AZ1", "AZ2", "B", "C"]


def test_empty_folder_is_an_error(tmp_path):
    write(tmp_path / "notes.md", "nothing to read")
    with pytest.raises(QuotesError, match=r"no \.txt, \.jsonl, \.html, \.htm, \.warc files"):
        read([str(tmp_path)])


def test_bad_file_in_folder_is_skipped_with_on_error(tmp_path):
    write(tmp_path / "a.txt", "A")
    write(tmp_path / "b.txt", b"\xff\xfe binary")
    write(tmp_path / "c.txt", "C")
    articles, errors = errors_of([str(tmp_path)])
    assert [a.text for a in articles] == ["A", "C"]
    assert errors == [f"{tmp_path / 'b.txt'}: not a UTF-8 text file"]


def test_os_errors_become_quotes_errors(tmp_path):
    inside_a_file = str(tmp_path / "a.txt" / "b.txt")
    write(tmp_path / "a.txt", "A")
    with pytest.raises(QuotesError) as raised:
        read([inside_a_file])
    assert str(raised.value) == f"{inside_a_file}: not a directory"


# --- stdin --------------------------------------------------------------------------------------


def test_stdin_text_is_one_article():
    [article] = read(["-"], stdin=io.StringIO("\n  Headline\n\nBody.\n"))
    assert (article.text, article.title, article.origin) == ("\n  Headline\n\nBody.\n",
                                                             "Headline", "<stdin>")


def test_stdin_starting_with_brace_is_json_lines():
    stdin = io.StringIO("\n  " + jsonl({"text": "One.", "id": "a"}, {"text": "Two."}))
    articles = read(["-"], stdin=stdin)
    assert [(a.id, a.text, a.origin) for a in articles] == [
        ("a", "One.", "<stdin>:2"),
        (stable_hash("Two."), "Two.", "<stdin>:3"),
    ]


def test_stdin_with_binary_data_is_an_error():
    with pytest.raises(QuotesError, match="^<stdin>: not a UTF-8 text file$"):
        read(["-"], stdin=io.StringIO("abc\x00def"))
    with pytest.raises(QuotesError, match="^<stdin>:2: not a UTF-8 text file$"):
        read(["-"], stdin=io.StringIO('{"text": "One."}\n{"text": "\udcff"}\n'))


# --- keyword metadata ---------------------------------------------------------------------------


def test_keyword_metadata_overrides_every_article(tmp_path):
    path = write(tmp_path / "a.jsonl", jsonl({"text": "One.", "title": "T", "date": "2001-01-01"},
                                             {"text": "Two.", "id": "k"}))
    articles = read([path], date="2019-01-23", source="The National", url="http://x")
    assert [(a.id, a.title, a.date, a.source, a.url) for a in articles] == [
        (stable_hash("One."), "T", "2019-01-23", "The National", "http://x"),
        ("k", None, "2019-01-23", "The National", "http://x"),
    ]
    assert [a.title for a in read([path], title="Given")] == ["Given", "Given"]


def test_bad_keyword_date_is_raised_before_reading(tmp_path):
    with pytest.raises(QuotesError, match="bad date '23 Jan 2019'"):
        read_articles([str(tmp_path / "missing.txt")], date="23 Jan 2019")


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.txt", "", "empty file"),
        ("a.txt", " \n\t\r\n", "empty file"),
        ("a.jsonl", "\n  \n", "empty file"),
        ("a.txt", b"PK\x03\x04\x00\x00", "not a UTF-8 text file"),
        ("a.txt", b"caf\xe9", "not a UTF-8 text file"),
    ],
)
def test_bad_file_is_an_error_naming_it(tmp_path, name, content, message):
    path = write(tmp_path / name, content)
    with pytest.raises(QuotesError) as raised:
        read([path])
    assert str(raised.value) == f"{path}: {message}"


def test_binary_jsonl_names_the_line(tmp_path):
    path = write(tmp_path / "a.jsonl", b'{"text": "One."}\n{"text": "\x00"}\n{"text": "Three."}\n')
    articles, errors = errors_of([path])
    assert [a.text for a in articles] == ["One."]  # the rest of a binary file is not read
    assert errors == [f"{path}:2: not a UTF-8 text file"]


def test_missing_path_is_an_error_and_reading_goes_on(tmp_path):
    missing = str(tmp_path / "data" / "x.txt")
    good = write(tmp_path / "b.txt", "B")
    with pytest.raises(QuotesError) as raised:
        read([missing, good])
    assert str(raised.value) == f"{missing}: no such file or directory"

    articles, errors = errors_of([missing, good])
    assert [a.text for a in articles] == ["B"]
    assert errors == [f"{missing}: no such file or directory"]


def test_gzipped_text_and_jsonl_files_are_read_as_the_files_inside(tmp_path):
    import gzip

    with gzip.open(tmp_path / "a.txt.gz", "wt", encoding="utf-8") as f:
        f.write("Title\n\nBody text.")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write('{"id": "x", "text": "One."}\n{"id": "y", "text": "Two."}\n')
    (tmp_path / "c.gz").write_bytes(gzip.compress(b"ignored: not .txt or .jsonl inside"))
    articles = list(read_articles([str(tmp_path)]))
    assert [(a.title, a.text) for a in articles][:1] == [("Title", "Title\n\nBody text.")]
    assert [a.id for a in articles[1:]] == ["x", "y"]
    assert articles[1].origin == f"{tmp_path / 'b.jsonl.gz'}:1"


def test_a_broken_gzip_file_is_a_one_line_error(tmp_path):
    import gzip

    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "One."}\n' * 100)[:40])
    with pytest.raises(QuotesError, match=r"a\.jsonl\.gz.*gzip"):
        list(read_articles([str(path)]))


def test_glob_chooses_the_files_of_folders(tmp_path):
    write(tmp_path / "2019" / "a.txt", "A 2019")
    write(tmp_path / "2020" / "b.txt", "B 2020")
    write(tmp_path / "2020" / "c.jsonl", '{"text": "C 2020"}\n')
    assert [a.text for a in read_articles([str(tmp_path)], glob="*.txt")] == ["A 2019", "B 2020"]
    assert [a.text for a in read_articles([str(tmp_path)], glob="2020/*")] == ["B 2020", "C 2020"]
    with pytest.raises(QuotesError, match="no files matching '\\*.html'"):
        list(read_articles([str(tmp_path)], glob="*.html"))


# --- truncated web archives ---------------------------------------------------------------------

PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>"The bridge will open in May, and it will be paid for by the state," Ann Lee said to the crowd.</p>
<p>Residents said they had waited for a new bridge for more than ten years and welcomed it.</p>
</article></body></html>"""


def warc(titles, gzipped=True):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    for n, title in enumerate(titles):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = PAGE.format(title=title).encode("utf-8")
        writer.write_record(writer.create_warc_record(
            f"https://daily.example/{n}", "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


@pytest.mark.parametrize("gzipped, cut", [(True, 30), (True, 200), (True, 400), (False, 8), (False, 400), (False, 700)])
def test_a_cut_off_archive_gives_its_complete_records_and_says_where_it_was_cut(tmp_path, gzipped, cut):
    data = warc(["Mayor promises a new bridge", "Second story about the tunnel"], gzipped)
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    path.write_bytes(data[:-cut])
    articles, errors = errors_of([str(path)])
    assert [a.title for a in articles] == ["Mayor promises a new bridge"]
    assert errors == [f"{path}: the archive is cut off after record 1: read the 1 HTML page before the cut"]


def test_an_archive_cut_in_its_first_record_says_so(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc(["Mayor promises a new bridge", "Second story about the tunnel"])[:300])
    assert errors_of([str(path)]) == ([], [f"{path}: no complete WARC record (not a web archive, or cut off in its first record)"])


def test_a_whole_archive_reads_every_page(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc(["Mayor promises a new bridge", "Second story about the tunnel"]))
    articles, errors = errors_of([str(path)])
    assert len(articles) == 2 and errors == []
