"""The articles of an index, in an SQLite file beside the Whoosh files: each article's text and
metadata (compressed, so `quotes reindex` needs no original files), the fingerprint it was
indexed with (so `ingest` skips what has not changed), and the index's versions.

Writes come in two steps around each Whoosh commit (see `QuoteIndex.add`): the articles before
it, their fingerprints after it. A crash in between leaves an article stored but with no
fingerprint, so the next ingest extracts it again; never a fingerprint for quotes that were
not committed.
"""
from __future__ import annotations

import json
import os
import sqlite3
import zlib
from contextlib import contextmanager
from urllib.parse import quote
from typing import Any, Iterable, Iterator

from .errors import QuotesError
from .model import Article, Quote

FILENAME = "articles.sqlite"
_ARTICLE_FIELDS = ("text", "id", "title", "date", "source", "url", "author")
_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, fingerprint TEXT, record BLOB)",
    # wording.group_keys of each quote (role 0: a key, 1: a probe), for grouping new quotes.
    "CREATE TABLE IF NOT EXISTS group_keys (key TEXT, role INTEGER, quote_id TEXT,"
    " article_id TEXT, grp TEXT)",
    "CREATE INDEX IF NOT EXISTS group_keys_key ON group_keys (key, role)",
    "CREATE INDEX IF NOT EXISTS group_keys_article ON group_keys (article_id)",
)
# Keys per SELECT ... IN (...): under SQLite's limit of bound parameters.
_CHUNK = 500
# Page cache of a writing connection, in KB.
_CACHE_KB = 65536
KeyRow = tuple[str, int, str, str, str]  # (key, role, quote id, article id, group)


class ArticleStore:
    """The SQLite file of one index folder. Each call opens, commits and closes it, so no
    connection outlives a fork or holds a lock between batches. Reading never writes: it opens
    the file read-only, and a missing file reads as empty."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.path = os.path.join(folder, FILENAME)

    def exists(self) -> bool:
        return os.path.isfile(self.path)

    def get_meta(self, key: str) -> str | None:
        return self._one("SELECT value FROM meta WHERE key = ?", key)

    def set_meta(self, **values: str) -> None:
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    def fingerprint(self, article_id: str) -> str | None:
        return self._one("SELECT fingerprint FROM articles WHERE id = ?", article_id)

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        record = self._one("SELECT record FROM articles WHERE id = ?", article_id)
        return None if record is None else _unpack(record)

    def put(self, articles: Iterable[Article], keys: Iterable[KeyRow] = ()) -> None:
        """Store the articles (replacing earlier versions, and their quotes' group keys) with
        no fingerprint yet, and the group keys of their quotes."""
        rows = [(a.id, _pack(a)) for a in articles]
        with self._db() as db:
            db.executemany("DELETE FROM group_keys WHERE article_id = ?", [(i,) for i, _ in rows])
            db.executemany("INSERT OR REPLACE INTO articles VALUES (?, NULL, ?)", rows)
            db.executemany("INSERT INTO group_keys VALUES (?, ?, ?, ?, ?)", list(keys))

    def find_keys(self, role: int, keys: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """key -> [(quote id, group)] of the stored group keys of this role among `keys`."""
        wanted = sorted(set(keys))
        found: dict[str, list[tuple[str, str]]] = {}
        with self._db(write=False) as db:
            for n in range(0, len(wanted) if db else 0, _CHUNK):
                chunk = wanted[n : n + _CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, quote_id, grp FROM group_keys WHERE role = ? AND key IN ({marks})"
                for key, quote_id, group in db.execute(query, (role, *chunk)):
                    found.setdefault(key, []).append((quote_id, group))
        return found

    def has(self, article_id: str) -> bool:
        return self._one("SELECT 1 FROM articles WHERE id = ?", article_id) is not None

    def delete(self, article_ids: Iterable[str]) -> None:
        """Forget these articles: their records, fingerprints and group keys."""
        rows = [(i,) for i in article_ids]
        with self._db() as db:
            db.executemany("DELETE FROM group_keys WHERE article_id = ?", rows)
            db.executemany("DELETE FROM articles WHERE id = ?", rows)

    def of_source(self, source: str) -> list[str]:
        """The ids of the stored articles of this source (exactly, case aside), reading them all."""
        wanted = source.casefold()
        return [a.id for a in self.articles() if (a.source or "").casefold() == wanted]

    def mark(self, fingerprints: Iterable[tuple[str, str]]) -> None:
        """Record (article id, fingerprint) pairs once their quotes are committed."""
        with self._db() as db:
            db.executemany("UPDATE articles SET fingerprint = ? WHERE id = ?",
                           [(f, i) for i, f in fingerprints])

    def articles(self) -> Iterator[Article]:
        """Every stored article, in id order, read a page at a time."""
        last = ""
        while True:
            with self._db(write=False) as db:
                rows = db.execute(
                    "SELECT id, record FROM articles WHERE id > ? AND record IS NOT NULL"
                    " ORDER BY id LIMIT 256", (last,)).fetchall() if db else []
            if not rows:
                return
            for last, record in rows:
                yield _unpack(record)

    def count(self) -> int:
        return self._one("SELECT COUNT(*) FROM articles WHERE record IS NOT NULL") or 0

    def _one(self, query: str, *args: object) -> Any:
        """The first column of the first row of a read, or None (none, or no store)."""
        with self._db(write=False) as db:
            row = db.execute(query, args).fetchone() if db else None
        return row[0] if row else None

    def _db(self, write: bool = True) -> Any:
        """A connection (None to read a store that does not exist), committed on the way out."""
        return transaction(self.path, _TABLES, write, f"the index at {self.folder}")


@contextmanager
def transaction(path: str, tables: Iterable[str], write: bool, what: str) -> Iterator[sqlite3.Connection | None]:
    """One SQLite transaction on the file at `path`, committed on the way out: to write, with
    its `tables` made if need be; to read, opened read-only (so reading never writes), and None
    where the file does not exist yet. Errors are one QuotesError naming `what`."""
    if not write and not os.path.isfile(path):
        yield None
        return
    try:
        if write:
            db = sqlite3.connect(path, timeout=60)
        else:
            db = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=60)
    except sqlite3.Error as exc:
        raise QuotesError(f"cannot use {what}: {exc}") from None
    try:
        if write:  # (the default 2 MB made each insert into a large key index read its pages again)
            db.execute(f"PRAGMA cache_size = -{_CACHE_KB}")
        with db:
            for statement in tables if write else ():
                db.execute(statement)
            yield db
    except sqlite3.DatabaseError as exc:
        raise QuotesError(f"cannot use {what}: {exc}") from None
    finally:
        db.close()


def _pack(article: Article) -> bytes:
    data: dict = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
    if article.quotes is not None:  # imported records: kept, since there is no text to extract
        data["quotes"] = [q.to_dict() for q in article.quotes]
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)


def _unpack(record: bytes) -> Article:
    data = json.loads(zlib.decompress(record).decode("utf-8"))
    quotes = data.pop("quotes", None)
    return Article(**data, quotes=None if quotes is None else [Quote.from_dict(q) for q in quotes])
