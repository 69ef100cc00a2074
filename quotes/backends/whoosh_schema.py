"""How a `Quote` is laid out in the Whoosh index: the fields, the analyzers, the sort keys,
and the mapping from a quote to a document and from a stored document back to a quote."""
from __future__ import annotations

import json
import warnings

with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escapes and `is` comparisons with literals that Python 3.11 warns
    # about whenever it compiles them; users must not see those.
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from whoosh import analysis, columns, fields, sorting
    from whoosh.support.charset import accent_map

from ..model import Quote
from .base import group_key, order_keys, parse_date

# Stop words are kept so phrases like "we will not resign" match exactly.
TEXT_ANALYZER = analysis.StemmingAnalyzer(stoplist=None, minsize=1) | analysis.CharsetFilter(accent_map)
NAME_ANALYZER = analysis.RegexTokenizer() | analysis.LowercaseFilter() | analysis.CharsetFilter(accent_map)


# Facet name (`base.FACETS`) -> the sortable column it counts.
FACET_COLUMNS = {"speaker": "person", "source": "source_name", "year": "year", "kind": "kind"}
# "By date then position", undated quotes last either way. Each a single packed number (see
# `base.order_keys`): Whoosh sorts one column far faster than several.
OLDEST = sorting.FieldFacet("oldest")
NEWEST = sorting.FieldFacet("newest")


class _Key(fields.ID):
    """An ID field with a lengths column. When Whoosh 2.7 writes a segment it looks up every
    posting's field length, and for a field without lengths it asks the disk each time
    whether the column exists: a third of the indexing time. The column costs a byte a quote."""

    scorable = True


class _Date(fields.DATETIME):
    """A date field with a lengths column, for the same reason as `_Key`: each date is
    indexed as several terms (for ranges), each a posting."""

    scorable = True


def make_schema() -> fields.Schema:
    # Values only sorted or counted (facets) are columns, not indexed terms.
    return fields.Schema(
        id=_Key(unique=True),
        article_id=_Key(sortable=True),
        text=fields.TEXT(analyzer=TEXT_ANALYZER, multitoken_query="phrase", spelling=True),
        title=fields.TEXT(analyzer=TEXT_ANALYZER, multitoken_query="phrase"),
        speaker=fields.TEXT(analyzer=NAME_ANALYZER, multitoken_query="phrase"),  # name and mention
        speaker_name=fields.COLUMN(columns.VarBytesColumn()),  # the person's name (else the resolved one)
        person=_Key(sortable=True),  # Quote.person: filters, and the speaker facet (by person)
        kind=_Key(sortable=True),
        source=fields.TEXT(analyzer=NAME_ANALYZER, multitoken_query="phrase"),
        source_name=fields.COLUMN(columns.VarBytesColumn()),
        date=_Date(sortable=True),
        year=fields.COLUMN(columns.VarBytesColumn()),
        oldest=fields.COLUMN(columns.NumericColumn("q")),  # sort keys: `base.order_keys`
        newest=fields.COLUMN(columns.NumericColumn("q")),
        group=_Key(stored=True),  # Quote.group: one quote, many articles
        group_key=fields.COLUMN(columns.NumericColumn("q")),  # `group_key`, to count groups
        record=fields.STORED,  # Quote.to_dict() as JSON
    )


def document(quote: Quote) -> dict[str, object]:
    """The Whoosh document of a quote (with its group set)."""
    doc: dict[str, object] = {
        "id": quote.id,
        "article_id": quote.article_id,
        "text": quote.text,
        "kind": quote.kind,
        "record": json.dumps(quote.to_dict(), ensure_ascii=False),
    }
    names = " ".join(name for name in (quote.speaker, quote.speaker_mention, quote.person_name) if name)
    optional = {
        "speaker": names,
        "speaker_name": (quote.person_name or quote.speaker or "").encode("utf-8") or None,
        "title": quote.title,
        "source": quote.source,
        "source_name": quote.source.encode("utf-8") if quote.source else None,
        "group": quote.group,
        "person": quote.person,
    }
    doc.update({name: value for name, value in optional.items() if value})
    when = parse_date(quote) if quote.date else None
    if when is not None:
        doc["date"] = when
        doc["year"] = str(when.year).encode("ascii")
    doc["oldest"], doc["newest"] = order_keys(when, quote.start)
    doc["group_key"] = group_key(quote.group or quote.id)  # ungrouped: a group of its own
    return doc


def stored_quote(stored: dict[str, object]) -> Quote:
    """The quote of a stored document, exactly as it was indexed."""
    return Quote.from_dict(json.loads(str(stored["record"])))
