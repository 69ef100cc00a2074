"""The search-server backend: quotes in the real-time (RT) indexes of a sharded Sphinx 2.2
cluster (quotes/searchd.py writes its configuration), searched through its distributed index
over SphinxQL (the MySQL protocol, with pymysql). Manticore Search speaks the same dialect.

Location: `sphinxql://HOST:PORT/NAME[?store=FOLDER]`, the daemon holding the distributed index
NAME. The articles, their fingerprints and the group keys stay in the article store of this,
the coordinating, machine (FOLDER, by default under ~/.local/share/quotes): Sphinx keeps its
string attributes in RAM, so only each quote's record goes to the engine.

What Sphinx 2.2 does that shapes this module:
- No writes through a distributed index: each article's quotes go to the shard its id hashes
  to, with REPLACE, so a batch retried after a failure neither fails nor duplicates.
- Rows in the RAM chunk are lost when a daemon is killed during OPTIMIZE before the chunk is
  saved: `optimize` flushes each shard after optimizing it.
- A result set holds at most `max_matches` rows (1,000 by default), so pages stop at
  `MAX_RESULTS`, and facet counts, exact only when max_matches is at least the number of
  values counted, get a larger one (on facet queries only, each as large as its facet needs:
  it slows a query whatever it counts).
- A shard that is down leaves the distributed index answering with the other shards' results,
  saying so only in SHOW WARNINGS: every search reads them into `Results.partial`, and what
  must be complete (export, copies, verify, counts) fails instead.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable, Iterator, Sequence
from urllib.parse import parse_qs, urlsplit

import pymysql
from pymysql.constants import CLIENT

from ..errors import QuotesError
from ..model import Quote
from ..query import Filters
from ..searchd import ATTRIBUTES, FIELDS
from ..store import ArticleStore
from .base import (
    Batch, Group, Hit, QuoteIndex, Results, check_search, check_version, group_key, order_keys, parse_date,
)
from .sphinxql_query import Translated, translate
from .whoosh_schema import NAME_ANALYZER, TEXT_ANALYZER

SCHEME = "sphinxql://"
# The layout of the RT indexes and of the article store beside them.
SCHEMA_VERSION = 2  # 2: each quote's person (quotes/people.py)
MAX_RESULTS = 1000  # Sphinx's default max_matches: the deepest result a page can show
_FACET_MATCHES = 10_000  # max_matches of facet queries: counts are exact up to so many values
# Facet (`base.FACETS`) -> the attribute it counts, and the max_matches of its query (a year
# or a kind has far fewer values than a speaker or a source).
_FACETS = {"speaker": ("speaker_name", _FACET_MATCHES), "source": ("source_name", _FACET_MATCHES),
           "year": ("year", 1000), "kind": ("kind", 100)}
_ROWS = 1000  # ids per DELETE or lookup, rows per page of a scan
# Characters of SQL per REPLACE: well under searchd's max_packet_size (8 MB) in UTF-8.
_PACKET = 2_000_000
# pymysql's escapes (backslash first), for `_escaped`.
_ESCAPES = (("\\", "\\\\"), ("\0", "\\0"), ("\n", "\\n"), ("\r", "\\r"), ("\032", "\\Z"),
            ('"', '\\"'), ("'", "\\'"))
_COLUMNS = ("id", *FIELDS, *(name for name, _ in ATTRIBUTES))
# The columns as `_values` writes them: the strings, then the numbers.
_WRITTEN = (*FIELDS, *(name for name, kind in ATTRIBUTES if kind == "string"), "id",
            *(name for name, kind in ATTRIBUTES if kind != "string"))
_JSON = json.JSONEncoder(ensure_ascii=False).encode
# `similar`, as in the Whoosh backend: the rarest words of a claim, skipping common ones.
_COMMON = 0.05
_TELLING = 8
_AGENT = re.compile(r"agent ([^\s:]+):(\d+)")


def parse_location(location: str) -> tuple[str, int, str, str]:
    """(host, port, index name, store folder) of a `sphinxql://` location."""
    parts = urlsplit(location)
    name = parts.path.strip("/")
    try:
        port = parts.port or 9306
    except ValueError:
        port = -1
    if parts.scheme != SCHEME[:-3] or not parts.hostname or port < 1 or not name.isidentifier():
        raise QuotesError(f"bad index location {location!r}: use sphinxql://HOST:PORT/NAME")
    store = parse_qs(parts.query).get("store", [""])[0]
    if not store:
        data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
        store = os.path.join(data, "quotes", f"sphinxql-{parts.hostname}-{port}-{name}")
    return parts.hostname, port, name, store


def doc_id(quote_id: str) -> int:
    """A quote's document id in Sphinx (63 bits of a hash of its id, never 0)."""
    return int.from_bytes(hashlib.blake2b(quote_id.encode("utf-8"), digest_size=8).digest(), "big") >> 1 or 1


