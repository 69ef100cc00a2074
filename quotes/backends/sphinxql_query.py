"""The query language users type (Whoosh's, parsed strictly by quotes/query.py) and the search
filters, translated to SphinxQL: a full-text `MATCH()` in Sphinx's extended syntax plus
attribute conditions.

What maps: words and phrases in any query field (`text` by default; `title`, `speaker`,
`source`), `"phrase"~N` (proximity), `word*` (prefix), AND, OR, NOT, ANDNOT, ANDMAYBE, REQUIRE,
parentheses, `*` (everything); `kind:`, `date:`, `id:` and `article_id:` when they are ANDed
with the rest of the query (they become attribute conditions). What does not, with a one-line
error: fuzzy terms (`word~`), wildcards other than a trailing `*`, ranges over words, a query
that only excludes (`NOT word` alone), and `kind:`/`date:`/`id:` inside OR or NOT. Boosts
(`word^2`) are ignored: Sphinx 2.2 has no per-word weights.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from whoosh import fields
    from whoosh import query as wq

from ..errors import QuotesError
from ..model import KINDS
from ..query import Filters, day_bounds, parse
from .base import minutes
from .whoosh_schema import NAME_ANALYZER, make_schema

TEXT_FIELDS = ("text", "title", "speaker", "source")
_MICROSECONDS_PER_MINUTE = 60_000_000
_MINUTE = 1 << 24  # `order_keys`: minutes are the bits above the position
_UNDATED = 1 << 61
_SPLIT = re.compile(r"\W+")


@dataclass
class Translated:
    """A query as SphinxQL: `match` for MATCH() ("" for none), `where` conditions with their
    `args` (pymysql placeholders), and what a hit highlights: quote-text `words` (as the user
    wrote them, folded) and `prefixes`."""

    match: str = ""
    where: list[str] = field(default_factory=list)
    args: list[object] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)

    def condition(self, sql: str, *args: object) -> None:
        self.where.append(sql)
        self.args.extend(args)


def translate(text: str | None, filters: Filters | None) -> Translated:
    """The query and filters as SphinxQL (raising `QuotesError` for what does not map)."""
    out = Translated()
    parts: list[str] = []
    text = (text or "").strip()
    if text:
        parsed = parse(text, _schema())
        conjuncts = parsed.children() if isinstance(parsed, wq.And) else [parsed]
        for q in conjuncts:
            if isinstance(q, wq.Every):  # everything: no condition
                continue
            if not _attribute(q, out):
                parts.append(_match(q, out, text, negated=False))
        if parts and all(p.startswith("-") for p in parts):
            raise QuotesError(f"bad query {text!r}: the search server cannot search for only what"
                              " a query excludes; add a word to look for")
    _filters(filters or Filters(), out, parts)
    out.match = " ".join(p for p in parts if p)
    return out


def date_condition(low: int | None, high: int | None, out: Translated) -> None:
    """Quotes dated from minute `low` to minute `high` (inclusive; None: open), by the sort key
    `oldest` (undated quotes have none and never match)."""
    out.condition("oldest >= %s", (low or 0) * _MINUTE)
    out.condition("oldest < %s", _UNDATED if high is None else (high + 1) * _MINUTE)


@lru_cache(maxsize=1)
def _schema() -> fields.Schema:
    """The Whoosh schema with unstemmed text fields: Sphinx stems the words itself."""
    schema = make_schema()
    for name in ("text", "title"):
        schema.remove(name)
        schema.add(name, fields.TEXT(analyzer=NAME_ANALYZER, multitoken_query="phrase"))
    return schema


def _attribute(q: wq.Query, out: Translated) -> bool:
    """Add `q` as an attribute condition if it is one (`kind:`, `date:`, `id:`, `article_id:`)."""
    name = getattr(q, "fieldname", None)
    if name == "kind" and isinstance(q, wq.Term):
        out.condition("kind = %s", q.text)
    elif name in ("id", "article_id") and isinstance(q, wq.Term):
        out.condition("quote_id = %s" if name == "id" else "article_id = %s", q.text)
    elif name == "date" and isinstance(q, wq.NumericRange):
        low = None if q.start is None else (q.start + q.startexcl) // _MICROSECONDS_PER_MINUTE
        high = None if q.end is None else (q.end - q.endexcl) // _MICROSECONDS_PER_MINUTE
        date_condition(low, high, out)
    else:
        return False
    return True


def _match(q: wq.Query, out: Translated, text: str, negated: bool) -> str:
    """`q` in Sphinx's extended query syntax."""
    name = getattr(q, "fieldname", None)
    if isinstance(q, (wq.Term, wq.Phrase, wq.Prefix, wq.Wildcard, wq.NumericRange, wq.TermRange)) \
            and name not in TEXT_FIELDS:
        raise _unsupported(text, f"'{name}:' can only be ANDed with the rest of the query here")
    if isinstance(q, wq.FuzzyTerm):
        raise _unsupported(text, "fuzzy terms ('word~') do not exist in Sphinx 2.2")
    if isinstance(q, wq.Term):
        words = _words(q.text)
        if not words:
            raise _unsupported(text, f"{q.text!r} has no words to search for")
        if name == "text" and not negated:
            out.words.update(words)
        return f"(@{name} {_phrase(words)})"
    if isinstance(q, wq.Phrase):
        words = [w for word in q.words for w in _words(word)]
        if name == "text" and not negated:
            out.words.update(words)
        slop = f"~{q.slop}" if q.slop > 1 else ""
        return f'(@{name} "{" ".join(words)}"{slop})'
    if isinstance(q, (wq.Prefix, wq.Wildcard)):
        prefix = q.text if isinstance(q, wq.Prefix) else q.text[:-1]
        if isinstance(q, wq.Wildcard) and not (q.text.endswith("*") and _SPLIT.sub("", prefix) == prefix):
            raise _unsupported(text, "only a '*' at the end of a word is a wildcard here")
        if not prefix or _SPLIT.sub("", prefix) != prefix:
            raise _unsupported(text, f"cannot look for words starting with {prefix!r}")
        if name == "text" and not negated:
            out.prefixes.add(prefix)
        return f"(@{name} {prefix}*)"
    if isinstance(q, (wq.NumericRange, wq.TermRange)):
        raise _unsupported(text, "ranges of words do not exist in Sphinx 2.2")
    if isinstance(q, wq.Every):
        raise _unsupported(text, "'*' can only stand for the whole query here")
    if isinstance(q, wq.Not):
        return f"-{_match(q.query, out, text, not negated)}"
    if isinstance(q, wq.AndNot):
        return f"({_match(q.a, out, text, negated)} -{_match(q.b, out, text, not negated)})"
    if isinstance(q, wq.AndMaybe):
        return f"({_match(q.a, out, text, negated)} MAYBE {_match(q.b, out, text, negated)})"
    if isinstance(q, (wq.And, wq.Require)):
        return "(" + " ".join(_match(c, out, text, negated) for c in q.children()) + ")"
    if isinstance(q, wq.Or):
        return "(" + " | ".join(_match(c, out, text, negated) for c in q.children()) + ")"
    raise _unsupported(text, f"{type(q).__name__} has no SphinxQL equivalent")


