"""quotes: find every quotation in news articles, attribute it, index it, search it.

    >>> import quotes
    >>> for q in quotes.extract('"We won," Jane Doe said.'):
    ...     print(q.kind, q.speaker, q.text)
    direct Jane Doe We won,
"""
from .errors import QuotesError
from .extract import extract, extract_articles, load_nlp
from .model import Article, Quote

__all__ = ["Article", "Quote", "QuotesError", "extract", "extract_articles", "load_nlp"]
__version__ = "0.1.0"
