"""The embedded backend, an on-disk Whoosh index of quotes: one document per `Quote`,
replaced per article.

Each document stores the quote's full record as JSON (so `get` returns what was indexed) next
to the indexed fields that search needs: the stemmed, accent-folded quote text, a speaker field
that holds both the resolved name and the mention, sortable columns for dates, positions and
facets, and the group of republished copies the quote belongs to, set when it is added (so a
search shows one hit per group without comparing quotes at query time).
"""
from __future__ import annotations

import math
import os
import pickle
import time
import warnings
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escapes and `is` comparisons with literals that Python 3.11 warns
    # about whenever it compiles them; users must not see those.
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from whoosh import index, sorting
    from whoosh import query as wq
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader
    from whoosh.codec import whoosh3  # noqa: F401  (the default codec; Whoosh imports it lazily)

from ..errors import QuotesError
from ..model import Quote
from ..query import Filters, parse
from ..store import ArticleStore
from .base import Batch, Group, Hit, QuoteIndex, Results, check_search, check_version, index_path
from .base import reason as _reason
from .whoosh_schema import FACET_COLUMNS, NAME_ANALYZER, NEWEST, OLDEST, TEXT_ANALYZER, document, make_schema, stored_quote

if TYPE_CHECKING:
    from whoosh.writing import IndexWriter
    from whoosh.searching import Hit as WhooshHit
    from whoosh.searching import Results as WhooshResults
    from whoosh.searching import Searcher

# The layout of the index (Whoosh schema and article store). Version 1 (quotes 0.1 before
# groups) stored no article texts; version 2 kept groups in a column of strings; version 3 had
# no people. An index of another version is never opened as it is.
SCHEMA_VERSION = 4
# Files a folder may hold and still receive a new index (the repo's index/README.md).
_HOUSEKEEPING = frozenset({"README.md", ".gitignore", ".gitkeep"})
# Above this many matches, `Results.total` counts quotes, not groups (see `search`).
_EXACT_TOTAL = 20_000
_GROUPS = sorting.FieldFacet("group_key")
_OPEN_ERRORS = (OSError, EOFError, ValueError, pickle.UnpicklingError, index.IndexError)
# `similar`: words in more than this share of the quotes say little about which quote is meant.
_COMMON = 0.05
_TELLING = 8
# Segments merge in tiers: `_MERGE_FACTOR` segments of about the same size become one.
_MERGE_FACTOR = 8
_SMALLEST_TIER = 1000  # live quotes: smaller segments are all of the first tier
_LARGEST_MERGE = 500_000  # live quotes: no merge makes a larger segment (see `_to_merge`)
# Whoosh sorts a commit's postings in memory up to this, then in runs on disk. 256 MB sped up
# nothing and took 441 MB, not 313, to merge 100,000 quotes.
_POOL_MB = 128
# The file of Whoosh's writer lock in an index folder.
LOCK_FILE = f"{index._DEF_INDEX_NAME}_WRITELOCK"


