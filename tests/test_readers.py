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


def test_txt_keeps_text_exactly_and_takes_title_from_first_line(tmp_path):
    path = write(tmp_path / "a.txt", "\n\n  " + ARTICLE)
    [article] = read([path])
    assert article.text == "\n\n  " + ARTICLE  # no newline normalisation, no stripping
    assert article.title == "Talks in Moscow"
    assert article.origin == path
    assert article.id == stable_hash(article.text)
    assert article.date is None and article.source is None and article.url is None


def test_txt_drops_a_byte_order_mark(tmp_path):
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    [article] = read([path])
    assert article.text == ARTICLE


def test_rereading_gives_the_same_ids(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE)
    assert read([path])[0].id == read([path])[0].id


def test_explicit_file_with_other_extension_is_read_as_text(tmp_path):
    path = write(tmp_path / "story.md", ARTICLE)
    [article] = read([path])
    assert article.text == ARTICLE


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
