"""The tables of `people.sqlite` and how a change of mentions moves them, with work that follows
the change, not the size of the index.

A batch brings mentions (`people.Mention`) and takes away its articles' earlier ones. For each
block (surname) it touches, `update_block` counts them into and out of the block's tallies
(one row per full name), makes the block's state from those, and resolves the batch's
mentions; it reads earlier mentions of the block only where the state moved under them (see
`people.State`): the bare surnames and shorter names a new full name could upgrade. Groups
(one per anchor, or per unresolved name) keep their person id. Each person's counts (quotes,
names, sources, kinds, months, articles) are kept as running sums moved by the same change
(`Changes`), so `refresh` rebuilds a person row from a few rows, however often they are quoted.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any, Iterable, Sequence

from .people import (Mention, State, Tally, block_state, display_name, group_of, new_ids, read_name,
                     tally)

MENTION_FIELDS = ("article_id", "key", "block", "kind", "display", "names", "quotes", "kinds", "months",
                  "first", "source", "gender", "titles", "evidence", "person", "group")
_COLUMNS = ", ".join("grp" if f == "group" else f for f in MENTION_FIELDS)
_JSON = frozenset({"names", "kinds", "months", "titles", "evidence"})
TABLES = (
    "CREATE TABLE IF NOT EXISTS mentions (article_id TEXT, key TEXT, block TEXT, kind TEXT,"
    " display TEXT, names TEXT, quotes INTEGER, kinds TEXT, months TEXT, first TEXT, source TEXT,"
    " gender TEXT, titles TEXT, evidence TEXT, person TEXT, grp TEXT, indexed TEXT,"
    " PRIMARY KEY (article_id, key))",
    "CREATE INDEX IF NOT EXISTS mentions_block_key ON mentions (block, key)",
    "CREATE INDEX IF NOT EXISTS mentions_person_first ON mentions (person, first)",
    "CREATE INDEX IF NOT EXISTS mentions_stale ON mentions (article_id) WHERE indexed IS NOT person",
    "CREATE TABLE IF NOT EXISTS persons (id TEXT PRIMARY KEY, name TEXT, kind TEXT, ambiguous INTEGER,"
    " quotes INTEGER, articles INTEGER, first TEXT, last TEXT, names TEXT, sources TEXT)",
    # In the order `quotes people` lists them: the first N are read, not all of them sorted.
    "CREATE INDEX IF NOT EXISTS persons_rank ON persons (quotes DESC, name)",
    # Every word of every name of a person: the people a name typed by a user can mean.
    "CREATE TABLE IF NOT EXISTS words (word TEXT, person TEXT, PRIMARY KEY (word, person))",
    "CREATE INDEX IF NOT EXISTS words_person ON words (person)",
    # The user's decisions: never rewritten by ingest or reindex.
    "CREATE TABLE IF NOT EXISTS pins (article_id TEXT, key TEXT, block TEXT, person TEXT,"
    " PRIMARY KEY (article_id, key))",
    "CREATE INDEX IF NOT EXISTS pins_block ON pins (block)",
    "CREATE TABLE IF NOT EXISTS curated (id TEXT PRIMARY KEY, name TEXT, kind TEXT, wikidata TEXT,"
    " notes TEXT)",
    # The state of each block: a tally per full name, the state made from them, the groups.
    "CREATE TABLE IF NOT EXISTS tallies (block TEXT, key TEXT, mentions INTEGER, evidence INTEGER,"
    " votes TEXT, titles TEXT, PRIMARY KEY (block, key))",
    "CREATE TABLE IF NOT EXISTS states (block TEXT PRIMARY KEY, state TEXT)",
    "CREATE TABLE IF NOT EXISTS groups (block TEXT, grp TEXT, person TEXT, ambiguous INTEGER,"
    " mentions INTEGER, PRIMARY KEY (block, grp))",
    "CREATE INDEX IF NOT EXISTS groups_person ON groups (person)",
    # Running sums of each person: (what, value) -> n, and the mentions they have per article.
    "CREATE TABLE IF NOT EXISTS counts (person TEXT, what TEXT, value TEXT, n INTEGER,"
    " PRIMARY KEY (person, what, value))",
    "CREATE TABLE IF NOT EXISTS presence (person TEXT, article_id TEXT, n INTEGER,"
    " PRIMARY KEY (person, article_id))",
    # Who else each article quotes, read from the index alone (a person page's `co_quoted`).
    "CREATE INDEX IF NOT EXISTS presence_article ON presence (article_id, person)",
)
# What `refresh` reads of a person's counts (the months and kinds are the profile's).
_SUMS = ("quotes", "articles", "mentions", "full", "name", "source", "display", "told", "kind")
CHUNK = 500
_MOVE, _GROUP, _UNGROUP = ("UPDATE mentions SET person = ?, grp = ? WHERE article_id = ? AND key = ?",
                           "INSERT OR REPLACE INTO groups VALUES (?, ?, ?, ?, ?)",
                           "DELETE FROM groups WHERE block = ? AND grp = ?")
_TALLY, _UNTALLY, _STATE = ("INSERT OR REPLACE INTO tallies VALUES (?, ?, ?, ?, ?, ?)",
                            "DELETE FROM tallies WHERE block = ? AND key = ?",
                            "INSERT OR REPLACE INTO states VALUES (?, ?)")
_WRITES = (_MOVE, _UNGROUP, _GROUP, _UNTALLY, _TALLY, _STATE)  # deletes before puts


def row(m: Mention) -> tuple:
    return tuple(json.dumps(getattr(m, f), ensure_ascii=False) if f in _JSON else getattr(m, f)
                 for f in MENTION_FIELDS)


def mention(values: Sequence[Any]) -> Mention:
    return Mention(**{f: (json.loads(v) if f in _JSON else v) for f, v in zip(MENTION_FIELDS, values)})


def read_mentions(db: sqlite3.Connection, where: str, args: tuple) -> list[Mention]:
    return [mention(r) for r in db.execute(f"SELECT {_COLUMNS} FROM mentions WHERE {where}", args)]


def insert_mentions(db: sqlite3.Connection, ms: Iterable[Mention], indexed: dict[tuple[str, str], str] | None = None
                    ) -> None:
    db.executemany(f"INSERT INTO mentions ({_COLUMNS}, indexed) VALUES ({', '.join('?' * (len(MENTION_FIELDS) + 1))})",
                   [(*row(m), (indexed or {}).get((m.article_id, m.key))) for m in ms])


class Changes:
    """The running sums a transaction moves, applied once at its end (`apply`)."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()  # (person, what, value) -> delta
        self.presence: Counter = Counter()  # (person, article id) -> delta of mentions
        self.touched: set[str] = set()
        # Rows of the blocks (each block's are its own: written once, at the end).
        self.writes: dict[str, list[tuple]] = {sql: [] for sql in _WRITES}

    def move(self, m: Mention, person: str | None, sign: int) -> None:
        """Count the mention into (1) or out of (-1) the sums of `person`."""
        if not person:
            return
        self.touched.add(person)
        c = self.counts
        c[(person, "quotes", "")] += sign * m.quotes
        c[(person, "mentions", "")] += sign
        c[(person, "full", "")] += sign * (len(m.tokens) > 1)
        c[(person, "display", m.display)] += sign * m.quotes
        c[(person, "kind", m.kind)] += sign
        for name in m.names:
            c[(person, "name", name)] += sign * m.quotes
        if m.source:
            c[(person, "source", m.source)] += sign * m.quotes
        for told in set(m.evidence):
            c[(person, "told", told)] += sign
        for kind, n in m.kinds.items():
            c[(person, "qkind", kind)] += sign * n
        for month, n in m.months.items():
            c[(person, "month", month)] += sign * n
        self.presence[(person, m.article_id)] += sign

    def apply(self, db: sqlite3.Connection) -> set[str]:
        """Write the blocks' rows and the sums; returns the people whose sums moved."""
        for sql, rows in self.writes.items():
            db.executemany(sql, rows)
            rows.clear()
        for (person, article_id), delta in self.presence.items():
            if not delta:
                continue
            found = db.execute("SELECT n FROM presence WHERE person = ? AND article_id = ?",
                               (person, article_id)).fetchone()
            before = found[0] if found else 0
            after = before + delta
            if after > 0:
                db.execute("INSERT OR REPLACE INTO presence VALUES (?, ?, ?)", (person, article_id, after))
            else:
                db.execute("DELETE FROM presence WHERE person = ? AND article_id = ?", (person, article_id))
            self.counts[(person, "articles", "")] += (after > 0) - (before > 0)
        moved = [(*k, n) for k, n in self.counts.items() if n]
        db.executemany("INSERT INTO counts VALUES (?, ?, ?, ?) ON CONFLICT (person, what, value)"
                       " DO UPDATE SET n = n + excluded.n", moved)
        db.executemany("DELETE FROM counts WHERE person = ? AND what = ? AND value = ? AND n <= 0",
                       [k[:3] for k in moved if k[3] < 0])
        touched = self.touched
        self.counts, self.presence, self.touched = Counter(), Counter(), set()
        return touched


