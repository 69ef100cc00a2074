"""The `quotes` command line, run in-process with click's CliRunner (stderr kept apart)."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

import quotes
from quotes import cli, cli_search
from quotes import ingest as ingest_module
from quotes.cli import main
from quotes.model import Quote
from quotes.store import ArticleStore

QUOTE_FIELDS = list(Quote.__dataclass_fields__) + ["verbatim"]  # every record says if its text is verbatim
HIT_FIELDS = QUOTE_FIELDS + ["score", "matches", "sources", "first_seen"]
SUMMARY = re.compile(
    r"^Indexed (\d+) articles?, (\d+) quotes?, (\d+) speakers? in \d+\.\d seconds into (.+)$"
)

JANE = '"We won the election," Jane Doe said.\n'
JOHN = '"The bridge will open in May," John Smith said on Monday.\n'
ANN = '"Taxes will not rise," Ann Lee said.\n'


@pytest.fixture
def run(nlp):
    """Invoke the CLI; never a traceback, and the exit code checked when `code` is given."""

    def invoke(*args, code=0, input=None, env=None, color=False):
        result = CliRunner().invoke(
            main, [str(a) for a in args], input=input, env=env, color=color
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert "Traceback" not in result.stderr
        if code is not None:
            assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    return invoke


@pytest.fixture
def articles(tmp_path):
    """A folder of three small articles: two .txt files and a .jsonl line."""
    folder = tmp_path / "articles"
    folder.mkdir()
    # One-line .txt articles (the title is the line itself): a separate title line still sways
    # the extractor while its rules are being reworked.
    (folder / "jane.txt").write_text(JANE, encoding="utf-8")
    (folder / "john.txt").write_text(JOHN, encoding="utf-8")
    line = {"id": "ann-1", "text": ANN, "title": "Budget", "date": "2020-03-01", "source": "Daily"}
    (folder / "more.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def ix(tmp_path, run, articles):
    """An index holding the three small articles."""
    path = tmp_path / "ix"
    run("ingest", articles, "--index", path)
    return path


def summary(result):
    match = SUMMARY.match(result.stdout.strip())
    assert match, result.stdout
    articles, quotes_, speakers, where = match.groups()
    return int(articles), int(quotes_), int(speakers), where


def errors(result):
    lines = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines), lines
    return [line[len("error: "):] for line in lines]


def records(result):
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


# --- the group ----------------------------------------------------------------------------------


def test_version(run):
    assert run("--version").stdout.strip() == f"quotes, version {quotes.__version__}"


@pytest.mark.parametrize("command", ["ingest", "extract", "search", "speakers", "show", "evaluate"])
def test_every_command_has_help_with_an_example(run, command):
    text = run(command, "--help").stdout
    assert "Example" in text
    assert f"quotes {command}" in text


def test_options_are_on_the_commands_that_use_them(run):
    assert "--index" in run("search", "--help").stdout
    assert "--model" not in run("search", "--help").stdout
    assert "--model" in run("extract", "--help").stdout
    assert "--index" not in run("extract", "--help").stdout
    assert "$QUOTES_INDEX" in run("ingest", "--help").stdout


@pytest.mark.parametrize("args, says", [
    (["search", "--limit", "0"], "main search: Invalid value for '--limit': 0 is not in the range 1<=x<=1000."),
    (["search", "--sort", "bogus"], "'bogus' is not one of 'relevance', 'date', '-date'."),
    (["cite", "x", "--style", "harvard"], "'harvard' is not one of 'plain', 'markdown', 'apa', 'mla', 'chicago'."),
    (["show", "x", "--format", "csv"], "'csv' is not one of"),
    (["ingest"], "main ingest: Missing argument 'PATH...'."),
    (["search", "--nope"], "No such option '--nope'"),
    (["bogus"], "No such command 'bogus'."),
])
def test_usage_errors_are_one_error_line_with_the_valid_values(run, args, says):
    result = run(*args, code=2)
    [line] = result.stderr.splitlines()
    assert line.startswith("error: main") and says in line and line.endswith("--help)")
    assert "Usage:" not in result.stderr and result.stdout == ""


# --- ingest -------------------------------------------------------------------------------------


def test_ingest_summary(run, tmp_path, articles):
    result = run("ingest", articles, "--index", tmp_path / "ix")
    assert summary(result) == (3, 3, 3, str(tmp_path / "ix"))
    assert result.stderr == ""


def test_ingest_uses_quotes_index_from_the_environment(run, tmp_path, articles):
    path = tmp_path / "from-env"
    result = run("ingest", articles, env={"QUOTES_INDEX": str(path)})
    assert summary(result)[3] == str(path)
    hits = records(run("search", "election", "--format", "json", env={"QUOTES_INDEX": str(path)}))
    assert [h["speaker"] for h in hits] == ["Jane Doe"]


def test_reingest_gives_no_duplicates(run, ix, articles):
    before = run("search", "--limit", "100", "--format", "json", "--index", ix).stdout
    speakers = run("speakers", "--format", "json", "--index", ix).stdout
    again = run("ingest", articles, "--index", ix).stdout
    assert again.startswith("Indexed 0 articles, 0 quotes") and "(3 unchanged articles skipped)" in again
    assert summary(run("ingest", articles, "--force", "--index", ix))[:2] == (3, 3)
    assert run("search", "--limit", "100", "--format", "json", "--index", ix).stdout == before
    assert run("speakers", "--format", "json", "--index", ix).stdout == speakers
    assert len(records(run("search", "election", "--format", "json", "--index", ix))) == 1


def test_reingest_extracts_a_changed_article_again(run, tmp_path):
    path, ix = tmp_path / "a.jsonl", tmp_path / "ix"
    path.write_text(json.dumps({"id": "a", "text": '"We will win," Jane Doe said.'}) + "\n", encoding="utf-8")
    run("ingest", path, "--index", ix)
    path.write_text(json.dumps({"id": "a", "text": '"We have lost," Jane Doe said.'}) + "\n", encoding="utf-8")
    assert summary(run("ingest", path, "--index", ix))[:2] == (1, 1)
    [hit] = records(run("search", "--format", "json", "--index", ix))
    assert hit["text"] == "We have lost,"
    # new metadata counts as a change too: the quotes carry it
    assert summary(run("ingest", path, "--source", "Daily", "--index", ix))[:2] == (1, 1)


def test_ingest_adds_to_what_is_indexed(run, ix, tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text('"It will rain all week," Mary Major said.\n', encoding="utf-8")
    run("ingest", extra, "--index", ix)
    names = [s["speaker"] for s in records(run("speakers", "--format", "json", "--index", ix))]
    assert set(names) == {"Jane Doe", "John Smith", "Ann Lee", "Mary Major"}


def test_ingest_reports_bad_articles_and_indexes_the_rest(run, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\x00\x01\x02")
    (folder / "good.txt").write_text(JANE, encoding="utf-8")
    lines = [{"text": JOHN}, "this is not json", {"text": ANN}]
    (folder / "batch.jsonl").write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8"
    )
    missing = tmp_path / "missing.txt"
    result = run("ingest", folder, missing, "--index", tmp_path / "ix", code=1)
    assert summary(result)[:3] == (3, 3, 3)
    problems = errors(result)
    assert len(problems) == 4
    assert any(p.startswith(f"{folder / 'batch.jsonl'}:2: not valid JSON") for p in problems)
    assert f"{folder / 'binary.txt'}: not a UTF-8 text file" in problems
    assert f"{folder / 'empty.txt'}: empty file" in problems
    assert f"{missing}: no such file or directory" in problems
    speakers = records(run("speakers", "--format", "json", "--index", tmp_path / "ix"))
    assert {s["speaker"] for s in speakers} == {"Jane Doe", "John Smith", "Ann Lee"}


def test_ingest_only_bad_input(run, tmp_path):
    result = run("ingest", tmp_path / "nope.txt", "--index", tmp_path / "ix", code=1)
    assert summary(result)[:3] == (0, 0, 0)
    assert errors(result) == [f"{tmp_path / 'nope.txt'}: no such file or directory"]
    assert not (tmp_path / "ix").exists()  # no empty index made for nothing


@pytest.mark.parametrize("name, content", [("dump.json", '[{"text": "\\"We won,\\" Jane Doe said."}]'),
                                           ("dump.csv", 'id,text\n1,"We won, Jane Doe said."\n')])
def test_ingest_of_a_json_or_csv_file_is_an_error_not_a_junk_article(run, tmp_path, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = run("ingest", tmp_path / name, "--index", tmp_path / "ix", code=1)
    [message] = errors(result)
    assert "holds no article" in message and ".jsonl" in message
    assert not (tmp_path / "ix").exists()


def test_ingest_says_how_many_files_of_other_kinds_it_skipped(run, tmp_path, articles):
    (articles / "notes.md").write_text("x", encoding="utf-8")
    (articles / "todo.md").write_text("x", encoding="utf-8")
    (articles / "photo.jpg").write_bytes(b"\xff\xd8")
    result = run("ingest", articles, "--index", tmp_path / "ix")
    assert result.stdout.rstrip().endswith("(3 files not articles skipped: 2 .md, 1 .jpg)")


def test_duplicate_ids_in_one_input_are_errors_and_the_rest_is_indexed(run, tmp_path):
    lines = [{"id": f"a{n}", "text": f'"We will build road {n}," Jane Doe said.'} for n in range(7)]
    lines.insert(4, {"id": "a2", "text": '"We lost," John Roe said.'})
    path = tmp_path / "eight.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = run("ingest", path, "--index", tmp_path / "ix", code=1)
    assert errors(result) == [f'{path}:5: id "a2" already used at line 3']
    assert summary(result)[:2] == (7, 7)


def test_an_edited_file_replaces_its_article(run, tmp_path):
    folder, ix = tmp_path / "news", tmp_path / "ix"
    folder.mkdir()
    (folder / "a.txt").write_text('"We will win the vote," Jane Doe said.\n', encoding="utf-8")
    (folder / "b.txt").write_text('"The bridge opens in May," John Smith said.\n', encoding="utf-8")
    run("ingest", folder, "--index", ix)
    (folder / "a.txt").write_text('"We have lost the vote," Jane Doe said.\n', encoding="utf-8")
    assert summary(run("ingest", folder, "--index", ix))[:2] == (1, 1)
    hits = records(run("search", "--format", "json", "--index", ix))
    assert sorted(h["text"] for h in hits) == ["The bridge opens in May,", "We have lost the vote,"]
    assert all(h["sources"] == 1 for h in hits)
    assert "Exact match" not in run("verify", "We will win the vote", "--index", ix, code=None).stdout
    # the same file named by itself, or given an id, is the same article
    assert summary(run("ingest", folder / "a.txt", "--index", ix))[:2] == (0, 0)
    run("ingest", "-", "--id", "a.txt", "--index", ix, input='"We tied," Jane Doe said.\n')
    assert sorted(h["text"] for h in records(run("search", "--format", "json", "--index", ix))) == [
        "The bridge opens in May,", "We tied,"]


def test_ingest_bad_date_is_an_error_before_anything_is_read(run, tmp_path, articles):
    result = run("ingest", articles, "--date", "23/01/2019", "--index", tmp_path / "ix", code=1)
    assert result.stdout == ""
    [message] = errors(result)
    assert "bad date '23/01/2019'" in message


def test_ingest_into_a_folder_that_is_not_an_index(run, tmp_path, articles):
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("ingest", articles, "--index", used, code=1)
    [message] = errors(result)
    assert "is not empty and holds no quotes index" in message


def test_ingest_commits_one_batch_at_a_time(run, tmp_path, articles, monkeypatch):
    calls = []
    add = cli.QuoteIndex.add

    def spy(self, items, extractor=None):
        items = list(items)
        calls.append(len(items))
        return add(self, items, extractor=extractor)

    monkeypatch.setattr(cli.QuoteIndex, "add", spy)
    result = run("ingest", articles, "--batch-size", "2", "--index", tmp_path / "ix")
    assert calls == [2, 1]
    assert summary(result)[:2] == (3, 3)
    run("ingest", articles, "--batch-size", "0", "--index", tmp_path / "ix", code=2)


def test_ingest_interrupted_keeps_committed_batches(run, tmp_path, articles, monkeypatch):
    real = ingest_module.extract_articles

    def interrupted(items, nlp=None, jobs=1, **options):
        for n, pair in enumerate(real(items, nlp, jobs=jobs, **options)):
            if n == 2:
                raise KeyboardInterrupt
            yield pair

    monkeypatch.setattr(ingest_module, "extract_articles", interrupted)
    path = tmp_path / "ix"
    result = run("ingest", articles, "--batch-size", "1", "--index", path, code=130)
    assert result.stderr.strip() == "interrupted: 2 articles indexed"
    assert len(records(run("search", "--format", "json", "--index", path))) == 2
    monkeypatch.setattr(ingest_module, "extract_articles", real)
    resumed = run("ingest", articles, "--index", path).stdout  # picks up where it stopped
    assert resumed.startswith("Indexed 1 article, 1 quote") and "(2 unchanged articles skipped)" in resumed
    assert len(records(run("search", "--format", "json", "--index", path))) == 3


def test_ingest_into_a_locked_index(run, ix, articles):
    writer = whoosh_index.open_dir(str(ix)).writer()  # holds the index's write lock
    try:
        result = run("ingest", articles, "--force", "--index", ix, code=1)
    finally:
        writer.cancel()
    [message] = errors(result)
    assert message == (f"index at {ix} is locked by another writer; try again when it finishes,"
                       " or give --wait SECONDS")
    run("ingest", articles, "--force", "--index", ix)  # free again


def test_ingest_optimize_leaves_one_segment(run, ix, articles, tmp_path):
    more = tmp_path / "more.txt"
    more.write_text('"We will build the road," Ann Lee said.\n', encoding="utf-8")
    run("ingest", more, "--optimize", "--index", ix)
    assert len(list(ix.glob("*.seg"))) == 1
    assert len(records(run("search", "--format", "json", "--index", ix))) == 4


def test_ingest_waits_for_the_writer_lock(run, ix, articles, monkeypatch):
    writer = whoosh_index.open_dir(str(ix)).writer()
    waiting = threading.Event()
    say_waiting = cli._say_waiting
    monkeypatch.setattr(cli, "_say_waiting", lambda wait: (say_waiting(wait), waiting.set()))

    def other_writer() -> None:  # finishes a moment after the ingest starts waiting for it
        waiting.wait(60)
        time.sleep(0.2)
        writer.cancel()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        result = run("ingest", articles, "--force", "--wait", "30", "--index", ix)
    finally:
        waiting.set()
        thread.join()
    assert result.stderr == "waiting up to 30 seconds for another writer to finish…\n"
    assert summary(result)[:2] == (3, 3)


def test_ingest_gives_up_waiting(run, ix, articles):
    writer = whoosh_index.open_dir(str(ix)).writer()
    try:
        result = run("ingest", articles, "--force", "--wait", "0.5", "--index", ix, code=1)
    finally:
        writer.cancel()
    assert result.stderr.splitlines()[-1] == (
        f"error: index at {ix} is locked by another writer after waiting 0.5 seconds;"
        " try again when it finishes, or give --wait SECONDS")


def test_ingest_shows_a_progress_bar_only_on_a_terminal(run, tmp_path, articles, monkeypatch):
    assert run("ingest", articles, "--index", tmp_path / "a").stderr == ""
    monkeypatch.setattr(cli, "_stderr_is_tty", lambda: True)
    result = run("ingest", articles, "--index", tmp_path / "b")
    assert "Ingesting" in result.stderr
    assert summary(result)[:2] == (3, 3)
    monkeypatch.setattr("click._termui_impl.isatty", lambda _: True)  # draw it in full
    result = run("ingest", articles, "--index", tmp_path / "c")
    drawn = re.findall(r"\]\s+(\d+)\s+[\d.]+ articles/s, (\d+) quotes", result.stderr)
    assert drawn[-1] == ("3", "3"), result.stderr  # 3 articles, 3 quotes: no double count


def test_reindex_progress_bar_says_reindexing_and_counts_right(run, ix, monkeypatch):
    from quotes import cli_index

    monkeypatch.setattr(cli_index, "_stderr_is_tty", lambda: True)
    monkeypatch.setattr("click._termui_impl.isatty", lambda _: True)
    result = run("reindex", "--index", ix)
    assert "Reindexing" in result.stderr and "Ingesting" not in result.stderr
    drawn = re.findall(r"\]\s+(\d+/\d+)\s+[\d.]+ articles/s, (\d+) quotes", result.stderr)
    assert drawn[-1] == ("3/3", "3"), result.stderr


def test_ingest_from_stdin(run, tmp_path):
    result = run("ingest", "-", "--title", "Piped", "--index", tmp_path / "ix", input=JANE)
    assert summary(result)[:2] == (1, 1)
    [hit] = records(run("search", "won", "--format", "json", "--index", tmp_path / "ix"))
    assert hit["title"] == "Piped"


# --- the sample article -------------------------------------------------------------------------


@pytest.fixture
def sample_ix(run, tmp_path, sample_path):
    path = tmp_path / "sample-ix"
    result = run("ingest", sample_path, "--date", "2019-01-23", "--source", "The National",
                 "--index", path)
    articles, found, speakers, _ = summary(result)
    assert articles == 1 and found >= 5 and speakers >= 2
    return path


def test_sample_search_idlib_finds_putins_shared_conviction(run, sample_ix):
    hits = records(run("search", "Idlib", "--format", "json", "--index", sample_ix))
    [hit] = [h for h in hits if "shared conviction" in h["text"]]
    assert hit["speaker"] == "Vladimir Putin"
    assert hit["date"] == "2019-01-23" and hit["source"] == "The National"
    assert hit["title"].startswith("Recep Tayyip Erdogan and Vladimir Putin vow closer")
    assert any(hit["text"][s:e] == "Idlib" for s, e in hit["matches"])
    table = run("search", "Idlib", "--index", sample_ix).stdout
    assert "Vladimir Putin" in table and "shared conviction" in table and hit["id"] in table


def test_sample_search_by_speaker_erdogan(run, sample_ix):
    hits = records(run("search", "--speaker", "erdogan", "--format", "json", "--index", sample_ix))
    assert hits and {h["speaker"] for h in hits} == {"Recep Tayyip Erdogan"}
    assert any(
        h["text"].startswith("Co-operation between Russia and Turkey is a touchstone") for h in hits
    )
    assert all(h["score"] == 0 and h["matches"] == [] for h in hits)


def test_sample_show_has_a_citation(run, sample_ix):
    hits = records(run("search", "touchstone", "--format", "json", "--index", sample_ix))
    hit = next(h for h in hits if h["speaker"] == "Recep Tayyip Erdogan")
    table = run("show", hit["id"], "--index", sample_ix).stdout
    citation = table.strip().splitlines()[-1].strip()
    assert citation.startswith('Recep Tayyip Erdogan, "Co-operation between Russia and Turkey')
    assert citation.endswith(", The National, 2019-01-23")
    assert "Moscow talks, The National" in citation


# --- extract ------------------------------------------------------------------------------------


def test_extract_table(run, articles):
    out = run("extract", articles).stdout
    assert JANE.strip() in out.splitlines() and "Budget" in out.splitlines()
    [jane] = [line for line in out.splitlines() if line.startswith("  ") and "Jane Doe" in line]
    assert jane.split()[0] == "direct"
    assert "We won the election" in jane and jane.rstrip().endswith("said")
    assert "2020-03-01 · Daily" in out


def test_extract_json_jsonl_csv_give_the_same_records(run, articles, tmp_path):
    as_json = records(run("extract", articles, "--format", "json"))
    assert [list(r) for r in as_json] == [QUOTE_FIELDS] * 3
    assert {r["speaker"] for r in as_json} == {"Jane Doe", "John Smith", "Ann Lee"}
    lines = run("extract", articles, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == as_json
    rows = list(csv.DictReader(io.StringIO(run("extract", articles, "--format", "csv").stdout)))
    assert list(rows[0]) == QUOTE_FIELDS
    assert [r["text"] for r in rows] == [r["text"] for r in as_json]
    assert [r["url"] for r in rows] == ["", "", ""]  # null -> empty cell


def test_extract_metadata_options(run, articles):
    found = records(run("extract", articles / "jane.txt", "--format", "json", "--title", "T",
                        "--date", "2021-02-03", "--source", "S", "--url", "http://x"))
    assert [(r["title"], r["date"], r["source"], r["url"]) for r in found] == [
        ("T", "2021-02-03", "S", "http://x")
    ]


def test_extract_from_stdin_and_no_quotes(run):
    [record] = records(run("extract", "-", "--format", "json", input=JANE))
    assert record["speaker"] == "Jane Doe"
    assert run("extract", "-", "--format", "json", input="No quotes here.\n").stdout.strip() == "[]"
    assert "0 quotes" in run("extract", "-", input="No quotes here.\n").stdout


def test_extract_reports_bad_files_and_goes_on(run, articles, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    result = run("extract", empty, articles / "jane.txt", "--format", "jsonl", code=1)
    assert errors(result) == [f"{empty}: empty file"]
    assert [json.loads(x)["speaker"] for x in result.stdout.splitlines()] == ["Jane Doe"]


def test_extract_unknown_model(run, articles):
    result = run("extract", articles, "--model", "no_such_model_xyz", code=1)
    [message] = errors(result)
    assert "cannot load the spaCy pipeline 'no_such_model_xyz'" in message


# --- search -------------------------------------------------------------------------------------


def test_search_formats(run, ix):
    [hit] = records(run("search", "bridge", "--format", "json", "--index", ix))
    assert list(hit) == HIT_FIELDS
    assert hit["speaker"] == "John Smith" and hit["score"] > 0
    assert [hit["text"][s:e] for s, e in hit["matches"]] == ["bridge"]
    [line] = run("search", "bridge", "--format", "jsonl", "--index", ix).stdout.splitlines()
    assert json.loads(line) == hit
    [row] = csv.DictReader(io.StringIO(run("search", "bridge", "--format", "csv", "--index", ix).stdout))
    assert list(row) == HIT_FIELDS
    assert row["id"] == hit["id"] and json.loads(row["matches"]) == hit["matches"]
    table = run("search", "bridge", "--index", ix, color=True).stdout  # not a terminal
    assert "John Smith" in table and hit["id"] in table and "\x1b[" not in table


def test_search_highlights_matches_on_a_terminal(run, ix, monkeypatch):
    monkeypatch.setattr(cli_search, "_stdout_is_tty", lambda: True)
    out = run("search", "bridge", "--index", ix, color=True).stdout
    assert re.search(r"\x1b\[[0-9;]*m(\x1b\[[0-9;]*m)*bridge\x1b\[0m", out)


def test_search_speakers_and_limit(run, ix):
    hits = records(run("search", "--speaker", "jane", "--speaker", "ann lee", "--format", "json",
                       "--index", ix))
    assert {h["speaker"] for h in hits} == {"Jane Doe", "Ann Lee"}
    assert len(records(run("search", "--limit", "1", "--format", "json", "--index", ix))) == 1
    assert len(records(run("search", "--format", "json", "--index", ix))) == 3


def test_search_without_hits(run, ix):
    result = run("search", "zebra", "--index", ix)
    assert result.stdout == "" and result.stderr.strip() == "No quotes found."
    result = run("search", "zebra", "--format", "json", "--index", ix)
    assert result.stdout.strip() == "[]" and result.stderr.strip() == "No quotes found."
    result = run("search", "zebra", "--format", "csv", "--index", ix)
    assert result.stdout.strip() == ",".join(HIT_FIELDS)


@pytest.mark.parametrize("query", ["won AND", "(won", "nosuchfield:won"])
def test_search_bad_query(run, ix, query):
    [message] = errors(run("search", query, "--index", ix, code=1))
    assert message.startswith(f"bad query {query!r}")


def test_commands_without_an_index(run, tmp_path):
    missing = tmp_path / "none"
    for args in (["search", "x"], ["speakers"], ["show", "abc"]):
        [message] = errors(run(*args, "--index", missing, code=1))
        assert message == f"no index at {missing}: run `quotes ingest` first"
    assert not missing.exists()


def test_search_piped_to_a_closed_pipe_prints_no_traceback(run, ix):
    command = [sys.executable, "-c", "from quotes.cli import main; main()",
               "search", "--index", str(ix), "--format", "jsonl"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` exiting before we write
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"Exception ignored" not in err, err


# --- speakers -----------------------------------------------------------------------------------


def test_speakers_formats(run, ix):
    table = run("speakers", "--index", ix).stdout.splitlines()
    assert table[0].split() == ["QUOTES", "SPEAKER"]
    assert sorted(line.split(None, 1)[1] for line in table[1:]) == ["Ann Lee", "Jane Doe", "John Smith"]
    data = records(run("speakers", "--format", "json", "--index", ix))
    assert sorted(data, key=lambda s: s["speaker"]) == [
        {"speaker": "Ann Lee", "quotes": 1},
        {"speaker": "Jane Doe", "quotes": 1},
        {"speaker": "John Smith", "quotes": 1},
    ]
    lines = run("speakers", "--format", "jsonl", "--index", ix).stdout.splitlines()
    assert [json.loads(x) for x in lines] == data
    rows = list(csv.DictReader(io.StringIO(run("speakers", "--format", "csv", "--index", ix).stdout)))
    assert [(r["speaker"], int(r["quotes"])) for r in rows] == [(d["speaker"], d["quotes"]) for d in data]


# --- show ---------------------------------------------------------------------------------------


def test_show(run, ix):
    [hit] = records(run("search", "taxes", "--format", "json", "--index", ix))
    record = json.loads(run("show", hit["id"], "--format", "json", "--index", ix).stdout)
    assert {k: v for k, v in record.items() if k not in ("citation", "copies")} == {
        k: v for k, v in hit.items() if k not in ("score", "matches", "sources", "first_seen")
    }
    assert [c["id"] for c in record["copies"]] == [hit["id"]]
    assert record["citation"] == 'Ann Lee, "Taxes will not rise", Budget, Daily, 2020-03-01'
    table = run("show", hit["id"], "--index", ix).stdout
    assert "id:" in table and hit["id"] in table
    assert "Ann Lee said" in table  # the sentence context
    assert table.strip().splitlines()[-1].strip() == record["citation"]


def test_show_unknown_id(run, ix):
    [message] = errors(run("show", "0000000000000000", "--index", ix, code=1))
    assert message == f"no quote with id '0000000000000000' in the index at {ix}"


# --- evaluate -----------------------------------------------------------------------------------


@pytest.fixture
def gold(tmp_path):
    start = JANE.index("We")
    line = {
        "id": "g1",
        "text": JANE,
        "quotes": [{"start": start, "end": JANE.index('"', start), "kind": "direct",
                    "speaker": "Jane Doe"}],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def test_evaluate_table_and_json(run, gold):
    table = run("evaluate", gold).stdout
    assert table.startswith("1 articles; kinds: direct, mixed, indirect")
    report = json.loads(run("evaluate", gold, "--kinds", "direct", "--format", "json",
                            "--errors", "3").stdout)
    assert report["kinds"] == ["direct"] and report["articles"] == 1
    assert report["rows"]["direct"]["gold"] == 1
    assert report["rows"]["all"]["tp"] == 1


def test_evaluate_errors(run, gold, tmp_path):
    [message] = errors(run("evaluate", gold, "--kinds", "direct,quoted", code=1))
    assert message.startswith("unknown quote kind(s) quoted")
    [message] = errors(run("evaluate", tmp_path / "none.jsonl", code=1))
    assert "cannot read the gold file" in message
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    [message] = errors(run("evaluate", bad, code=1))
    assert message.startswith(f"{bad}:1: bad gold data")


def test_ingest_glob_chooses_files_in_a_folder(run, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text('"We will win," Jane Doe said.', encoding="utf-8")
    (folder / "b.jsonl").write_text('{"text": "\\"We lost,\\" John Roe said."}\n', encoding="utf-8")
    result = run("ingest", str(folder), "--glob", "*.jsonl", "--index", tmp_path / "ix")
    assert result.stdout.startswith("Indexed 1 article, 1 quote, 1 speaker")


# --- reindex ------------------------------------------------------------------------------------


def test_reindex_rebuilds_an_older_index_from_its_stored_articles(run, ix, tmp_path):
    before = records(run("search", "--format", "json", "--index", ix))
    ArticleStore(str(ix)).set_meta(schema="1")  # as an older version of quotes left it
    [message] = errors(run("search", "bridge", "--index", ix, code=1))
    assert message.endswith(f"rebuild it with `quotes reindex --index {ix}`")
    result = run("reindex", "--index", ix)
    assert re.match(rf"^Reindexed 3 articles, 3 quotes in \d+\.\d seconds into {ix}$", result.stdout.strip())
    after = records(run("search", "--format", "json", "--index", ix))
    assert sorted(h["id"] for h in after) == sorted(h["id"] for h in before)
    assert sorted(os.listdir(tmp_path)) == ["articles", "ix"]  # nothing left behind


def test_reindex_without_stored_texts_says_what_to_do(run, tmp_path):
    (tmp_path / "old").mkdir()
    [message] = errors(run("reindex", "--index", tmp_path / "old", code=1))
    assert message.startswith(f"the index at {tmp_path / 'old'} stores no article texts")


def test_reindex_refuses_while_another_writer_holds_the_index(run, ix, tmp_path):
    before = sorted_export(run, ix)
    writer = whoosh_index.open_dir(str(ix)).writer()  # an ingest at work
    try:
        result = run("reindex", "--index", ix, code=1)
    finally:
        writer.cancel()
    assert errors(result) == [f"index at {ix} is locked by another writer; try again when it finishes,"
                              " or give --wait SECONDS"]
    assert sorted(os.listdir(tmp_path)) == ["articles", "ix"]  # nothing built beside it
    assert sorted_export(run, ix) == before


def test_reindex_waits_for_the_writer_lock(run, ix):
    writer = whoosh_index.open_dir(str(ix)).writer()
    timer = threading.Timer(1.0, writer.cancel)
    timer.start()
    try:
        result = run("reindex", "--wait", "30", "--index", ix)
    finally:
        timer.join()
    assert result.stderr == "waiting up to 30 seconds for another writer to finish…\n"
    assert result.stdout.startswith("Reindexed 3 articles, 3 quotes")


def test_an_ingest_waits_for_a_reindex_and_then_writes_into_the_new_index(run, ix, tmp_path, monkeypatch):
    """An ingest started while reindex works waits for it, then lands in the rebuilt index."""
    extra = tmp_path / "extra.txt"
    extra.write_text('"It will rain all week," Mary Major said.\n', encoding="utf-8")
    real, beside = ingest_module.Ingest.run, []

    def run_with_an_ingest_waiting(self, articles, watch=None):
        env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(quotes.__file__))}
        proc = subprocess.Popen([sys.executable, "-m", "quotes.cli", "ingest", str(extra), "--wait", "120",
                                 "--jobs", "1", "--index", str(ix)], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        beside.append(proc)
        assert proc.stderr.readline().startswith("waiting up to 120 seconds")  # the lock is ours
        return real(self, articles, watch)

    monkeypatch.setattr(ingest_module.Ingest, "run", run_with_an_ingest_waiting)
    run("reindex", "--index", ix)
    monkeypatch.setattr(ingest_module.Ingest, "run", real)
    out, err = beside[0].communicate(timeout=120)
    assert beside[0].returncode == 0, err
    assert out.startswith("Indexed 1 article, 1 quote")
    names = {s["speaker"] for s in records(run("speakers", "--format", "json", "--index", ix))}
    assert names == {"Jane Doe", "John Smith", "Ann Lee", "Mary Major"}


def test_reindex_of_a_mount_point_rebuilds_in_place(run, ix, tmp_path, monkeypatch):
    before = sorted_export(run, ix)
    ArticleStore(str(ix)).set_meta(schema="1")  # as an older version left it
    mounted = str(ix)
    monkeypatch.setattr(os.path, "ismount", lambda p: str(p).rstrip("/") == mounted)
    real_rename = os.rename

    def rename(src, dst, *a, **k):
        if str(src).rstrip("/") == mounted:
            raise OSError(16, "Device or resource busy")
        return real_rename(src, dst, *a, **k)

    monkeypatch.setattr(os, "rename", rename)
    result = run("reindex", "--index", ix)
    assert result.stdout.startswith("Reindexed 3 articles, 3 quotes")
    assert sorted(os.listdir(tmp_path)) == ["articles", "ix"]
    assert not [n for n in os.listdir(ix) if n.startswith(".")]  # no .reindex left inside
    assert sorted_export(run, ix) == before


def test_reindex_that_cannot_rename_the_index_moves_the_new_one_in(run, ix, tmp_path, monkeypatch):
    before = sorted_export(run, ix)
    mounted, real_rename = str(ix), os.rename

    def rename(src, dst, *a, **k):
        if str(src).rstrip("/") == mounted:  # a mount point os.path.ismount does not see
            raise OSError(16, "Device or resource busy")
        return real_rename(src, dst, *a, **k)

    monkeypatch.setattr(os, "rename", rename)
    run("reindex", "--index", ix)
    assert sorted(os.listdir(tmp_path)) == ["articles", "ix"]
    assert sorted_export(run, ix) == before


def test_reindex_of_a_read_only_index_refuses_in_one_line_and_leaves_nothing(run, ix, tmp_path, monkeypatch):
    from whoosh.util import filelock

    def read_only(self, blocking=False):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(filelock.FcntlLock, "acquire", read_only)
    result = run("reindex", "--index", ix, code=1)
    assert errors(result) == [f"cannot write the index at {ix}: read-only file system"]
    assert sorted(os.listdir(tmp_path)) == ["articles", "ix"]


def test_reindex_of_a_missing_index_says_there_is_none(run, tmp_path):
    [message] = errors(run("reindex", "--index", tmp_path / "none", code=1))
    assert message == f"no index at {tmp_path / 'none'}: nothing to reindex"
    assert not (tmp_path / "none").exists()


# --- export and ingest again --------------------------------------------------------------------


def test_export_then_ingest_round_trips_every_record(run, ix, tmp_path):
    exported = run("export", "--index", ix).stdout
    assert len(exported.splitlines()) == 3
    dump = tmp_path / "dump.jsonl"
    dump.write_text(exported, encoding="utf-8")
    copy = tmp_path / "copy"
    assert summary(run("ingest", dump, "--index", copy))[:2] == (3, 3)
    assert run("export", "--index", copy).stdout == exported  # every field, ids included
    again = run("ingest", dump, "--index", copy).stdout
    assert again.startswith("Indexed 0 articles") and "(3 unchanged articles skipped)" in again
    run("reindex", "--index", copy)  # imported records have no text to extract: kept as they are
    assert run("export", "--index", copy).stdout == exported


def test_a_bad_quote_record_is_a_one_line_error(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "q", "article_id": "a", "text": "x", "kind": "shouted"}\n', encoding="utf-8")
    [message] = errors(run("ingest", bad, "--index", tmp_path / "ix", code=1))
    assert message == f'{bad}:1: "kind" must be one of direct, mixed, indirect'


# --- an index without dates or sources ----------------------------------------------------------


def test_facets_and_sorts_on_an_index_without_dates_or_sources(run, tmp_path):
    path, ix = tmp_path / "jane.txt", tmp_path / "ix"
    path.write_text(JANE, encoding="utf-8")
    run("ingest", path, "--index", ix)  # the quick start without --date or --source
    for facet in ("year", "source", "speaker", "kind"):
        for sort in ("relevance", "date", "-date"):
            result = run("search", "--facet", facet, "--sort", sort, "--index", ix)
            assert "Jane Doe" in result.stdout
    body = json.loads(run("search", "won", "--facet", "year", "--facet", "source", "--format", "json",
                          "--index", ix).stdout)
    assert body["facets"]["year"] == [] and body["facets"]["source"] == [] and body["total"] == 1


# --- export -> ingest, whatever the order of the records ----------------------------------------

ROUND_TRIP = [  # undated articles, articles of one date, a quote republished by three outlets
    {"id": "u1", "text": '"We will build the road," Ann Lee said. "It opens in May," she added.'},
    {"id": "u2", "text": '"Taxes will not rise," John Smith said.'},
    {"id": "d1", "date": "2020-03-01", "source": "Daily", "text": '"The vote was fair," Mary Major said.'
                                                                  ' "We accept it," she said.'},
    {"id": "d2", "date": "2020-03-01", "source": "Herald", "text": '"The count took a week," Jane Doe said.'},
    {"id": "d3", "date": "2020-03-01", "source": "Post", "text": '"We lost the vote," Carl Roe said.'},
    {"id": "r1", "date": "2019-05-02", "source": "Wire", "text": '"Peace is within reach," Omar Diaz said.'},
    {"id": "r2", "date": "2019-05-03", "source": "Times", "text": 'Talks went on. "Peace is within reach,"'
                                                                  ' Omar Diaz said. "We shall see," Ann Lee said.'},
    {"id": "r3", "source": "Blog", "text": '"Peace is within reach," Omar Diaz said.'},
]


def sorted_export(run, ix):
    return sorted(run("export", "--index", ix).stdout.splitlines())


@pytest.fixture
def round_trip_ix(run, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(line) + "\n" for line in ROUND_TRIP), encoding="utf-8")
    ix = tmp_path / "a"
    run("ingest", corpus, "--index", ix)
    exported = sorted_export(run, ix)
    assert len(exported) >= 10 and len({json.loads(r)["article_id"] for r in exported}) == len(ROUND_TRIP)
    groups = [json.loads(r)["group"] for r in exported if "Peace" in r]
    assert len(groups) == 3 and len(set(groups)) == 1  # republished: one group
    return ix


@pytest.mark.parametrize("order", ["as exported", "shuffled", "reversed"])
@pytest.mark.parametrize("batch", ["512", "1"])
def test_export_then_ingest_is_lossless_whatever_the_order(run, tmp_path, round_trip_ix, order, batch):
    lines = run("export", "--index", round_trip_ix).stdout.splitlines()
    if order == "shuffled":
        import random

        random.Random(7).shuffle(lines)
    elif order == "reversed":
        lines.reverse()
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = sorted_export(run, round_trip_ix)
    result = run("ingest", dump, "--index", tmp_path / "b", "--batch-size", batch)
    assert summary(result)[:2] == (len(ROUND_TRIP), len(before))
    assert sorted_export(run, tmp_path / "b") == before  # record for record, groups included
    run("ingest", dump, "--index", round_trip_ix, "--batch-size", batch)  # back into the index itself
    assert sorted_export(run, round_trip_ix) == before
    run("ingest", dump, "--index", tmp_path / "b", "--batch-size", batch)  # and again: nothing changes
    assert sorted_export(run, tmp_path / "b") == before


def test_ctrl_c_while_grouping_keeps_the_articles_grouped_so_far(run, tmp_path, articles, monkeypatch):
    from quotes.backends import base

    real, calls = base.Grouper.place, []

    def place(self, quote):
        calls.append(quote.id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, quote)

    monkeypatch.setattr(base.Grouper, "place", place)
    path = tmp_path / "ix"
    result = run("ingest", articles, "--index", path, code=130)  # one batch of three articles
    assert result.stderr.strip() == "interrupted: 2 articles indexed"
    monkeypatch.setattr(base.Grouper, "place", real)
    assert len(records(run("search", "--format", "json", "--index", path))) == 2
    resumed = run("ingest", articles, "--index", path).stdout
    assert resumed.startswith("Indexed 1 article, 1 quote") and "(2 unchanged articles skipped)" in resumed


# --- delete -------------------------------------------------------------------------------------


def test_delete_removes_articles_by_id_and_by_source(run, ix, tmp_path):
    result = run("delete", "jane.txt", "--index", ix)
    assert result.stdout.strip() == f"Deleted 1 article, 1 quote from {ix}"
    assert {h["speaker"] for h in records(run("search", "--format", "json", "--index", ix))} == {"John Smith", "Ann Lee"}
    assert "Exact match" not in run("verify", "We won the election", "--index", ix, code=None).stdout
    assert run("delete", "--source", "daily", "--index", ix).stdout.startswith("Deleted 1 article, 1 quote")
    assert [h["speaker"] for h in records(run("search", "--format", "json", "--index", ix))] == ["John Smith"]
    result = run("delete", "john.txt", "nope.txt", "--index", ix, code=1)
    assert errors(result) == [f"no article with id 'nope.txt' in the index at {ix}"]
    assert records(run("search", "--format", "json", "--index", ix)) == []
    assert ArticleStore(str(ix)).count() == 0


def test_a_deleted_article_comes_back_when_ingested_again(run, ix, articles):
    run("delete", "jane.txt", "--index", ix)
    again = run("ingest", articles, "--index", ix).stdout
    assert again.startswith("Indexed 1 article, 1 quote")
    assert len(records(run("search", "--format", "json", "--index", ix))) == 3


def test_delete_needs_an_index_and_something_to_delete(run, tmp_path, ix):
    [message] = errors(run("delete", "x", "--index", tmp_path / "none", code=1))
    assert message.startswith("no index at")
    assert not (tmp_path / "none").exists()
    assert "ARTICLE_ID" in run("delete", "--index", ix, code=2).stderr
