"""The on-disk Whoosh index of quotes: one document per `Quote`, replaced per article.

Each document stores the quote's full record as JSON (so `get` returns exactly what was added)
next to the indexed fields that search needs: the stemmed, accent-folded quote text, a speaker
field that holds both the resolved name and the mention, and sortable date/position columns.
"""
from __future__ import annotations

import json
import os
import pickle
import sqlite3
from contextlib import contextmanager
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escapes and `is` comparisons with literals that Python 3.11 warns
    # about whenever it compiles them; users must not see those.
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from whoosh import analysis, fields, index, qparser, sorting
    from whoosh import query as wq
    from whoosh.codec import whoosh3  # noqa: F401  (the default codec; Whoosh imports it lazily)
    from whoosh.support.charset import accent_map

from .errors import QuotesError
from .model import Article, Quote

if TYPE_CHECKING:
    from whoosh.searching import Hit as WhooshHit

DEFAULT_INDEX = "index"
INDEX_ENV = "QUOTES_INDEX"

# Files a folder may hold and still receive a new index (the repo's index/README.md).
_HOUSEKEEPING = frozenset({"README.md", ".gitignore", ".gitkeep"})
# Beside the Whoosh files: which articles are indexed, and from what (Article.fingerprint).
# Written after each Whoosh commit, so at worst it lags behind it and an article is extracted
# again, which replaces its quotes with the same ones.
_ARTICLES_DB = "articles.sqlite"
# Fields a query may name with `field:`; the rest are internal.
QUERY_FIELDS = ("text", "title", "speaker", "kind", "source", "date", "id", "article_id")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})
# "By date then position": undated quotes sort last (Whoosh gives a missing date the max key).
_ORDER = sorting.MultiFacet(["date", "article_id", "start"])
_DATE_HINT = "dates look like date:2019, date:2019-01-23 or date:[2019-01 TO 2019-03]"
_OPEN_ERRORS = (OSError, EOFError, ValueError, pickle.UnpicklingError, index.IndexError)

# Stop words are kept so phrases like "we will not resign" match exactly.
_TEXT = analysis.StemmingAnalyzer(stoplist=None, minsize=1) | analysis.CharsetFilter(accent_map)
_NAME = analysis.RegexTokenizer() | analysis.LowercaseFilter() | analysis.CharsetFilter(accent_map)


def index_path(path: str | None = None) -> str:
    """The index directory: the argument, else $QUOTES_INDEX, else ./index."""
    return path or os.environ.get(INDEX_ENV) or DEFAULT_INDEX


def _schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(unique=True),
        article_id=fields.ID(sortable=True),
        text=fields.TEXT(analyzer=_TEXT, multitoken_query="phrase"),
        title=fields.TEXT(analyzer=_TEXT, multitoken_query="phrase"),
        speaker=fields.TEXT(analyzer=_NAME, multitoken_query="phrase"),
        speaker_name=fields.ID(sortable=True),  # the exact resolved name, for speakers()
        kind=fields.ID,
        source=fields.KEYWORD(lowercase=True, commas=True),  # one term per source name
        date=fields.DATETIME(sortable=True),
        start=fields.NUMERIC(sortable=True),
        record=fields.STORED,  # Quote.to_dict() as JSON
    )


@dataclass
class Hit:
    """One search result; `matches` are (start, end) spans in `quote.text` of the matched words."""

    quote: Quote
    score: float
    matches: list[tuple[int, int]]


