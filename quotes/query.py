"""From what a user types to Whoosh queries: the strict query parser and the search filters.

Whoosh's own parser quietly drops what it cannot parse, which would search for something else
than the user asked; here those cases are one-line errors. Filters (speaker, source, kind, date
range) are separate queries, so the CLI, the Python API and the web page share one meaning.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from whoosh import fields, qparser
    from whoosh import query as wq

from .errors import QuotesError
from .model import KINDS

# Fields a query may name with `field:`; the rest are internal.
QUERY_FIELDS = ("text", "title", "speaker", "kind", "source", "date", "id", "article_id")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})
_DATE_HINT = "dates look like date:2019, date:2019-01-23 or date:[2019-01 TO 2019-03]"
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class Filters:
    """What to keep of the matches: each list is "any of", the lists together "all of".

    `speakers` and `sources` match when every word of the name is in the indexed name (case
    and accents ignored; a speaker also matches its mention as written). `speaker_names` are
    resolved names exactly as the speaker facet and `QuoteIndex.speakers` give them: a facet's
    link keeps exactly the quotes it counted ("Obama" is not "Michelle Obama"). `since` and
    `until` are inclusive ISO dates, "2019", "2019-01" or "2019-01-23", each covering its
    whole period.
    """

    speakers: Sequence[str] = ()
    sources: Sequence[str] = ()
    kinds: Sequence[str] = ()
    since: str | None = None
    until: str | None = None
    # People (ids, see quotes/people.py): `persons` keeps only their quotes; `speaker_people`
    # are the people `speakers` name (set by the index from its people), whose quotes the
    # speaker filter keeps whatever name their article gave.
    persons: Sequence[str] = ()
    speaker_people: Sequence[str] = ()
    speaker_names: Sequence[str] = ()

    def query(self, schema: fields.Schema) -> wq.Query | None:
        """The filters as one Whoosh query, or None when nothing is filtered. For
        `speaker_names` it keeps a superset (every word of the name): the backend keeps the
        exact names of those (`Filters.exact_speakers`)."""
        parts = []
        if self.speakers:
            said = _names(schema, "speaker", self.speakers)
            parts.append(wq.Or([said, *(wq.Term("person", p) for p in self.speaker_people)])
                         if self.speaker_people else said)
        if self.persons:
            parts.append(wq.Or([wq.Term("person", p) for p in self.persons]))
        if self.speaker_names:  # each name's words: a superset of its quotes
            parts.append(_names(schema, "speaker", self.speaker_names))
        if self.sources:
            parts.append(_names(schema, "source", self.sources))
        if self.kinds:
            unknown = [k for k in self.kinds if k not in KINDS]
            if unknown:
                raise QuotesError(f"unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
            parts.append(wq.Or([wq.Term("kind", k) for k in self.kinds]))
        if self.since or self.until:
            low = day_bounds(self.since)[0] if self.since else None
            high = day_bounds(self.until)[1] if self.until else None
            if low and high and low > high:
                raise QuotesError(f"the date range {self.since} to {self.until} is empty")
            parts.append(wq.DateRange("date", low, high))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def exact_speakers(self) -> frozenset[str]:
        """The resolved names a quote's speaker must be one of, exactly (empty: any)."""
        return frozenset(" ".join(name.split()) for name in self.speaker_names)


def day_bounds(text: str) -> tuple[datetime, datetime]:
    """The first and last instant of the year, month or day that `text` names."""
    found = _DAY.match(text.strip())
    try:
        if not found:
            raise ValueError
        year, month, day = (int(g) if g else None for g in found.groups())
        start = datetime(year, month or 1, day or 1)
        if day:
            end = start + timedelta(days=1)
        elif month:
            end = datetime(year + (month == 12), month % 12 + 1, 1)
        else:
            end = datetime(year + 1, 1, 1)
    except ValueError:
        raise QuotesError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD") from None
    return start, end - timedelta(microseconds=1)


def _names(schema: fields.Schema, field: str, names: Sequence[str]) -> wq.Query:
    """Any of the names; each matches when all its words are in the field."""
    analyzer = schema[field].analyzer
    alternatives = []
    for name in names:
        words = [token.text for token in analyzer(name)]
        if not words:
            raise QuotesError(f"bad {field} {name!r}: it has no words to search for")
        alternatives.append(wq.And([wq.Term(field, word) for word in words]))
    return wq.Or(alternatives)


def parser(schema: fields.Schema) -> qparser.QueryParser:
    """The parser of the quote text field, with fuzzy terms (`term~`, `term~2`)."""
    made = qparser.QueryParser("text", schema)
    made.add_plugin(qparser.FuzzyTermPlugin())
    return made


def parse(text: str, schema: fields.Schema) -> wq.Query:
    """Parse Whoosh query syntax strictly (see the module docstring)."""
    made = parser(schema)
    problem = _syntax_problem(list(made.tag(text)))
    if problem is None:
        try:
            parsed = made.parse(text)
        except Exception:  # noqa: BLE001  Whoosh raises bare Exception for some date ranges
            problem = _DATE_HINT if "date:" in text else "Whoosh cannot make sense of it"
        else:
            # Only self-parsing fields report errors, and `date` is the one a query may name.
            if any(q.error is not None or _bad_date(q, schema) for q in _walk(parsed)):
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


def _bad_date(q: wq.Query, schema: fields.Schema) -> bool:
    """A date term Whoosh would only fail on when searching (`date:""`)."""
    if getattr(q, "fieldname", None) != "date" or not isinstance(getattr(q, "text", None), str):
        return False
    try:
        schema["date"].to_bytes(q.text)
    except Exception:  # noqa: BLE001  Whoosh raises bare Exception for unparseable dates
        return True
    return False


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
