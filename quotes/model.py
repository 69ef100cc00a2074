"""Plain records that flow between the stages: readers -> extraction -> people -> index -> search.

They are dataclasses with no behaviour beyond identity and (de)serialisation, so every
stage can be used alone and the JSON shape printed by the CLI is exactly `Quote.to_dict()`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any, Sequence

KINDS = ("direct", "mixed", "indirect")
# Kinds whose `text` is the speaker's own words (in quotation marks in the article); an
# indirect quote is the article's report of what was said, in the writer's words.
VERBATIM_KINDS = ("direct", "mixed")


def stable_hash(*parts: object, length: int = 16) -> str:
    """A short hex digest that is the same on every machine and every run."""
    return hash_strings([str(p) for p in parts], length)


def hash_strings(parts: Sequence[str], length: int = 16) -> str:
    """`stable_hash` of parts that are strings already (grouping hashes many runs of words)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


@dataclass
class Article:
    """One news article. `id` defaults to a hash of the text so re-reading gives the same ids."""

    text: str
    id: str = ""
    title: str | None = None
    date: str | None = None  # ISO 8601 date or datetime, as given
    source: str | None = None
    url: str | None = None
    author: str | None = None  # the byline, as given
    origin: str | None = field(default=None, compare=False)  # "file.jsonl:12", for messages
    # Quotes already extracted, read back from a `quotes export`: ingest indexes them as they
    # are (the text of such an article is not known).
    quotes: list["Quote"] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = stable_hash(self.text)

    def fingerprint(self, extractor: str) -> str:
        """Changes when the text, the metadata or the extractor does: what `ingest` compares
        to skip an article it has already indexed."""
        meta = (self.title, self.date, self.source, self.url, self.author)
        if self.quotes is not None:  # imported: what counts is the records, not the extractor
            return stable_hash(self.text, *meta, *(sorted(map(str, (q.to_dict() for q in self.quotes)))))
        return stable_hash(self.text, *meta, extractor)


@dataclass
class Quote:
    """One attributed quotation. Offsets are character offsets into `Article.text`."""

    id: str
    article_id: str
    text: str
    start: int
    end: int
    kind: str  # one of KINDS
    speaker: str | None = None  # resolved: the fullest name the article gives
    speaker_mention: str | None = None  # as written near the quote ("he", "Mr Putin")
    cue: str | None = None  # the speech verb or phrase ("said", "according to")
    sentence: str = ""  # the sentence(s) around the quote
    paragraph: int = 0  # index of the paragraph holding the quote's start
    confidence: float = 0.0
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    # Set by the index: quotes of one speaker with the same words (republished copy) share it.
    group: str | None = None
    # Set by the people stage (quotes/people.py): the person of the whole index this quote's
    # speaker is, and that person's display name when it was indexed.
    person: str | None = None
    person_name: str | None = None

    @staticmethod
    def make_id(article_id: str, start: int, end: int, kind: str) -> str:
        return stable_hash(article_id, start, end, kind)

    @property
    def verbatim(self) -> bool:
        """Whether `text` is the speaker's words as said (direct, mixed), not reported speech."""
        return self.kind in VERBATIM_KINDS

    def to_dict(self) -> dict[str, Any]:
        """The fields, plus `verbatim` (derived from `kind`, ignored by `from_dict`): every
        output record says whether its text may be shown in quotation marks."""
        # Every field is a plain value: `dataclasses.asdict`'s deep copies took 5% of indexing.
        record = {name: getattr(self, name) for name in _QUOTE_FIELDS}
        record["verbatim"] = self.verbatim
        return record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Quote":
        # (the names looked up once: `fields` took a third of reading a record back)
        names = _FIELD_NAMES if cls is Quote else {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


_QUOTE_FIELDS = tuple(f.name for f in fields(Quote))
_FIELD_NAMES = frozenset(_QUOTE_FIELDS)
# The keys of `Quote.to_dict()`, in order: the columns of CSV output.
RECORD_FIELDS = _QUOTE_FIELDS + ("verbatim",)