class QuoteIndex:
    """A quotes index directory. Open it with `QuoteIndex.open`; usable as a context manager."""

    def __init__(self, ix: index.Index, path: str) -> None:
        self._ix = ix
        self.path = path

    @classmethod
    def open(cls, path: str | None = None, create: bool = False) -> "QuoteIndex":
        """Open the index at `path`; with `create`, make it if missing (never in a used folder)."""
        directory = index_path(path)
        if os.path.exists(directory) and not os.path.isdir(directory):
            raise QuotesError(f"{directory} is not a directory, so it cannot hold an index")
        try:
            if index.exists_in(directory):
                ix = index.open_dir(directory)
                if set(ix.schema.names()) != set(_schema().names()):
                    raise QuotesError(
                        f"{directory} holds an index from another program or version of quotes;"
                        " remove it or choose another index folder"
                    )
            elif create:
                _prepare_folder(directory)
                ix = index.create_in(directory, _schema())
            else:
                raise QuotesError(f"no index at {directory}: run `quotes ingest` first")
        except _OPEN_ERRORS as exc:
            raise QuotesError(f"cannot open the index at {directory}: {_reason(exc)}") from None
        return cls(ix, directory)

    def is_current(self, article: Article, extractor: str) -> bool:
        """Whether the article is indexed as it is now, by this extractor: ingest can skip it."""
        return self.fingerprint(article.id) == article.fingerprint(extractor)

    def fingerprint(self, article_id: str) -> str | None:
        """The fingerprint the article was indexed with (`Article.fingerprint`), if it was."""
        with self._articles() as db:
            row = db.execute("SELECT fingerprint FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    @contextmanager
    def _articles(self) -> Iterator[sqlite3.Connection]:
        """The article table, committed and closed on the way out."""
        try:
            db = sqlite3.connect(os.path.join(self.path, _ARTICLES_DB), timeout=30)
        except sqlite3.Error as exc:
            raise QuotesError(f"cannot use the index at {self.path}: {exc}") from None
        try:
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, fingerprint TEXT)")
                yield db
        except sqlite3.Error as exc:
            raise QuotesError(f"cannot use the index at {self.path}: {exc}") from None
        finally:
            db.close()

    def add(self, items: Iterable[tuple[Article, list[Quote]]], extractor: str | None = None) -> tuple[int, int]:
        """Write each (article, quotes) pair, replacing the article's earlier quotes.

        One writer and one commit for the whole batch: if anything fails (including the
        `items` iterator itself), nothing is written. An article id repeated within a batch
        is written once, as first seen. With `extractor` (see `extract.extractor_version`),
        each article's fingerprint is recorded for `fingerprint()`. Returns (articles, quotes)
        written.
        """
        try:
            writer = self._ix.writer()
        except index.LockError:
            raise QuotesError(
                f"index at {self.path} is locked by another writer; try again when it finishes"
            ) from None
        except OSError as exc:
            raise QuotesError(f"cannot write the index at {self.path}: {_reason(exc)}") from None
        articles = quotes = 0
        seen: dict[str, Article] = {}
        try:
            with writer.searcher() as existing:
                for article, found in items:
                    if article.id in seen:
                        continue
                    seen[article.id] = article
                    writer.delete_by_term("article_id", article.id, searcher=existing)
                    for quote in found:
                        writer.add_document(**_document(quote))
                    articles += 1
                    quotes += len(found)
        except BaseException:
            writer.cancel()
            raise
        try:
            writer.commit()
        except OSError as exc:
            raise QuotesError(f"cannot write the index at {self.path}: {_reason(exc)}") from None
        if extractor is not None and seen:
            with self._articles() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO articles VALUES (?, ?)",
                    [(a.id, a.fingerprint(extractor)) for a in seen.values()],
                )
        return articles, quotes

    def search(
        self, query: str | None = None, speakers: Sequence[str] = (), limit: int | None = 20
    ) -> list[Hit]:
        """Quotes matching `query` (Whoosh syntax) said by any of `speakers`, best first.

        Without a query, all (the speakers') quotes are listed by date, then position.
        `limit=None` returns every match.
        """
        if limit is not None and limit < 1:
            raise QuotesError(f"the number of results must be 1 or more, not {limit}")
        text = (query or "").strip()
        only = _speaker_query(speakers) if speakers else None
        with self._ix.searcher() as searcher:
            if text:
                parsed = _parse(text, self._ix.schema)
                results = searcher.search(parsed, filter=only, limit=limit, terms=True)
                return [_hit(hit, hit.score, _text_terms(hit)) for hit in results]
            results = searcher.search(only or wq.Every(), limit=limit, sortedby=_ORDER)
            return [_hit(hit, 0.0, set()) for hit in results]

    def get(self, quote_id: str) -> Quote | None:
        """The quote with this id, exactly as it was added, or None."""
        with self._ix.searcher() as searcher:
            stored = searcher.document(id=quote_id)
        return None if stored is None else _quote(stored)

    def speakers(self) -> list[tuple[str, int]]:
        """Resolved speakers with their quote counts, most quotes first, then by name."""
        counts = self._counts("speaker_name")
        named = [(name, n) for name, n in counts.items() if name]
        return sorted(named, key=lambda item: (-item[1], item[0].casefold(), item[0]))

    def count(self) -> tuple[int, int]:
        """(articles, quotes) in the index; an article without quotes leaves nothing to count."""
        with self._ix.searcher() as searcher:
            quotes = searcher.doc_count()
        return len(self._counts("article_id")), quotes

    def close(self) -> None:
        self._ix.close()

    def __enter__(self) -> "QuoteIndex":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _counts(self, column: str) -> dict[str, int]:
        with self._ix.searcher() as searcher:
            results = searcher.search(
                wq.Every(), groupedby=column, maptype=sorting.Count, limit=None
            )
            return dict(results.groups(column))