def _filters(filters: Filters, out: Translated, parts: list[str]) -> None:
    """The search filters: names as MATCH parts (every word, exactly), the rest as conditions."""
    for name, values in (("speaker", filters.speakers), ("source", filters.sources)):
        if not values:
            continue
        alternatives = []
        for value in values:
            words = [w for token in NAME_ANALYZER(value) for w in _words(token.text)]
            if not words:
                raise QuotesError(f"bad {name} {value!r}: it has no words to search for")
            alternatives.append("(" + " ".join(f"={w}" for w in words) + ")")
        if name == "speaker":  # or the people the names name: by the id among their names
            alternatives += [f"={pid}" for pid in filters.speaker_people if pid.isalnum()]
        parts.append(f"(@{name} {' | '.join(alternatives)})")
    names = sorted(filters.exact_speakers())
    if names:  # exactly as the speaker facet counted them (stored with spaces normalised)
        out.condition(f"speaker_name IN ({', '.join(['%s'] * len(names))})", *names)
    if filters.persons:
        out.condition(f"person IN ({', '.join(['%s'] * len(filters.persons))})", *filters.persons)
    if filters.kinds:
        unknown = [k for k in filters.kinds if k not in KINDS]
        if unknown:
            raise QuotesError(f"unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
        out.condition(f"kind IN ({', '.join(['%s'] * len(filters.kinds))})", *filters.kinds)
    if filters.since or filters.until:
        low = day_bounds(filters.since)[0] if filters.since else None
        high = day_bounds(filters.until)[1] if filters.until else None
        if low and high and low > high:
            raise QuotesError(f"the date range {filters.since} to {filters.until} is empty")
        date_condition(None if low is None else minutes(low), None if high is None else minutes(high), out)


def _words(text: str) -> list[str]:
    """Sphinx's words of one Whoosh term ("u.s" is two)."""
    return [w for w in _SPLIT.split(text.lower()) if w]


def _phrase(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f'"{" ".join(words)}"'


def _unsupported(text: str, why: str) -> QuotesError:
    return QuotesError(f"bad query {text!r} for the search server: {why}")