def update_block(db: sqlite3.Connection, block: str, added: Sequence[Mention], removed: Sequence[Mention],
                 changes: Changes, rebuild: bool = False) -> set[str]:
    """Resolve the block after `added` were inserted and `removed` deleted (their `person` and
    `group` as they were); with `rebuild`, every mention of the block again (after the user's
    pins changed). Sets and writes each moved mention's person; returns the people whose
    group changed (their ambiguity may have)."""
    pins = {(a, k): p for a, k, p in db.execute("SELECT article_id, key, person FROM pins WHERE block = ?", (block,))}

    def pin(m: Mention) -> str | None:
        return pins.get((m.article_id, m.key)) or pins.get(("", m.key))

    groups = {g: [p, bool(a), n] for g, p, a, n in db.execute(
        "SELECT grp, person, ambiguous, mentions FROM groups WHERE block = ?", (block,))}
    loaded = {g: tuple(v) for g, v in groups.items()}
    fresh = {(m.article_id, m.key) for m in added}
    state: State | None = None
    if rebuild:
        earlier = [m for m in read_mentions(db, "block = ?", (block,)) if (m.article_id, m.key) not in fresh]
    else:
        earlier = []
    if block.startswith("p:"):
        state, redo = _state(db, block, pin, _fixed(db, block, pins), changes,
                             [*earlier, *added] if rebuild else None, added, removed)
        if not rebuild:
            for key in sorted(redo):
                earlier += [m for m in read_mentions(db, "block = ? AND key = ?", (block, key))
                            if (m.article_id, m.key) not in fresh]
        if rebuild or redo:  # every unresolved name of the block is read again: its flag too
            for grp, g in groups.items():
                if grp.startswith("?"):
                    g[1] = False
    for m in [*removed, *earlier]:
        if m.group in groups:
            groups[m.group][2] -= 1
    beside: dict[str, list[tuple[str, ...]]] = {}
    placed: list[tuple[Mention, str | None, str | None]] = []  # (mention, person decided, group)
    for m in [*earlier, *added]:
        decided = pin(m)
        if decided:
            placed.append((m, decided, None))
            continue
        if state is not None and len(m.tokens) == 1 and m.article_id not in beside:
            beside[m.article_id] = [tuple(k.split()[:-1]) for (k,) in db.execute(
                "SELECT key FROM mentions WHERE article_id = ? AND block = ?", (m.article_id, block)) if " " in k]
        grp, several = group_of(block, m, state, beside.get(m.article_id, ()))
        if state is not None and grp in state.fixed:  # joined a name the user decided: theirs
            placed.append((m, state.fixed[grp], None))
            continue
        g = groups.setdefault(grp, [None, False, 0])
        g[1], g[2] = g[1] or several, g[2] + 1
        placed.append((m, None, grp))
    for grp in [g for g, v in groups.items() if v[2] <= 0]:
        del groups[grp]
    new = {grp: [m for m, _, g in placed if g == grp] for grp, v in groups.items() if v[0] is None}
    taken = {v[0] for v in groups.values() if v[0]} | set(pins.values())
    for grp, pid in new_ids(block, new, {g: groups[g][1] for g in new}, taken).items():
        groups[grp][0] = pid
    moved = []
    for m, decided, grp in placed:
        person = decided or groups[grp][0]
        if (m.article_id, m.key) in fresh or (person, grp) != (m.person, m.group):
            moved.append((person, grp, m.article_id, m.key))
            if (m.article_id, m.key) not in fresh:
                changes.move(m, m.person, -1)
            changes.move(m, person, 1)
        m.person, m.group = person, grp
    for m in removed:
        changes.move(m, m.person, -1)
    changes.writes[_MOVE] += moved
    gone = [g for g in loaded if g not in groups]
    changes.writes[_UNGROUP] += [(block, g) for g in gone]
    changes.writes[_GROUP] += [(block, g, *v) for g, v in groups.items() if tuple(v) != loaded.get(g)]
    return {v[0] for g, v in groups.items() if loaded.get(g, (None, None))[:2] != (v[0], v[1])} | {
        loaded[g][0] for g in gone}


