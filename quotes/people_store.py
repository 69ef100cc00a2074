"""The people of an index, in `people.sqlite` beside it: the mentions each article makes
(`people.Mention`), the person each belongs to, the people with their counts, and the user's
decisions (merges, splits, renames, imported lists), which no ingest or reindex overwrites.

Every change is one SQLite transaction, so a crash keeps either all of a decision or none of
it. The index holds each quote's person id; a mention whose person changed after its quotes
were indexed (a later article resolved it, the user merged it) is marked until `relink` has
written its quotes again, so a crash between the two is repaired by the next write. The tables,
and how a batch moves them with work that follows the batch, are in `people_db`.
"""
from __future__ import annotations

import csv
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence, TextIO

from .errors import QuotesError
from .model import Article, Quote, stable_hash
from .people import ORGANISATION, PEOPLE_KINDS, PERSON, UNNAMED, Mention, block_of, fits, mentions, read_name
from .people_db import CHUNK, TABLES, Changes, insert_mentions, migrate, read_mentions, refresh, update_block
from .store import transaction

FILENAME = "people.sqlite"
EXPORT_FIELDS = ("id", "name", "kind", "aliases", "wikidata", "notes")
_PERSONS = "SELECT p.*, c.wikidata, c.notes FROM persons p LEFT JOIN curated c ON c.id = p.id"


@dataclass
class Person:
    """A person of the index, as `quotes people` lists it."""

    id: str
    name: str
    kind: str
    quotes: int
    articles: int
    first: str | None
    last: str | None
    names: list[str]  # every name the articles used, most quoted first
    sources: list[str]
    ambiguous: bool = False
    wikidata: str | None = None
    notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Profile:
    """What a person page shows beside the quotes: counts per kind and month, sources, and the
    people quoted in the same articles."""

    person: Person
    kinds: dict[str, int] = field(default_factory=dict)
    months: list[tuple[str, int]] = field(default_factory=list)  # every month from first to last
    sources: list[tuple[str, int]] = field(default_factory=list)
    co_quoted: list[tuple[Person, int]] = field(default_factory=list)  # (person, shared articles)

    def to_dict(self) -> dict[str, Any]:
        return {**self.person.to_dict(), "kinds": self.kinds, "months": dict(self.months),
                "top_sources": [{"source": s, "quotes": n} for s, n in self.sources],
                "co_quoted": [{"id": p.id, "name": p.name, "articles": n} for p, n in self.co_quoted]}