def _prepare_folder(directory: str) -> None:
    """Make the folder, or accept an existing one that holds nothing of the user's."""
    if not os.path.isdir(directory):
        os.makedirs(directory)
        return
    used = sorted(set(os.listdir(directory)) - _HOUSEKEEPING)
    if used:
        raise QuotesError(
            f"{directory} is not empty and holds no quotes index (it has {used[0]!r});"
            " choose an empty or new folder for the index"
        )


def _document(quote: Quote) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": quote.id,
        "article_id": quote.article_id,
        "text": quote.text,
        "kind": quote.kind,
        "start": quote.start,
        "record": json.dumps(quote.to_dict(), ensure_ascii=False),
    }
    names = " ".join(name for name in (quote.speaker, quote.speaker_mention) if name)
    optional = {
        "speaker": names,
        "speaker_name": quote.speaker,
        "title": quote.title,
        "source": quote.source,
    }
    doc.update({name: value for name, value in optional.items() if value})
    if quote.date:
        doc["date"] = _parse_date(quote)
    return doc


def _parse_date(quote: Quote) -> datetime:
    """The date as written (wall-clock time, any UTC offset dropped), so `date:2019-01-23`
    finds what the record says, whatever the time zone."""
    try:
        return datetime.fromisoformat(quote.date or "").replace(tzinfo=None)
    except ValueError:
        raise QuotesError(
            f"quote {quote.id} (article {quote.article_id}): bad date {quote.date!r}"
        ) from None


def _speaker_query(speakers: Sequence[str]) -> wq.Query:
    """Any of the speakers; each matches when all its words are in the name or the mention."""
    alternatives = []
    for speaker in speakers:
        words = [token.text for token in _NAME(speaker)]
        if not words:
            raise QuotesError(f"bad speaker {speaker!r}: it has no words to search for")
        alternatives.append(wq.And([wq.Term("speaker", word) for word in words]))
    return wq.Or(alternatives)