def shard_of(article_id: str, shards: int) -> int:
    """The shard an article's quotes live on."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(), "big") % shards


class Unreachable(QuotesError):
    """A daemon that does not answer."""


class _Daemon:
    """One searchd, through one pymysql connection made when first needed and made again
    after it failed."""

    def __init__(self, host: str, port: int, label: str) -> None:
        self.host, self.port, self.label = host, port, label
        self._conn: pymysql.connections.Connection | None = None

    def run(self, sql: str, args: Sequence[object] = ()) -> list[list[tuple]]:
        """Every result set of one statement (a search with FACETs has several)."""
        try:
            if self._conn is None:
                self._conn = pymysql.connect(host=self.host, port=self.port, autocommit=True,
                                             connect_timeout=5, read_timeout=120, write_timeout=120,
                                             charset="utf8", client_flag=CLIENT.MULTI_STATEMENTS)
            with self._conn.cursor() as cursor:
                cursor.execute(sql, tuple(args) if args else None)
                sets = [list(cursor.fetchall())]
                while cursor.nextset():
                    sets.append(list(cursor.fetchall()))
            return sets
        except pymysql.err.ProgrammingError as exc:
            raise QuotesError(f"the search server refused a query: {_message(exc)}") from None
        except pymysql.MySQLError as exc:
            self.close()
            if isinstance(exc, pymysql.err.OperationalError) and exc.args and exc.args[0] == 1064:
                raise QuotesError(f"the search server refused a query: {_message(exc)}") from None
            raise Unreachable(f"cannot reach {self.label} at {self.host}:{self.port}: {_message(exc)}") from None

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except pymysql.MySQLError:
                pass
            self._conn = None


class SphinxQLIndex(QuoteIndex):
    """A quotes index on a sharded Sphinx cluster."""

    def __init__(self, location: str, name: str, head: _Daemon, shards: list[tuple[str, _Daemon]],
                 store: ArticleStore) -> None:
        self.path = location
        self.name = name
        self.store = store
        self._head = head  # holds the distributed index (and shard 0)
        self._shards = shards  # (RT index, its daemon), in shard order

    @classmethod
    def open(
        cls, path: str | None = None, create: bool = False, wait: float = 0.0,
        on_wait: Callable[[], None] | None = None,
    ) -> "SphinxQLIndex":
        """Connect to the cluster at `path` and find its shards; with `create`, start an
        article store for it if there is none. (`wait` has no use here: shards take
        concurrent writers.)"""
        location = path or ""
        host, port, name, folder = parse_location(location)
        head = _Daemon(host, port, "the search server")
        tables = dict((row[0], row[1]) for row in head.run("SHOW TABLES")[0])
        if name not in tables:
            raise QuotesError(f"the search server at {host}:{port} has no index {name!r}"
                              f" (it has: {', '.join(sorted(tables)) or 'none'})")
        if tables[name] == "rt":
            shards = [(name, head)]
        else:
            shards = []
            for index, kind in head.run(f"DESCRIBE {name}")[0]:
                if kind == "local":
                    shards.append((index, head))
                else:  # host:agent port:index; its SphinxQL port is the one below (quotes/searchd.py)
                    agent_host, agent_port, remote = index.rsplit(":", 2)
                    shards.append((remote, _Daemon(agent_host, int(agent_port) - 1, f"shard {len(shards)}")))
        for n, (index, daemon) in enumerate(shards):
            daemon.label = f"shard {n}"
            try:
                columns = {row[0] for row in daemon.run(f"DESCRIBE {index}")[0]}
            except Unreachable:  # searches say so; writes and complete reads fail on it
                continue
            if not set(_COLUMNS) <= columns:
                raise QuotesError(f"index {index} at {daemon.host}:{daemon.port} is not a quotes index"
                                  f" (it lacks {sorted(set(_COLUMNS) - columns)[0]!r}): write its"
                                  " configuration with `quotes server init`")
        head.label = "the search server"
        store = ArticleStore(folder)
        if store.exists():
            check_version(store, location, SCHEMA_VERSION)
        elif create:
            os.makedirs(folder, exist_ok=True)
            store.set_meta(schema=str(SCHEMA_VERSION))
        return cls(location, name, head, shards, store)

    @contextmanager
    def _writing(self) -> Iterator[Batch]:
        """A batch sent to each shard when the block ends (see `_SphinxBatch.send`)."""
        batch = _SphinxBatch(self)
        yield batch
        batch.send()

    def optimize(self) -> None:
        """Merge each shard's disk chunks, then save its RAM chunk (see the module docstring)."""
        for index, daemon in self._shards:
            daemon.run(f"OPTIMIZE INDEX {index}")
            daemon.run(f"FLUSH RTINDEX {index}")

    def search(
        self,
        query: str | None = None,
        filters: Filters | None = None,
        *,
        sort: str = "relevance",
        limit: int = 20,
        page: int = 1,
        facets: Sequence[str] = (),
    ) -> Results:
        """As `WhooshIndex.search`, to the `MAX_RESULTS`th group; `Results.partial` names the
        shards that did not answer. Without a result, no spelling suggestions (Sphinx 2.2 has
        no suggester)."""
        check_search(limit, page, sort, facets)
        if page * limit > MAX_RESULTS:
            raise QuotesError(f"the search server shows the first {MAX_RESULTS:,} results only:"
                              " narrow the search to see further")
        found = translate(query, self.with_people(filters))
        if found.match and sort == "relevance":
            select, order = "MAX(WEIGHT()) AS best", "WITHIN GROUP ORDER BY oldest ASC ORDER BY best DESC, oldest ASC"
        else:
            key = "newest" if sort == "-date" else "oldest"
            select, order = "1 AS best", f"WITHIN GROUP ORDER BY {key} ASC ORDER BY {key} ASC"
        where, args = _where(found)
        statements = [f"SELECT record, {select} FROM {self.name}{where} GROUP BY group_key {order}"
                      f" LIMIT {(page - 1) * limit}, {limit} OPTION max_matches={MAX_RESULTS},"
                      f" ranker={'bm25' if select.startswith('MAX') else 'none'}", "SHOW META"]
        # The facets in the same round trip, the full-text part matched once for all (a FACET
        # beside WEIGHT() fails on a distributed index), each with a max_matches of its own: it
        # slows a query even where there are few values to count.
        for name in facets:
            column, most = _FACETS[name]
            statements.append(f"SELECT {column}, COUNT(*) AS n FROM {self.name}{where} GROUP BY {column}"
                              f" ORDER BY n DESC LIMIT {most} OPTION max_matches={most}, ranker=none")
        sets, partial = self._search("; ".join(statements), args * (1 + len(facets)))
        total = int(dict(sets[1])["total_found"])
        hits = [_hit(row[0], row[1] if select.startswith("MAX") else 0.0, found) for row in sets[0]]
        counted = {name: _facet(rows) for name, rows in zip(facets, sets[2:])}
        partial += self._add_groups(hits)
        return Results(hits=hits, total=total, page=page, pages=max(-(-total // limit), 1 if hits else 0),
                       facets=counted, partial=sorted(set(partial)))

    def export(self, query: str | None = None, filters: Filters | None = None) -> Iterator[Quote]:
        """Every quote matching, oldest first, read a page at a time (from every shard, or an
        error)."""
        found = translate(query, self.with_people(filters))
        for row in self._scan(found, "export"):
            yield _quote(row)

    def get(self, quote_id: str) -> Quote | None:
        rows = self._complete(f"SELECT record, quote_id FROM {self.name} WHERE id = %s", [doc_id(quote_id)],
                              "a quote")
        matching = [row for row in rows if row[1] == quote_id]
        return _quote(matching[0]) if matching else None

    def quotes_of(self, article_id: str) -> list[Quote]:
        """From the article's own shard."""
        index, daemon = self._shards[shard_of(article_id, len(self._shards))]
        rows = daemon.run(f"SELECT record FROM {index} WHERE article_key = %s AND article_id = %s"
                          f" ORDER BY oldest ASC LIMIT {_FACET_MATCHES} OPTION max_matches={_FACET_MATCHES}",
                          [_article_key(article_id), article_id])[0]
        return [_quote(row) for row in rows]

    def copies(self, quote: Quote) -> list[Quote]:
        if not quote.group:
            return [quote]
        found = Translated()
        found.condition("group_key = %s", group_key(quote.group))
        return [_quote(row) for row in self._scan(found, "the copies of a quote")] or [quote]

    def similar(self, text: str, limit: int = 50) -> list[Quote]:
        """As `WhooshIndex.similar`, from word frequencies summed over every shard."""
        words = sorted({w.text for w in NAME_ANALYZER(text) if w.text.isalnum()})
        if not words:
            return []
        freq: dict[str, int] = {}
        normal: dict[str, str] = {}  # the word Sphinx indexed -> one written form of it
        size = 0
        for index, daemon in self._shards:
            size += int(daemon.run(f"SELECT COUNT(*) FROM {index}")[0][0][0])
            for row in daemon.run("CALL KEYWORDS(%s, %s, 1)", [" ".join(words), index])[0]:
                tokenized, normalized, docs = row[1], row[2], int(row[3])
                normal.setdefault(normalized, tokenized)
                freq[normalized] = freq.get(normalized, 0) + docs
        present = sorted((w for w in freq if freq[w]), key=lambda w: (freq[w], w))
        telling = [w for w in present if freq[w] <= _COMMON * max(size, 1)]
        chosen = (telling if len(telling) >= 3 else present)[:_TELLING]
        if not chosen:
            return []
        match = "(@text " + " | ".join(normal[w] for w in chosen) + ")"
        rows = self._complete(f"SELECT record FROM {self.name} WHERE MATCH(%s) LIMIT {limit}"
                              f" OPTION ranker=bm25", [match], "verify")
        return [_quote(row) for row in rows]

    def speakers(self, query: str | None = None, filters: Filters | None = None) -> list[tuple[str, int]]:
        found = translate(query, self.with_people(filters))
        where, args = _where(found)
        sql = (f"SELECT speaker_name, COUNT(*) AS n FROM {self.name}{where} GROUP BY speaker_name"
               f" ORDER BY n DESC LIMIT {_FACET_MATCHES} OPTION max_matches={_FACET_MATCHES}")
        return _facet(self._complete(sql, args, "the speakers"))

    def count(self) -> tuple[int, int]:
        """(articles, quotes), summed over the shards (an article lives on one)."""
        articles = quotes = 0
        for index, daemon in self._shards:
            quotes += int(daemon.run(f"SELECT COUNT(*) FROM {index}")[0][0][0])
            rows = daemon.run(f"SELECT COUNT(DISTINCT article_key) FROM {index}")[0]
            articles += int(rows[0][0]) if rows else 0
        return articles, quotes

    def shard_counts(self) -> list[tuple[str, int]]:
        """(shard index, quotes) of each shard: what `quotes server status` shows."""
        return [(index, int(daemon.run(f"SELECT COUNT(*) FROM {index}")[0][0][0])) for index, daemon in self._shards]

    def close(self) -> None:
        for daemon in {id(d): d for d in [self._head, *(d for _, d in self._shards)]}.values():
            daemon.close()

    def _search(self, sql: str, args: Sequence[object]) -> tuple[list[list[tuple]], list[str]]:
        """The result sets of a search through the distributed index, and the shards that did
        not answer (from SHOW WARNINGS), in one round trip."""
        sets = self._head.run(sql + "; SHOW WARNINGS", args)
        warnings = sets.pop()
        return sets, [self._shard_named(str(row[2])) for row in warnings if "agent" in str(row[2])]

    def _complete(self, sql: str, args: Sequence[object], what: str) -> list[tuple]:
        """The rows of a search that must see every shard, or an error naming the missing one."""
        sets, partial = self._search(sql, args)
        if partial:
            raise QuotesError(f"cannot read {what} from every shard: {partial[0]}")
        return sets[0]

    def _scan(self, found: Translated, what: str) -> Iterator[tuple]:
        """Every row matching, oldest first (then by id), a page at a time: past max_matches,
        each page starts after the last row of the one before."""
        last: tuple[int, int] | None = None
        while True:
            page = Translated(found.match, list(found.where), list(found.args))
            if last is not None:
                page.condition("after = 1")
            where, args = _where(page)
            after = ("" if last is None else
                     f", (oldest > {last[0]} OR (oldest = {last[0]} AND id > {last[1]})) AS after")
            rows = self._complete(f"SELECT record, oldest, id{after} FROM {self.name}{where}"
                                  f" ORDER BY oldest ASC, id ASC LIMIT {_ROWS} OPTION max_matches={_ROWS}",
                                  args, what)
            yield from rows
            if len(rows) < _ROWS:
                return
            last = (int(rows[-1][1]), int(rows[-1][2]))

    def _add_groups(self, hits: list[Hit]) -> list[str]:
        """Where each hit's group appeared (one scan for the page); the shards missing."""
        keys = sorted({group_key(hit.quote.group) for hit in hits if hit.quote.group})
        if not keys:
            return []
        found = Translated()
        found.condition(f"group_key IN ({', '.join(['%s'] * len(keys))})", *keys)
        first: dict[str, Quote] = {}
        articles: dict[str, set[str]] = {}
        try:
            for row in self._scan(found, "groups"):
                copy = _quote(row)
                first.setdefault(copy.group or "", copy)
                articles.setdefault(copy.group or "", set()).add(copy.article_id)
        except QuotesError as exc:  # a shard down: the page says so, groups shown as found
            return [str(exc).rsplit(": ", 1)[-1]]
        for hit in hits:
            if hit.quote.group in first:
                hit.group = Group(len(articles[hit.quote.group]), first[hit.quote.group])
        return []

    def _shard_named(self, warning: str) -> str:
        """"shard N (host:port) unreachable" for a warning about an agent."""
        agent = _AGENT.search(warning)
        for n, (_, daemon) in enumerate(self._shards):
            if agent and daemon.host == agent.group(1) and daemon.port + 1 == int(agent.group(2)):
                return f"shard {n} ({daemon.host}:{daemon.port}) unreachable"
        return f"a shard unreachable ({warning.strip()})"


class _SphinxBatch(Batch):
    """The writes of one `add`, per shard: the articles' old quotes deleted, the new ones
    REPLACEd, in one transaction per shard."""

    def __init__(self, ix: SphinxQLIndex) -> None:
        self._ix = ix
        self._articles: list[dict[str, list[Quote]]] = [{} for _ in ix._shards]
        self._read: dict[str, Quote | None] = {}

    def prefetch(self, quote_ids: set[str]) -> None:
        """The quotes, `_ROWS` ids per query."""
        wanted = sorted(quote_ids - set(self._read))
        self._read.update((qid, None) for qid in wanted)
        for n in range(0, len(wanted), _ROWS):
            ids = [doc_id(qid) for qid in wanted[n : n + _ROWS]]
            rows = self._ix._complete(f"SELECT record, quote_id FROM {self._ix.name} WHERE id IN"
                                      f" ({', '.join(map(str, ids))}) LIMIT {_ROWS} OPTION max_matches={_ROWS}",
                                      [], "the quotes to group with")
            self._read.update((row[1], _quote(row)) for row in rows if row[1] in self._read)

    def indexed(self, quote_id: str) -> Quote | None:
        if quote_id not in self._read:
            self._read[quote_id] = self._ix.get(quote_id)
        return self._read[quote_id]

    def replace(self, article_id: str, quotes: list[Quote]) -> None:
        self._articles[shard_of(article_id, len(self._articles))][article_id] = quotes

    def send(self) -> None:
        """Each shard's part, the shards in parallel (each daemon indexes while this process
        writes the SQL of the others); a shard that fails stops the batch with an error naming
        it (what was sent is kept: a retry REPLACEs it)."""
        parts = [(index, daemon, articles) for (index, daemon), articles in zip(self._ix._shards, self._articles)
                 if articles]
        if len(parts) == 1:
            _send(*parts[0])
            return
        with ThreadPoolExecutor(len(parts)) as pool:
            sent = [pool.submit(_send, *part) for part in parts]
        for future in sent:
            future.result()


def _send(index: str, daemon: _Daemon, articles: dict[str, list[Quote]]) -> None:
    """One shard's part of a batch, in one transaction: the articles' quotes REPLACEd, up to
    `_PACKET` characters of SQL per statement, and their earlier quotes that are no more
    deleted."""
    ids = {doc_id(q.id) for quotes in articles.values() for q in quotes}
    gone = sorted(_ids_of(index, daemon, [_article_key(a) for a in articles]) - ids)
    head = f"REPLACE INTO {index} ({', '.join(_WRITTEN)}) VALUES "
    daemon.run("BEGIN")
    try:
        for n in range(0, len(gone), _ROWS):
            daemon.run(f"DELETE FROM {index} WHERE id IN ({', '.join(map(str, gone[n : n + _ROWS]))})")
        values: list[str] = []
        size = 0
        for quotes in articles.values():
            for quote in quotes:
                values.append(_values(quote))
                size += len(values[-1])
                if size > _PACKET:
                    daemon.run(head + ",".join(values))
                    values, size = [], 0
        if values:
            daemon.run(head + ",".join(values))
    except QuotesError:
        if not isinstance(sys.exc_info()[1], Unreachable):  # (a lost connection took it along)
            daemon.run("ROLLBACK")
        raise
    daemon.run("COMMIT")


def _ids_of(index: str, daemon: _Daemon, keys: list[int]) -> set[int]:
    """The document ids of the indexed quotes of these articles (by `_article_key`) on a shard,
    `_ROWS` at a time in id order."""
    found: set[int] = set()
    marks = ", ".join(["%s"] * len(keys))
    last = 0
    while True:
        rows = daemon.run(f"SELECT id FROM {index} WHERE article_key IN ({marks}) AND id > {last}"
                          f" ORDER BY id ASC LIMIT {_ROWS} OPTION max_matches={_ROWS}", keys)[0]
        found.update(int(r[0]) for r in rows)
        if len(rows) < _ROWS:
            return found
        last = int(rows[-1][0])


def _values(quote: Quote) -> str:
    """A quote's row for REPLACE, in `_WRITTEN` order, as SQL."""
    when = parse_date(quote) if quote.date else None
    oldest, newest = order_keys(when, quote.start)
    # The person's id among the names: `--speaker` finds a person's quotes by any of their names.
    names = " ".join(name for name in (quote.speaker, quote.speaker_mention, quote.person_name, quote.person) if name)
    strings = "','".join(_escaped((
        quote.text, quote.title or "", names, quote.source or "", quote.id, quote.article_id, quote.kind,
        " ".join((quote.person_name or quote.speaker or "").split()),  # the speaker facet counts people
        quote.source or "", _JSON(quote.to_dict()), quote.person or "",
    )))
    return (f"('{strings}',{doc_id(quote.id)},{_article_key(quote.article_id)},{when.year if when else 0},"
            f"{oldest},{newest},{group_key(quote.group or quote.id)})")


def _escaped(strings: tuple[str, ...]) -> list[str]:
    """The strings escaped for SphinxQL literals as pymysql escapes them, in one pass over them
    joined (per string and per character, escaping took a tenth of a batch)."""
    parts = _escape("\x1f".join(strings)).split("\x1f")
    return parts if len(parts) == len(strings) else [_escape(one) for one in strings]


def _escape(value: str) -> str:
    for char, escaped in _ESCAPES:
        if char in value:
            value = value.replace(char, escaped)
    return value


def _article_key(article_id: str) -> int:
    return group_key(article_id)


def _where(found: Translated) -> tuple[str, list[object]]:
    """The WHERE clause of a translated query, and its arguments."""
    conditions = (["MATCH(%s)"] if found.match else []) + found.where
    args = ([found.match] if found.match else []) + found.args
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), args


def _quote(row: tuple) -> Quote:
    return Quote.from_dict(json.loads(row[0]))


def _hit(record: str, score: float, found: Translated) -> Hit:
    quote = Quote.from_dict(json.loads(record))
    return Hit(quote=quote, score=float(score), matches=_matches(quote.text, found))


def _matches(text: str, found: Translated) -> list[tuple[int, int]]:
    """Spans of the words of `text` that the query's words (stemmed as Whoosh does) or
    prefixes match."""
    if not found.words and not found.prefixes:
        return []
    stems = {t.text for w in found.words for t in TEXT_ANALYZER(w)}
    spans = []
    for token in _TOKEN.finditer(text):
        word = token.group()
        if _stem(word) in stems or found.prefixes and any(_written(word).startswith(p) for p in found.prefixes):
            spans.append(token.span())
    return spans


# The words of a text as TEXT_ANALYZER's tokenizer finds them; each is analysed alone, once
# (its filters look at no other word), where analysing every hit's text took a third of a search.
_TOKEN = TEXT_ANALYZER.items[0].expression


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    return " ".join(t.text for t in TEXT_ANALYZER(word))


@lru_cache(maxsize=1 << 16)
def _written(word: str) -> str:
    """The word as written, case and accents folded (what a prefix is compared with)."""
    return " ".join(t.text for t in NAME_ANALYZER(word))


def _facet(rows: list[tuple]) -> list[tuple[str, int]]:
    """(value, quotes) of a facet's rows, most first, then by value; no empty values."""
    counted = [(str(value), int(n)) for value, n in rows if value not in ("", 0, "0", None)]
    return sorted(counted, key=lambda item: (-item[1], item[0].casefold(), item[0]))


def _message(exc: BaseException) -> str:
    said = exc.args[1] if len(exc.args) > 1 else str(exc)
    return str(said).replace("\x00", "").strip().splitlines()[0] if str(said).strip() else type(exc).__name__