class PeopleStore:
    """The people file of one index folder; each call is one transaction."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.path = os.path.join(folder, FILENAME)

    # ------------------------------------------------------------------ the data path

    def assign(self, batch: Sequence[tuple[Article, list[Quote]]]) -> None:
        """Record the batch's mentions (replacing its articles' earlier ones), resolve the
        blocks they touch, and set `person` and `person_name` on the batch's quotes."""
        found: dict[str, dict[str, Mention]] = {}
        for article, quotes in batch:  # an article repeated in a batch counts as first seen
            found.setdefault(article.id, mentions(article, quotes))
        with self._db() as db:
            added: dict[str, list[Mention]] = {}
            removed: dict[str, list[Mention]] = {}
            for article_id, ms in found.items():
                before = read_mentions(db, "article_id = ?", (article_id,))
                for m in before:
                    removed.setdefault(m.block, []).append(m)
                db.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
                ids = {m.key: m.person for m in before}
                for m in ms.values():
                    m.person = ids.get(m.key) or m.person  # its id before (or its records'): kept if it can be
                    added.setdefault(m.block, []).append(m)
                insert_mentions(db, ms.values())
            self._update(db, {*added, *removed}, added, removed)
            people = {article_id: {key: self._person_of(db, article_id, key) for key in ms}
                      for article_id, ms in found.items()}
            names = self._names(db, {p for ps in people.values() for p in ps.values()})
            for article, quotes in batch:
                for q in quotes:
                    name = read_name(q.speaker)
                    q.person = people[article.id].get(name.key) if name else None
                    q.person_name = names.get(q.person) if q.person else None

    def indexed(self, article_ids: Iterable[str]) -> None:
        """The quotes of these articles are in the index with their mentions' people."""
        ids = list(article_ids)
        with self._db() as db:
            db.executemany("UPDATE mentions SET indexed = person WHERE article_id = ?", [(i,) for i in ids])

    def stale(self, limit: int = 512) -> list[str]:
        """Articles whose quotes the index holds under a person they no longer belong to."""
        with self._db(write=False) as db:
            if db is None:
                return []
            return [r[0] for r in db.execute(
                "SELECT DISTINCT article_id FROM mentions WHERE indexed IS NOT person LIMIT ?", (limit,))]

    def person_of(self, article_id: str, speaker: str | None) -> tuple[str | None, str | None]:
        """(person id, display name) of a speaker name in an article, or (None, None)."""
        name = read_name(speaker)
        if name is None:
            return None, None
        with self._db(write=False) as db:
            pid = self._person_of(db, article_id, name.key) if db else None
            return pid, (self._names(db, {pid}).get(pid) if pid else None)

    def persons_of(self, article_ids: Sequence[str]) -> dict[tuple[str, str], tuple[str, str]]:
        """(article id, name key) -> (person id, display name) of the articles' mentions."""
        out = {}
        with self._db(write=False) as db:
            for article_id in article_ids if db else ():
                for key, pid, name in db.execute(
                        "SELECT m.key, m.person, p.name FROM mentions m LEFT JOIN persons p ON p.id = m.person"
                        " WHERE m.article_id = ?", (article_id,)):
                    out[(article_id, key)] = (pid, name)
        return out

    # ------------------------------------------------------------------ reading

    def people(self, query: str | None = None, kinds: Sequence[str] = (PERSON, ORGANISATION),
               limit: int | None = None) -> list[Person]:
        """People, most quoted first; with `query`, those with a name having all its words."""
        with self._db(write=False) as db:
            if db is None:
                return []
            marks = ",".join("?" * len(kinds))
            sql = f"{_PERSONS} WHERE p.kind IN ({marks}) AND p.quotes > 0"
            args: tuple = tuple(kinds)
            wanted = read_name(query) if query else None
            if query and wanted is None:
                return []
            if wanted is not None:  # candidates: the people with its surname (or last word)
                sql += " AND p.id IN (SELECT person FROM words WHERE word = ?)"
                args += (wanted.tokens[-1],)
            out = []
            for row in db.execute(sql + " ORDER BY p.quotes DESC, p.name", args):
                person = self._person(db, row)
                if query and not _matches(query, person):
                    continue
                out.append(person)
                if limit and len(out) >= limit:
                    break
            return out

    def get(self, person_id: str) -> Person | None:
        with self._db(write=False) as db:
            row = db.execute(f"{_PERSONS} WHERE p.id = ?", (person_id,)).fetchone() if db else None
            return self._person(db, row) if row else None

    def find(self, name: str) -> list[Person]:
        """The people an id or a name given by a user means: the id, else the people with
        that exact name (case, accents and titles aside), else those with all its words."""
        found = self.get(name.strip())
        if found:
            return [found]
        key = read_name(name)
        if key is None:
            return []
        every = self.people(name, PEOPLE_KINDS)
        exact = [p for p in every if key.key in {k.key for n in [p.name, *p.names] if (k := read_name(n))}]
        return exact or every

    def ids_for(self, names: Sequence[str]) -> list[str]:
        """The ids of every person known by any of `names` (for `--speaker`)."""
        return sorted({p.id for n in names for p in self.people(n, PEOPLE_KINDS)})

    def names_of(self, ids: Iterable[str]) -> dict[str, str]:
        """Display names by id."""
        with self._db(write=False) as db:
            return self._names(db, set(ids)) if db else {}

    def profile(self, person_id: str, co_quoted: int = 10) -> Profile | None:
        """The person's counts per kind, month and source, and who is quoted beside them."""
        person = self.get(person_id)
        if person is None:
            return None
        sums: dict[str, dict[str, int]] = {"qkind": {}, "month": {}, "source": {}}
        with self._db(write=False) as db:
            for what, value, n in db.execute("SELECT what, value, n FROM counts WHERE person = ? AND what IN"
                                             " ('qkind', 'month', 'source')", (person_id,)):
                sums[what][value] = n
            kinds, months, sources = sums["qkind"], sums["month"], sums["source"]
            rows = db.execute(
                "SELECT other.person, COUNT(*) AS n FROM presence me JOIN presence other ON other.article_id ="
                " me.article_id AND other.person != me.person JOIN persons p ON p.id = other.person"
                " WHERE me.person = ? AND p.kind != ? GROUP BY other.person ORDER BY n DESC, other.person"
                " LIMIT ?", (person_id, UNNAMED, co_quoted)).fetchall()
            beside = [(self._person(db, db.execute(f"{_PERSONS} WHERE p.id = ?", (pid,)).fetchone()), n)
                      for pid, n in rows]
        return Profile(person, kinds, _every_month(months),
                       sorted(sources.items(), key=lambda x: (-x[1], x[0]))[:10], beside)

    # ------------------------------------------------------------------ the user's decisions

    def merge(self, into: str, other: str) -> Person:
        """Make `other` part of `into` (ids or names), for good."""
        a, b = self.one(into), self.one(other)
        if a.id == b.id:
            raise QuotesError(f"{into!r} and {other!r} are the same person ({a.id})")
        with self._db() as db:
            rows = db.execute("SELECT article_id, key, block FROM mentions WHERE person = ?", (b.id,)).fetchall()
            db.executemany("INSERT OR REPLACE INTO pins VALUES (?, ?, ?, ?)",
                           [(art, key, block, a.id) for art, key, block in rows])
            db.executemany("INSERT OR IGNORE INTO pins VALUES ('', ?, ?, ?)",
                           [(key, block, a.id) for _, key, block in rows if " " in key])
            db.execute("UPDATE pins SET person = ? WHERE person = ?", (a.id, b.id))
            blocks = self._curate(db, a) | {r[2] for r in rows}
            self._update(db, blocks)
        return self.one(a.id)

    def split(self, name: str, articles: Sequence[str]) -> Person:
        """Make the mentions of `name` in `articles` a person of their own, for good."""
        key = read_name(name)
        if key is None:
            raise QuotesError(f"bad name {name!r}: it has no words")
        if not articles:
            raise QuotesError("give the articles to split off with --article ID")
        pid = stable_hash("split", key.key, *sorted(articles), length=12)
        with self._db() as db:
            rows = []
            for article_id in articles:
                found = db.execute("SELECT article_id, key, block, display FROM mentions WHERE article_id = ?"
                                   " AND key = ?", (article_id, key.key)).fetchall()
                if not found:
                    raise QuotesError(f"article {article_id} has no quotes of {name!r}")
                rows += found
            db.executemany("INSERT OR REPLACE INTO pins VALUES (?, ?, ?, ?)",
                           [(art, k, block, pid) for art, k, block, _ in rows])
            db.execute("INSERT OR IGNORE INTO curated VALUES (?, ?, ?, NULL, NULL)",
                       (pid, rows[0][3], _kind_of(rows[0][2])))
            self._update(db, {r[2] for r in rows})
        return self.one(pid)

    def rename(self, person_id: str, name: str) -> Person:
        """Give a person the display name `name`, for good."""
        if not name.strip():
            raise QuotesError("the new name is empty")
        person = self.one(person_id)
        with self._db() as db:
            blocks = self._curate(db, person)
            db.execute("UPDATE curated SET name = ? WHERE id = ?", (name.strip(), person.id))
            self._update(db, blocks)
            refresh(db, {person.id})
        return self.one(person.id)

    def export(self, out: TextIO) -> int:
        """Write every person as CSV (EXPORT_FIELDS; aliases joined by "|")."""
        writer = csv.DictWriter(out, EXPORT_FIELDS)
        writer.writeheader()
        people = self.people(None, (PERSON, ORGANISATION))
        for p in people:
            writer.writerow({"id": p.id, "name": p.name, "kind": p.kind, "aliases": "|".join(p.names),
                             "wikidata": p.wikidata or "", "notes": p.notes or ""})
        return len(people)

    def import_csv(self, source: TextIO) -> int:
        """Load people (EXPORT_FIELDS, `id` optional): each alias, in any article, is theirs
        from now on. A row's id keeps an existing person's; a row without one makes a new."""
        reader = csv.DictReader(source)
        if not reader.fieldnames or "name" not in reader.fieldnames:
            raise QuotesError("the CSV needs a header with at least a name column"
                              f" (columns: {', '.join(EXPORT_FIELDS)})")
        rows = list(reader)
        with self._db() as db:
            blocks: set[str] = set()
            for n, row in enumerate(rows, 2):
                name = (row.get("name") or "").strip()
                kind = (row.get("kind") or PERSON).strip() or PERSON
                if not name:
                    raise QuotesError(f"line {n}: the name is empty")
                if kind not in PEOPLE_KINDS:
                    raise QuotesError(f"line {n}: unknown kind {kind!r} (kinds: {', '.join(PEOPLE_KINDS)})")
                pid = (row.get("id") or "").strip() or stable_hash("import", name, length=12)
                aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
                db.execute("INSERT OR REPLACE INTO curated VALUES (?, ?, ?, ?, ?)",
                           (pid, name, kind, (row.get("wikidata") or "").strip() or None,
                            (row.get("notes") or "").strip() or None))
                for alias in {name, *aliases}:
                    parsed = read_name(alias)
                    if parsed is None or parsed.kind == UNNAMED:
                        continue
                    block = block_of(parsed, "")
                    db.execute("INSERT OR REPLACE INTO pins VALUES ('', ?, ?, ?)", (parsed.key, block, pid))
                    blocks.add(block)
            self._update(db, blocks)
            refresh(db, {(r.get("id") or "").strip() for r in rows} - {""})
        return len(rows)

    # ------------------------------------------------------------------ inside

    def _update(self, db: sqlite3.Connection, blocks: Iterable[str], added: dict[str, list[Mention]] | None = None,
                removed: dict[str, list[Mention]] | None = None) -> None:
        """Resolve the blocks after a change of their mentions (`added`, `removed`), or, with
        neither, all their mentions again (the user's pins changed); then the people moved."""
        changes = Changes()
        touched: set[str] = set()
        rebuild = added is None and removed is None
        for block in sorted(blocks):
            touched |= update_block(db, block, (added or {}).get(block, []), (removed or {}).get(block, []),
                                    changes, rebuild)
        refresh(db, touched | changes.apply(db))

    def _curate(self, db: sqlite3.Connection, person: Person) -> set[str]:
        """Pin the person's mentions (and full names, in any article) to their id, so a
        decision about them holds whatever later articles or a reindex bring; their blocks."""
        db.execute("INSERT OR IGNORE INTO curated VALUES (?, NULL, ?, NULL, NULL)", (person.id, person.kind))
        rows = db.execute("SELECT article_id, key, block FROM mentions WHERE person = ?", (person.id,)).fetchall()
        db.executemany("INSERT OR IGNORE INTO pins VALUES (?, ?, ?, ?)", [(*r, person.id) for r in rows])
        db.executemany("INSERT OR IGNORE INTO pins VALUES ('', ?, ?, ?)",
                       [(key, block, person.id) for _, key, block in rows if " " in key])
        return {r[2] for r in rows}

    def _person_of(self, db: sqlite3.Connection, article_id: str, key: str) -> str | None:
        row = db.execute("SELECT person FROM mentions WHERE article_id = ? AND key = ?", (article_id, key)).fetchone()
        return row[0] if row else None

    def _names(self, db: sqlite3.Connection | None, ids: set[str | None]) -> dict[str, str]:
        wanted = sorted(i for i in ids if i)
        out: dict[str, str] = {}
        for n in range(0, len(wanted) if db else 0, CHUNK):
            chunk = wanted[n: n + CHUNK]
            out.update(db.execute(f"SELECT id, name FROM persons WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def _person(self, db: sqlite3.Connection, row: tuple) -> Person:
        """A row of `_PERSONS`."""
        pid, name, kind, ambiguous, quotes, articles, first, last, names, sources, wikidata, notes = row
        return Person(pid, name, kind, quotes, articles, first, last, json.loads(names), json.loads(sources),
                      bool(ambiguous), wikidata, notes)

    def one(self, name: str) -> Person:
        """The one person an id or name means, or a clear error."""
        found = self.find(name)
        if not found:
            raise QuotesError(f"no person {name!r} in the index (see `quotes people`)")
        if len(found) > 1:
            listed = ", ".join(f"{p.name} ({p.id})" for p in found[:5])
            raise QuotesError(f"{name!r} names {len(found)} people: {listed}; give an id")
        return found[0]

    @contextmanager
    def _db(self, write: bool = True) -> Iterator[Any]:
        """One transaction (None to read a file that does not exist yet). A file written before
        the tallies is brought up to date first (`people_db.migrate`), once."""
        what = f"the people of the index at {self.folder}"
        if not write:
            with transaction(self.path, (), False, what) as db:
                if db is None or "grp" in {r[1] for r in db.execute("PRAGMA table_info(mentions)")}:
                    yield db
                    return
            with self._db():
                pass
        with transaction(self.path, TABLES, write, what) as db:
            if write:
                migrate(db)
            yield db


def relink(ix: Any, batch: int = 256) -> int:
    """Write again the quotes of every article whose people changed since they were indexed
    (see the module docstring), through the index's own `add`; returns how many articles.
    Their fingerprints are kept: the articles themselves did not change."""
    people = PeopleStore(ix.store.folder)
    done = 0
    while stale := people.stale(batch):
        pairs, kept, absent = [], [], []
        persons = people.persons_of(stale)
        for article_id in stale:
            article = ix.article(article_id)
            found = list(ix.export(f"article_id:{article_id}")) if article else []
            if not found:  # not in the index (yet): it gets its people when it is added
                absent.append(article_id)
                continue
            for q in found:
                name = read_name(q.speaker)
                q.person, q.person_name = persons.get((article_id, name.key), (None, None)) if name else (None, None)
            pairs.append((article, found))
            kept.append((article_id, ix.store.fingerprint(article_id)))
        if pairs:
            ix.add(pairs, people=False)
            ix.store.mark((i, f) for i, f in kept if f)
        people.indexed(stale)
        done += len(pairs)
    return done


def _kind_of(block: str) -> str:
    return {"p": PERSON, "o": ORGANISATION}.get(block[0], UNNAMED)


def _matches(query: str, person: Person) -> bool:
    """Whether every word of `query` is in one of the person's names (case, accents aside)."""
    wanted = read_name(query)
    if wanted is None:
        return False
    for name in [person.name, *person.names]:
        have = read_name(name)
        if have and set(wanted.tokens) <= set(have.tokens):
            return True
        if have and len(wanted.tokens) > 1 and wanted.surname == have.surname and (
                fits(wanted.given, have.given) or fits(have.given, wanted.given)) and len(have.tokens) > 1:
            return True
    return False


def _every_month(months: dict[str, int]) -> list[tuple[str, int]]:
    """Months from the first to the last, with the empty ones in between (for the chart)."""
    if not months:
        return []
    first, last = min(months), max(months)
    out = []
    year, month = int(first[:4]), int(first[5:7])
    while f"{year:04d}-{month:02d}" <= last and len(out) < 1200:
        label = f"{year:04d}-{month:02d}"
        out.append((label, months.get(label, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