def _fixed(db: sqlite3.Connection, block: str, pins: dict[tuple[str, str], str]) -> dict[str, str]:
    """The full names of the block the user pinned to a person: in any article, or as the
    name of a mention pinned in its article."""
    fixed = {k: p for (a, k), p in sorted(pins.items()) if a == "" and " " in k}
    if any(a and " " in k for a, k in pins):
        for k, p in db.execute(
                "SELECT p.key, p.person FROM pins p JOIN mentions m ON m.article_id = p.article_id AND m.key = p.key"
                " WHERE p.block = ? AND p.article_id != '' AND instr(p.key, ' ') > 0 ORDER BY p.article_id", (block,)):
            fixed.setdefault(k, p)
    return fixed


def _state(db: sqlite3.Connection, block: str, pin: Any, fixed: dict[str, str], changes: Changes,
           every: Sequence[Mention] | None, added: Sequence[Mention], removed: Sequence[Mention]
           ) -> tuple[State, set[str]]:
    """The block's new state, from its tallies moved by the change (or made again from
    `every` mention), and the keys whose earlier mentions must be resolved again."""
    tallies: dict[str, Tally] = {}
    stored: dict[str, tuple] = {}
    if every is None:
        for found in db.execute("SELECT * FROM tallies WHERE block = ?", (block,)):
            stored[found[1]] = found
            tallies[found[1]] = Tally(found[1], found[2], found[3], json.loads(found[4]), json.loads(found[5]))
        for m in removed:
            tally(tallies, m, bool(pin(m)), -1)
    else:
        changes.writes[_UNTALLY] += [(block, k) for (k,) in db.execute("SELECT key FROM tallies WHERE block = ?",
                                                                       (block,))]
    for m in added if every is None else every:
        tally(tallies, m, bool(pin(m)))
    for t in tallies.values():
        if not t.live():
            if t.key in stored:
                changes.writes[_UNTALLY].append((block, t.key))
            continue
        made = (block, t.key, t.mentions, t.evidence, json.dumps({g: n for g, n in t.votes.items() if n}),
                json.dumps({x: n for x, n in t.titles.items() if n}, ensure_ascii=False))
        if stored.get(t.key) != made:
            changes.writes[_TALLY].append(made)
    state = block_state(tallies.values(), fixed)
    found = db.execute("SELECT state FROM states WHERE block = ?", (block,)).fetchone()
    dumped = _dump_state(state)
    if not found or found[0] != dumped:
        changes.writes[_STATE].append((block, dumped))
    keys = {t.key for t in tallies.values() if t.mentions > 0} | {block[2:]}
    before = _load_state(found[0]) if found and every is None else None
    if before is None:
        return state, keys
    if found[0] == dumped:
        return state, set()
    if state.anchors != before.anchors or dict(state.fixed) != dict(before.fixed):
        return state, keys - {a for a in state.anchors & before.anchors if state.fixed.get(a) == before.fixed.get(a)}
    if len(state.anchors) > 1 and (dict(state.gender) != dict(before.gender) or dict(state.roles) != dict(before.roles)):
        return state, keys - state.anchors
    return state, set()