def _parse(text: str, schema: fields.Schema) -> wq.Query:
    """Parse Whoosh query syntax strictly: Whoosh quietly drops what it cannot parse, which
    would search for something else than the user asked, so those cases are errors here."""
    parser = qparser.QueryParser("text", schema)
    problem = _syntax_problem(list(parser.tag(text)))
    if problem is None:
        try:
            parsed = parser.parse(text)
        except Exception:  # noqa: BLE001  Whoosh raises bare Exception for some date ranges
            problem = _DATE_HINT if "date:" in text else "Whoosh cannot make sense of it"
        else:
            # Only self-parsing fields report errors, and `date` is the one a query may name.
            if any(q.error is not None for q in _walk(parsed)):
                problem = _DATE_HINT
            elif parsed == wq.NullQuery:
                problem = "it has no words to search for"
            else:
                return parsed
    raise QuotesError(f"bad query {text!r}: {problem}")


def _syntax_problem(nodes: list[qparser.SyntaxNode]) -> str | None:
    """What is wrong in the flat token list of a query (before Whoosh's lenient grouping)."""
    kept = [i for i, node in enumerate(nodes) if not isinstance(node, qparser.Whitespace)]
    depth = 0
    for k, i in enumerate(kept):
        node = nodes[i]
        before = nodes[kept[k - 1]] if k else None
        after = nodes[kept[k + 1]] if k + 1 < len(kept) else None
        if isinstance(node, qparser.GroupPlugin.OpenBracket):
            depth += 1
        elif isinstance(node, qparser.GroupPlugin.CloseBracket):
            if depth == 0:
                return "unbalanced ')'"
            depth -= 1
        elif isinstance(node, qparser.Operator):
            infix = isinstance(node, qparser.InfixOperator)
            if infix and not _is_operand_end(before):
                return f"{node.text!r} needs a term on each side"
            if not _is_operand_start(after, allow_not=infix):
                return f"{node.text!r} needs a term after it"
        elif isinstance(node, qparser.FieldnameNode):
            field = node.fieldname
            if field == "*" or field.isdigit():  # all fields; "3:30" is a time, not a field
                continue
            if field not in QUERY_FIELDS:
                return (
                    f"unknown field {field!r} (fields: {', '.join(QUERY_FIELDS)}); put words"
                    ' with a colon in "double quotes"'
                )
            if after is None or i + 1 != kept[k + 1]:
                return f"'{field}:' needs a term right after the colon"
        elif isinstance(node, qparser.WordNode):
            if '"' in node.text:
                return "unbalanced '\"'"
            if node.text == "NOT":
                return "'NOT' needs a term after it"
            if node.text in _OPERATORS:
                return f"{node.text!r} needs a term on each side"
    return "unbalanced '('" if depth else None


def _is_operand_end(node: qparser.SyntaxNode | None) -> bool:
    return node is not None and not isinstance(
        node, (qparser.GroupPlugin.OpenBracket, qparser.Operator, qparser.FieldnameNode)
    )


def _is_operand_start(node: qparser.SyntaxNode | None, allow_not: bool) -> bool:
    """Whether `node` can follow an operator ("a AND NOT b" is fine, "NOT NOT b" confuses
    Whoosh)."""
    if node is None or isinstance(node, qparser.GroupPlugin.CloseBracket):
        return False
    if isinstance(node, qparser.PrefixOperator):
        return allow_not
    return not isinstance(node, qparser.Operator)


def _walk(q: wq.Query) -> Iterable[wq.Query]:
    yield q
    for child in q.children():
        yield from _walk(child)


def _text_terms(hit: WhooshHit) -> set[str]:
    """The analysed quote-text terms that this hit matched (stems, accent-folded)."""
    return {term.decode("utf-8") for field, term in hit.matched_terms() if field == "text"}


def _hit(hit: WhooshHit, score: float, terms: set[str]) -> Hit:
    quote = _quote(hit.fields())
    tokens = _TEXT(quote.text, chars=True) if terms else ()
    matches = [(token.startchar, token.endchar) for token in tokens if token.text in terms]
    return Hit(quote=quote, score=score, matches=matches)


def _quote(stored: dict[str, object]) -> Quote:
    return Quote.from_dict(json.loads(str(stored["record"])))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