class WhooshIndex(QuoteIndex):
    """A quotes index directory."""

    def __init__(self, ix: index.Index, path: str, wait: float = 0.0,
                 on_wait: Callable[[], None] | None = None) -> None:
        self._ix = ix
        self.path = path
        self.store = ArticleStore(path)
        self._wait = wait
        self._on_wait = on_wait
        self._searcher: Searcher | None = None

    @classmethod
    def open(
        cls, path: str | None = None, create: bool = False, wait: float = 0.0,
        on_wait: Callable[[], None] | None = None,
    ) -> "WhooshIndex":
        """Open the index at `path`; with `create`, make it if missing (never in a used folder).

        A writer that finds the index locked by another waits up to `wait` seconds for it,
        calling `on_wait` once first (to say so). An index of another schema version is refused
        with what to do: `quotes reindex` for an older one, a newer `quotes` for a newer one.
        """
        directory = index_path(path)
        if os.path.exists(directory) and not os.path.isdir(directory):
            raise QuotesError(f"{directory} is not a directory, so it cannot hold an index")
        try:
            if index.exists_in(directory):
                ix = _storage(directory).open_index()
                if not {"record", "article_id"} <= set(ix.schema.names()):
                    raise QuotesError(
                        f"{directory} holds an index from another program;"
                        " remove it or choose another index folder"
                    )
                check_version(ArticleStore(directory), directory, SCHEMA_VERSION)
            elif create:
                _prepare_folder(directory)
                ix = _storage(directory).create_index(make_schema())
                ArticleStore(directory).set_meta(schema=str(SCHEMA_VERSION))
            else:
                raise QuotesError(f"no index at {directory}: run `quotes ingest` first")
        except _OPEN_ERRORS as exc:
            raise QuotesError(f"cannot open the index at {directory}: {_reason(exc)}") from None
        return cls(ix, directory, wait, on_wait)

    @classmethod
    @contextmanager
    def locked(cls, path: str | None = None, wait: float = 0.0,
               on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Whoosh's own writer lock of the folder (see `QuoteIndex.locked`)."""
        directory = index_path(path)
        lock = _storage(directory).lock(LOCK_FILE)
        try:
            got = lock.acquire()
            if not got and wait > 0:
                if on_wait is not None:
                    on_wait()
                deadline = time.monotonic() + wait
                while not got and time.monotonic() < deadline:
                    time.sleep(0.25)
                    got = lock.acquire()
        except OSError as exc:
            raise QuotesError(f"cannot write the index at {directory}: {_reason(exc)}") from None
        if not got:
            raise _locked_error(directory, wait)
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def _writing(self) -> Iterator[Batch]:
        """One writer and one commit (see `QuoteIndex.add`); cancelled on any exception."""
        writer = self._writer()
        try:
            with writer.searcher() as existing:
                yield _WhooshBatch(writer, existing)
        except BaseException:
            writer.cancel()
            raise
        try:
            writer.commit(mergetype=_merge_tiers)
        except OSError as exc:
            raise QuotesError(f"cannot write the index at {self.path}: {_reason(exc)}") from None

    def optimize(self) -> None:
        """Merge the index into one segment: searches get faster (fewer segments to visit),
        at the cost of rewriting the whole index once. Worth it after a large ingest."""
        writer = self._writer()
        try:
            writer.commit(optimize=True)
        except OSError as exc:
            raise QuotesError(f"cannot write the index at {self.path}: {_reason(exc)}") from None

    def _writer(self) -> object:
        """The index's writer, once the lock is ours (waiting as `open` was told to)."""
        try:
            try:
                return self._ix.writer(limitmb=_POOL_MB)
            except index.LockError:
                if self._wait <= 0:
                    raise
                if self._on_wait is not None:
                    self._on_wait()
                return self._ix.writer(limitmb=_POOL_MB, timeout=self._wait, delay=0.25)
        except index.LockError:
            raise _locked_error(self.path, self._wait) from None
        except OSError as exc:
            raise QuotesError(f"cannot write the index at {self.path}: {_reason(exc)}") from None

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
        """Page `page` of the quotes matching `query` (Whoosh syntax) and `filters`, one hit
        per group of republished copies (ranked by its best matching copy, shown by its oldest
        matching one), `limit` per page.

        `sort` is "relevance" (best first), "date" (oldest first) or "-date"; without a
        query, relevance means date. `facets` (see FACETS) are counted over every matching
        quote, not just the page.
        """
        check_search(limit, page, sort, facets)
        with self._reading() as searcher:
            text, parsed, only = self._prepared(searcher, query, filters)
            order = None if text and sort == "relevance" else NEWEST if sort == "-date" else OLDEST
            results, firsts = _first_of_groups(searcher, parsed, only, order, bool(text), page * limit)
            total = _total(searcher, parsed, only, results)
            terms = _text_terms(parsed, searcher) if text else set()
            hits = [
                _hit(results[n], results[n].score if order is None else 0.0, terms)
                for n in firsts[(page - 1) * limit : page * limit]
            ]
            _add_groups(searcher, hits)
            counted = _facet_counts(searcher, parsed, only, facets) if facets else {}
            if "speaker" in counted:
                counted["speaker"] = self.named_people(counted["speaker"])
            suggestions = [] if total else _suggestions(searcher, text, parsed, filters)
            return Results(
                hits=hits, total=total, page=page, pages=max(-(-total // limit), 1 if hits else 0),
                facets=counted, suggestions=suggestions,
            )

    def export(self, query: str | None = None, filters: Filters | None = None) -> Iterator[Quote]:
        """Every quote matching `query` and `filters` (each copy of a group), oldest first,
        read one at a time."""
        with self._ix.searcher() as searcher:
            _, parsed, only = self._prepared(searcher, query, filters)
            results = searcher.search(parsed, filter=only, limit=None, sortedby=OLDEST)
            for n in range(results.scored_length()):  # (`docs()` is a set: no order)
                yield stored_quote(searcher.stored_fields(results.docnum(n)))

    def texts(self, filters: Filters | None, limit: int) -> list[str]:
        """The words of `limit` quotes matching `filters`, one a group, the latest indexed first,
        read from their stored records alone: a search would make each hit's sources, and an
        order by date reads a column value per matching quote (a third of the time of the most
        quoted person's page at 600,000 quotes)."""
        with self._reading() as searcher:
            _, parsed, only = self._prepared(searcher, None, filters)
            docnums = sorted(_docs(searcher, parsed) if only is None else only, reverse=True)
            seen: set[str] = set()
            out: list[str] = []
            for docnum in docnums:
                if len(out) >= limit:
                    break
                quote = stored_quote(searcher.stored_fields(docnum))
                if (quote.group or quote.id) not in seen:
                    seen.add(quote.group or quote.id)
                    out.append(quote.text)
            return out

    def _prepared(self, searcher: Searcher, query: str | None, filters: Filters | None,
                  ) -> tuple[str, wq.Query, set[int] | None]:
        """(query text, parsed query, the quotes the filters keep or None). Without a query, the
        filters are the query: Whoosh would otherwise visit every quote to test it against them."""
        text = (query or "").strip()
        filters = self.with_people(filters) or Filters()
        only = filters.query(self._ix.schema)
        names = filters.exact_speakers()
        if only is not None and names:  # the names' words found the candidates: keep the exact names
            kept = _named(searcher, _docs(searcher, only), names)
            return text, parse(text, self._ix.schema) if text else only, kept or _NONE
        if not text:
            return text, only or wq.Every(), None
        return text, parse(text, self._ix.schema), None if only is None else _docs(searcher, only) or _NONE

    def get(self, quote_id: str) -> Quote | None:
        """The quote with this id, exactly as it was indexed, or None."""
        with self._reading() as searcher:
            stored = searcher.document(id=quote_id)
        return None if stored is None else stored_quote(stored)

    def quotes_of(self, article_id: str) -> list[Quote]:
        with self._reading() as searcher:
            results = searcher.search(wq.Term("article_id", article_id), limit=None, sortedby=OLDEST)
            return [stored_quote(hit.fields()) for hit in results]

    def copies(self, quote: Quote) -> list[Quote]:
        """Every indexed copy of the quote (its group, itself included), oldest first."""
        if not quote.group:
            return [quote]
        with self._reading() as searcher:
            results = searcher.search(wq.Term("group", quote.group), limit=None, sortedby=OLDEST)
            return [stored_quote(hit.fields()) for hit in results] or [quote]

    def similar(self, text: str, limit: int = 50) -> list[Quote]:
        """The quotes sharing the most telling words with `text` (for `verify`), best first:
        its rarest words in the index (at most `_TELLING`), skipping words found in more than
        `_COMMON` of the quotes while rarer ones remain. Few rare words keep the search short
        at any size; a misquote keeps enough of them."""
        with self._reading() as searcher:
            size = max(1, searcher.doc_count())
            stems = {token.text for token in TEXT_ANALYZER(text)}
            freq = {s: searcher.doc_frequency("text", s) for s in stems}
            present = sorted((s for s in stems if freq[s]), key=lambda s: (freq[s], s))
            telling = [s for s in present if freq[s] <= _COMMON * size]
            chosen = (telling if len(telling) >= 3 else present)[:_TELLING]
            if not chosen:
                return []
            # Whoosh's block-quality skipping is slow on unions of many terms; the rare terms
            # chosen have few postings to score in full.
            results = searcher.search(wq.Or([wq.Term("text", s) for s in chosen]), limit=limit,
                                      optimize=False)
            return [stored_quote(hit.fields()) for hit in results]

    def speakers(self, query: str | None = None, filters: Filters | None = None) -> list[tuple[str, int]]:
        """Resolved speakers with their numbers of matching quotes (all quotes without a
        query or filters), most first, then by name."""
        with self._reading() as searcher:
            _, parsed, only = self._prepared(searcher, query, filters)
            counts = _facet_counts(searcher, parsed, only, ["speaker"])
        return self.named_people(counts["speaker"])

    def count(self) -> tuple[int, int]:
        """(articles, quotes) in the index; an article without quotes leaves nothing to count."""
        with self._reading() as searcher:
            quotes = searcher.doc_count()
            results = searcher.search(wq.Every(), groupedby="article_id", maptype=sorting.Count, limit=None)
            return len(results.groups("article_id")), quotes

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._ix.close()

    @contextmanager
    def _reading(self) -> Iterator[Searcher]:
        """A searcher of the latest commit, kept between calls: opening one reads every
        segment's headers, which was half the time of a search at 100,000 quotes."""
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        else:
            # Itself when nothing was committed since. A new one reuses the old one's readers of
            # unchanged segments, so the old one must not be closed: it goes with its last use.
            self._searcher = self._searcher.refresh()
        yield self._searcher

class _WhooshBatch(Batch):
    """The writes of one `add`, through a writer, looking up indexed quotes as of its start."""

    def __init__(self, writer: IndexWriter, existing: Searcher) -> None:
        self._writer = writer
        self._existing = existing
        self._reader = existing.reader()

    def indexed(self, quote_id: str) -> Quote | None:
        # The postings, not `searcher.document`: that scores the term in every segment.
        reader = self._reader
        found = reader.postings("id", quote_id) if ("id", quote_id) in reader else None
        live = found is not None and found.is_active()  # (its postings skip deleted quotes)
        return stored_quote(reader.stored_fields(found.id())) if live else None

    def replace(self, article_id: str, quotes: list[Quote]) -> None:
        self._writer.delete_by_term("article_id", article_id, searcher=self._existing)
        for quote in quotes:
            self._writer.add_document(**document(quote))


def _locked_error(directory: str, wait: float) -> QuotesError:
    waited = f" after waiting {wait:g} seconds" if wait > 0 else ""
    return QuotesError(f"index at {directory} is locked by another writer{waited};"
                       " try again when it finishes, or give --wait SECONDS")


def _storage(directory: str) -> FileStorage:
    """The index folder, read through files rather than memory maps. Whoosh 2.7 copies each
    mapped file it opens into a BytesIO, so every reader held a copy of the index's terms and
    postings: at a million quotes, 2.1 GB and 2.7 s for one cold `quotes search` (49 MB and
    0.06 s through files), and a 2.4 GB peak while indexing."""
    return FileStorage(directory, supports_mmap=False)


def _merge_tiers(writer: object, segments: list) -> list:
    """Whoosh merge policy: merge the segments `_to_merge` picks into one, keep the others."""
    merging = _to_merge(segments)
    for segment in merging:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merging]


def _to_merge(segments: list) -> list:
    """The segments of the smallest tier that has `_MERGE_FACTOR` of them (a tier: segments
    within a factor of `_MERGE_FACTOR` in size), or none.

    Each quote is then rewritten about once per tier, and an index of N quotes keeps fewer
    than `_MERGE_FACTOR` segments per tier (log N tiers): 8 segments at 300,000 quotes in
    commits of 512 articles, where Whoosh's default policy left 14, indexing as fast. Whoosh
    holds a merge's terms in memory, so segments that would make one of over `_LARGEST_MERGE`
    quotes stay as they are: the memory of ingest stays bounded whatever the index's size.
    """
    tiers: dict[int, list] = {}
    for segment in segments:
        live = segment.doc_count()
        if live * _MERGE_FACTOR > _LARGEST_MERGE:
            continue
        tier = int(math.log(live / _SMALLEST_TIER, _MERGE_FACTOR)) if live >= _SMALLEST_TIER else 0
        tiers.setdefault(tier, []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) >= _MERGE_FACTOR:
            return tiers[tier][:_MERGE_FACTOR]
    return []


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


def _first_of_groups(
    searcher: Searcher, parsed: wq.Query, only: set[int] | None, order: sorting.FacetType | None,
    scored: bool, want: int,
) -> tuple[WhooshResults, list[int]]:
    """The results and, for the first `want` groups in them, the rank of the copy to show
    (the oldest of those read). Read from the top, taking more while copies crowd it:
    Whoosh's own collapsing takes seconds at 100,000 quotes (and ignores a `filter`)."""
    reader = searcher.reader()
    if not reader.has_column("oldest"):  # an empty index
        return searcher.search(parsed, filter=only, limit=1), []
    oldest = reader.column_reader("oldest")  # fixed width: nothing to load
    group_of = reader.column_reader("group_key")
    taken = want * 2 + 10
    while True:
        results = searcher.search(parsed, filter=only, limit=taken, sortedby=order, scored=scored)
        shown: dict[int, int] = {}  # group -> rank of its copy to show, in order of first rank
        for n in range(results.scored_length()):
            docnum = results.docnum(n)
            group = group_of[docnum]
            if group not in shown:
                if len(shown) == want:
                    break
                shown[group] = n
            elif order is None and oldest[docnum] < oldest[results.docnum(shown[group])]:
                shown[group] = n  # ranked by its best copy, shown by its oldest matching one
        if len(shown) == want or results.scored_length() < taken:  # (all read: no count needed)
            return results, list(shown.values())
        taken *= 4


def _total(searcher: Searcher, parsed: wq.Query, only: set[int] | None, results: WhooshResults) -> int:
    """The number of groups matching, where counting them is cheap (up to `_EXACT_TOTAL`
    matches), else of matching quotes, copies included. The estimate (an upper bound, exact
    when known) spares a pass over the matches to count them."""
    if results.estimated_length() > _EXACT_TOTAL and len(results) > _EXACT_TOTAL:
        return len(results)
    counted = searcher.search(parsed, filter=only, groupedby=_GROUPS, maptype=sorting.Count,
                              limit=1, scored=False)
    return len(counted.groups("group_key"))


def _docs(searcher: Searcher, q: wq.Query) -> set[int]:
    """The quotes a filter query matches, read term by term: Whoosh's own pass goes through a
    tree of unions, five times slower on the dozens of terms of a date range."""
    reader = searcher.reader()
    if isinstance(q, wq.And):
        return set.intersection(*sorted((_docs(searcher, c) for c in q.children()), key=len))
    if isinstance(q, (wq.Or, wq.ConstantScoreQuery)):
        return set().union(*(_docs(searcher, c) for c in q.children()))
    if isinstance(q, wq.NumericRange):  # (and dates): an Or of term ranges
        return _docs(searcher, q.simplify(reader))
    if isinstance(q, (wq.Term, wq.TermRange)):
        found: set[int] = set()
        for name, text in q.existing_terms(reader, expand=True):
            found.update(reader.postings(name, text).all_ids())  # (deleted quotes skipped)
        return found
    return set(searcher.docs_for_query(q))


# The filter that keeps no quote: Whoosh takes an empty set of documents for no filter at all
# (a query with a speaker nobody is would find everything).
_NONE = {-1}


def _named(searcher: Searcher, docs: set[int], names: frozenset[str]) -> set[int]:
    """The quotes of `docs` whose resolved speaker is one of `names`, read from the column the
    speaker facet counts: what a facet counted, its link keeps."""
    reader = searcher.reader()
    if not reader.has_column("speaker_name"):
        return set()
    column = reader.column_reader("speaker_name")
    return {d for d in docs if " ".join(column[d].decode("utf-8").split()) in names}


def _text_terms(parsed: wq.Query, searcher: Searcher) -> set[str]:
    """The quote-text terms a query looks for (wildcards and fuzzy terms expanded to the
    indexed words they match), except those it excludes: what a hit highlights."""
    found: set[str] = set()

    def visit(q: wq.Query) -> None:
        if isinstance(q, wq.Not):
            return
        if isinstance(q, wq.AndNot):
            visit(q.a)
            return
        if q.is_leaf():
            for field_name, term in q.existing_terms(searcher.reader(), expand=True):
                if field_name == "text":
                    found.add(term.decode("utf-8") if isinstance(term, bytes) else term)
            return
        for child in q.children():
            visit(child)

    visit(parsed)
    return found


def _hit(hit: WhooshHit, score: float, terms: set[str]) -> Hit:
    quote = stored_quote(hit.fields())
    return Hit(quote=quote, score=score, matches=_matches(quote.text, terms))


def _matches(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Spans of the words of `text` that are among the (analysed) query terms."""
    tokens = TEXT_ANALYZER(text, chars=True) if terms else ()
    return [(token.startchar, token.endchar) for token in tokens if token.text in terms]


def _add_groups(searcher: Searcher, hits: list[Hit]) -> None:
    """Where each hit's group appeared: one query through the index for the whole page."""
    names = sorted({hit.quote.group for hit in hits if hit.quote.group})
    if not names:
        return
    results = searcher.search(wq.Or([wq.Term("group", g) for g in names]), limit=None, sortedby=OLDEST)
    first: dict[str, Quote] = {}
    articles: dict[str, set[str]] = {}
    for n in range(results.scored_length()):  # a page's groups have few copies: read them
        copy = stored_quote(searcher.stored_fields(results.docnum(n)))
        first.setdefault(copy.group or "", copy)
        articles.setdefault(copy.group or "", set()).add(copy.article_id)
    for hit in hits:
        group = hit.quote.group
        if group in first:
            hit.group = Group(len(articles[group]), first[group])


def _facet_counts(
    searcher: Searcher, parsed: wq.Query, only: set[int] | None, names: Sequence[str]
) -> dict[str, list[tuple[str, int]]]:
    """(value, quotes) per facet over every match, most first, then by value. A facet of a
    field no quote has (no article dated, or none with a source) counts nothing: Whoosh keeps
    no column for it, and would look for terms that are not there."""
    reader = searcher.reader()
    facets = {name: sorting.FieldFacet(FACET_COLUMNS[name]) for name in names
              if reader.has_column(FACET_COLUMNS[name])}
    if not facets:
        return {name: [] for name in names}
    results = searcher.search(parsed, filter=only, groupedby=facets, maptype=sorting.Count, limit=1,
                              scored=False)
    return {
        name: sorted(
            ((_name(value), n) for value, n in results.groups(name).items() if value),
            key=lambda item: (-item[1], item[0].casefold(), item[0]),
        ) if name in facets else []
        for name in names
    }


def _corrected(searcher: Searcher, text: str, parsed: wq.Query) -> str:
    """The query with each word the index lacks replaced by the index's closest word (two edits
    at most from the word as typed, or else from its stem; the same first letter; the commonest
    first).

    Not Whoosh's `correct_query`: it ignores its `prefix`, so it measured every word of the index
    against each missing one (0.6 s at 15,000 words, growing with the index), and it corrected
    only the stem ("government" -> "govern" -> "lover")."""
    reader = searcher.reader()
    try:
        tokens = list(parsed.all_tokens())
    except (AttributeError, TypeError, ValueError):  # Whoosh cannot list the words of ranges
        return text
    for token in sorted(tokens, key=lambda t: -(t.startchar or 0)):
        name = token.fieldname
        if token.startchar is None or name not in searcher.schema or (name, token.text) in reader:
            continue
        typed = text[token.startchar:token.endchar]
        analyzer = searcher.schema[name].analyzer
        if [t.text for t in analyzer(typed)] != [token.text]:  # a prefix, wildcard or part of one
            continue
        word = [t.text for t in analyzer(typed, no_morph=True)][0]
        corrector = searcher.corrector(name)
        found = corrector.suggest(word, limit=1, prefix=1) or corrector.suggest(token.text, limit=1, prefix=1)
        if found and found[0] != word:
            text = text[:token.startchar] + found[0] + text[token.endchar:]
    return text


def _name(value: str | bytes) -> str:
    """A facet value: columns hold bytes."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _suggestions(searcher: Searcher, text: str, parsed: wq.Query, filters: Filters | None) -> list[str]:
    """Close spellings, from the index's own words, of a query and speakers that found nothing."""
    out = []
    if text:
        corrected = _corrected(searcher, text, parsed)
        if corrected != text:
            out.append(corrected)
    corrector = searcher.corrector("speaker")
    for name in filters.speakers if filters else ():
        said = [token.text for token in NAME_ANALYZER(name)]
        fixed = [(corrector.suggest(w, limit=1, prefix=1) or [w])[0] for w in said]
        if fixed != said:
            out.append(" ".join(fixed))
    return out