def _dump_state(state: State) -> str:
    return json.dumps({"anchors": sorted(state.anchors), "fixed": dict(state.fixed), "gender": dict(state.gender),
                       "roles": {a: sorted(r) for a, r in state.roles.items()}}, ensure_ascii=False, sort_keys=True)


def _load_state(text: str) -> State:
    d = json.loads(text)
    return State(frozenset(d["anchors"]), d["fixed"], d["gender"], {a: frozenset(r) for a, r in d["roles"].items()})


def refresh(db: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Write the rows of the people `ids` again from their running sums (a few rows each, however
    often they are quoted); drop those left with no quotes."""
    wanted = sorted({i for i in ids if i})
    for n in range(0, len(wanted), CHUNK):
        _refresh(db, wanted[n: n + CHUNK])


def _refresh(db: sqlite3.Connection, chunk: list[str]) -> None:
    marks = ",".join("?" * len(chunk))
    sums: dict[str, dict[str, dict[str, int]]] = {pid: {} for pid in chunk}
    for pid, what, value, n in db.execute(f"SELECT person, what, value, n FROM counts WHERE person IN ({marks})"
                                          f" AND what IN ({','.join('?' * len(_SUMS))})", (*chunk, *_SUMS)):
        sums[pid].setdefault(what, {})[value] = n
    curated = {r[0]: r[1:] for r in db.execute(f"SELECT id, name, kind FROM curated WHERE id IN ({marks})", chunk)}
    was = {r[0]: r[1:] for r in db.execute(f"SELECT id, ambiguous, name FROM persons WHERE id IN ({marks})", chunk)}
    flags = dict(db.execute(f"SELECT person, MAX(ambiguous) FROM groups WHERE person IN ({marks}) GROUP BY person",
                            chunk).fetchall())
    db.execute(f"DELETE FROM words WHERE person IN ({marks})", chunk)
    rows, words, gone, renamed = [], [], [], []
    for pid in chunk:
        mine = sums[pid]
        quotes = mine.get("quotes", {}).get("", 0)
        if quotes <= 0:
            gone.append((pid,))
            continue
        first, last = db.execute("SELECT (SELECT MIN(first) FROM mentions WHERE person = ?),"
                                 " (SELECT MAX(first) FROM mentions WHERE person = ?)", (pid, pid)).fetchone()
        names = _ranked(mine.get("name", {}))
        bare = not mine.get("full", {}).get("", 0)
        every = mine.get("mentions", {}).get("", 0)
        told = [t for t, n in mine.get("told", {}).items() if n >= every] if bare else []
        decided = curated.get(pid)
        before = was.get(pid)
        flag = bool(before and before[0]) if flags.get(pid) is None else bool(flags[pid])
        name = (decided and decided[0]) or display_name(mine.get("display", {}), told) or names[0]
        if before and before[1] != name:  # the index holds the old name: write them again
            renamed.append((pid,))
        rows.append((pid, name, (decided and decided[1]) or min(mine.get("kind", {"person": 1})),
                     int(flag and not decided), quotes, mine.get("articles", {}).get("", 0), first, last,
                     json.dumps(names, ensure_ascii=False),
                     json.dumps(_ranked(mine.get("source", {})), ensure_ascii=False)))
        said = [*names, *([decided[0]] if decided and decided[0] else [])]
        tokens = {w for n in said if (parsed := read_name(n)) for w in parsed.tokens}
        words += [(w, pid) for w in tokens]
    db.executemany("DELETE FROM persons WHERE id = ?", gone)
    db.executemany("UPDATE mentions SET indexed = NULL WHERE person = ?", renamed)
    db.executemany("INSERT OR REPLACE INTO persons VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT OR IGNORE INTO words VALUES (?, ?)", words)


def _ranked(counts: dict[str, int]) -> list[str]:
    return [v for v, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


def migrate(db: sqlite3.Connection) -> None:
    """A people file written before the tallies (no `grp` column): every mention counted in
    again, ids and the user's decisions kept."""
    if "grp" in {r[1] for r in db.execute("PRAGMA table_info(mentions)")}:
        return
    old = [f for f in MENTION_FIELDS if f != "group"]
    rows = db.execute(f"SELECT {', '.join(old)}, indexed FROM mentions").fetchall()
    found = [mention((*r[:-1], None)) for r in rows]
    indexed = {(r[0], r[1]): r[-1] for r in rows}
    for table in ("mentions", "persons", "words", "tallies", "states", "groups", "counts", "presence"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in TABLES:
        db.execute(statement)
    insert_mentions(db, found, indexed)
    changes = Changes()
    by_block: dict[str, list[Mention]] = {}
    for m in found:
        by_block.setdefault(m.block, []).append(m)
    touched = set()
    for block, ms in sorted(by_block.items()):
        touched |= update_block(db, block, ms, [], changes)
    refresh(db, touched | changes.apply(db))
