"""Throughput and latency of the whole path, run by hand (not by CI):

    python benchmarks/bench.py --articles 1000 --jobs 2 --quotes 100000

One run prints one Markdown table (pasted into benchmarks/README.md) with:

1. Extraction: a corpus of articles made from the sample article in data/ (other speakers,
   dates and paragraph orders in each copy) through `extract_articles`: articles/s, words/s.
2. textacy's `direct_quotations` on the same articles, parsed by the same spaCy model in the
   same number of processes, spaCy's parse included in both timings: the ratio quotes/textacy.
   textacy's pipeline as spaCy loads it, without its NER, and with quotes' matrix products
   (`numpy_products`: what quotes gains there is in its ratio to the first, not the third).
   textacy is not a dependency of quotes; install it by hand (`pip install textacy`) for this
   row, which is skipped with a message when it is missing (or with --no-textacy).
3. Index scale (--quotes N, repeatable): N quote records made without spaCy from the quotes
   of phase 1, with thousands of speakers, dates over 26 years, 150 sources, words swapped in
   from a 48,000-word vocabulary (Zipf-distributed), and one in ten a republished copy of an
   earlier quote (a word cut or added at an end) in another article and source. They are
   indexed like `quotes ingest` does, one `QuoteIndex.add` per batch of --batch articles:
   quotes/s, wall time, size on disk and peak RSS.
4. Warm search latency at that scale, p50/p95 over --queries queries of each kind (keyword,
   phrase, speaker filter, newest first, date range, four facets), and `verify` on quotes of
   about 25 words misquoted (two words changed, one dropped), with the share whose best match
   is the original quote's group.
5. Backends (--backend whoosh --backend sphinxql): phases 3 and 4 on each, the same quotes in
   the same run: the embedded Whoosh folder, and a 2-shard cluster of local Sphinx `searchd`
   daemons on loopback (quotes/searchd.py; started for the run, stopped by PID after it), whose
   rows add the daemons' RSS; then the ratio Whoosh/SphinxQL of each p95.
"""
from __future__ import annotations

import os

# spaCy's small models multiply matrices in one thread; an idle BLAS pool would only compete
# with the worker processes (quotes.extract sets the same; set here so textacy gets it too).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import bisect  # noqa: E402
import itertools  # noqa: E402
import multiprocessing as mp  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable, Iterator  # noqa: E402

from quotes import __version__, searchd  # noqa: E402
from quotes.extract import extract_articles, load_nlp, model_name, numpy_products  # noqa: E402
from quotes.index import QuoteIndex  # noqa: E402
from quotes.ingest import DEFAULT_BATCH  # noqa: E402
from quotes.model import Article, Quote, stable_hash  # noqa: E402
from quotes.query import Filters  # noqa: E402
from quotes.verify import NONE, verify  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "000_dde437028c99873a.txt"
FIRST = "Anna Boris Carlos Dana Emil Fatima Goran Hana Ivan Julia Kemal Lena Marco Nadia Omar Petra".split()
LAST = "Akin Berg Costa Duval Eriksen Farah Gomez Haddad Ivanova Jensen Kaya Lopez Moreau Novak Okafor".split()
Pair = tuple[Article, list[Quote]]
Row = tuple[str, str]


# --------------------------------------------------------------------------- 1. extraction


def corpus(n: int, seed: int = 0) -> list[Article]:
    """n articles: the sample with its two leaders replaced by other people, its paragraphs
    partly reordered, and a date of its own."""
    rng = random.Random(seed)
    text = SAMPLE.read_text(encoding="utf-8")
    articles = []
    for i in range(n):
        a, b = rng.sample([f"{f} {l}" for f in FIRST for l in LAST], 2)
        body = (text.replace("Vladimir Putin", a).replace("Putin", a.split()[1])
                .replace("Recep Tayyip Erdogan", b).replace("Tayyip Erdogan", b).replace("Erdogan", b.split()[1]))
        paras = body.split("\n\n")
        head, rest = paras[:4], paras[4:]
        rng.shuffle(rest)
        articles.append(Article(
            "\n\n".join(head + rest), id=f"bench-{i}", title=head[0],
            date=f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            source=rng.choice(["The National", "Daily Wire", "Agency"]),
        ))
    return articles


def cpu_seconds() -> float:
    """CPU time of this process and of its children waited for (the forked pools): unlike the
    wall time, it does not count the time spent waiting for a core other sessions hold."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def time_extraction(articles: list[Article], jobs: int) -> tuple[float, float, list[Pair]]:
    """Seconds (wall, CPU) to extract the quotes of `articles` (model loaded and warm), and
    the pairs."""
    nlp = load_nlp()
    list(extract_articles(articles[:2], nlp))  # warm up
    started, cpu = time.perf_counter(), cpu_seconds()
    extracted = list(extract_articles(articles, nlp, jobs=jobs))
    return time.perf_counter() - started, cpu_seconds() - cpu, extracted


# --------------------------------------------------------------------------- 2. textacy

_TEXTACY_NLP: Any = None  # the pipeline, inherited by forked workers
_TEXTACY_LOADED: dict[tuple[tuple[str, ...], bool], Any] = {}  # one load per variant, for all the rounds


def textacy_missing() -> str | None:
    """Why the textacy row cannot run, or None."""
    try:
        import textacy.extract.triples  # noqa: F401
    except ImportError as exc:
        return f"textacy is not installed ({exc}); `pip install textacy` to compare (not a quotes dependency)"
    return None


def _textacy_batch(texts: list[str]) -> tuple[int, int, float]:
    """(direct quotations found, articles refused whole, seconds in textacy's rules) in one
    batch. textacy refuses a document with an odd number of quotation marks (a plural
    possessive, "countries'", is one), so a refused article is retried paragraph by paragraph
    (`Span.as_doc`, no new parse), which is what a user of textacy would have to do."""
    from textacy.extract.triples import direct_quotations

    found = refused = 0
    rules = 0.0
    for doc in _TEXTACY_NLP.pipe(texts, batch_size=16):
        started = time.perf_counter()
        try:
            found += sum(1 for _ in direct_quotations(doc))
        except ValueError:
            refused += 1
            for paragraph in _paragraphs(doc):
                try:
                    found += sum(1 for _ in direct_quotations(paragraph.as_doc()))
                except ValueError:
                    pass
        rules += time.perf_counter() - started
    return found, refused, rules


def _paragraphs(doc: Any) -> Iterator[Any]:
    """The spans of `doc` between blank lines."""
    start = 0
    for token in doc:
        if token.is_space and "\n\n" in token.text:
            if token.i > start:
                yield doc[start:token.i]
            start = token.i + 1
    if start < len(doc):
        yield doc[start:]


def time_textacy(articles: list[Article], jobs: int, exclude: tuple[str, ...] = (),
                 products: bool = False) -> dict[str, float]:
    """spaCy + textacy over the articles in `jobs` forked processes (batches of 16, like
    `extract_articles`): seconds, quotations found, articles refused whole, and the share of
    the time in textacy's own rules. textacy reads `pos_` and `lemma_`, so its pipeline keeps
    the attribute ruler and lemmatizer that quotes drops. With `products`, its models multiply
    matrices as quotes' do (`numpy_products`), to tell that gain from the rest."""
    import spacy

    global _TEXTACY_NLP
    if (exclude, products) not in _TEXTACY_LOADED:
        nlp = _TEXTACY_LOADED[exclude, products] = spacy.load(model_name(), exclude=list(exclude))
        if products:
            numpy_products(nlp)
    _TEXTACY_NLP = _TEXTACY_LOADED[exclude, products]
    _textacy_batch([a.text for a in articles[:2]])  # warm up
    texts = [a.text for a in articles]
    batches = [texts[i:i + 16] for i in range(0, len(texts), 16)]
    started, cpu = time.perf_counter(), cpu_seconds()
    if jobs <= 1:
        counts = [_textacy_batch(b) for b in batches]
    else:
        with mp.get_context("fork").Pool(jobs) as pool:
            counts = pool.map(_textacy_batch, batches, chunksize=1)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": cpu_seconds() - cpu, "found": sum(c[0] for c in counts),
            "refused": sum(c[1] for c in counts),
            "rules": sum(c[2] for c in counts) / (seconds * max(1, jobs))}


# --------------------------------------------------------------------------- 3. index scale

_WORD = re.compile(r"[A-Za-z]+")
_SYLLABLES = "ba be bo da de di ka ke ko la le li lo ma me mi mo na ne ni no ra re ri ro sa se si so ta te ti to va vi za zu".split()


@dataclass
class Sampled:
    """A generated quote kept to build the search and verify queries from."""

    id: str
    text: str
    speaker: str
    year: int


class Synthesizer:
    """Quote records at scale, without spaCy: the quotes of phase 1 as templates, with
    speakers from `speakers` names (a few quoted far more than most), dates spread over
    2000-2025, one of 150 sources, about a third of the words swapped for vocabulary words,
    and `republished` of them copies of an earlier quote, a word cut or added at one end,
    in a later article of another source. Yields batches of (article, quotes) pairs;
    `sample` keeps `kept` of the original quotes, drawn evenly, for the queries."""

    def __init__(self, templates: list[Quote], vocabulary: list[str], *, speakers: int = 3000,
                 republished: float = 0.10, seed: int = 1, kept: int = 5000) -> None:
        self.rng = random.Random(seed)
        self.templates = [t for t in templates if len(t.text.split()) >= 2]
        self.vocabulary = vocabulary
        self._zipf = list(itertools.accumulate(1 / (r + 10) for r in range(len(vocabulary))))
        first = [a + b for a in _SYLLABLES[:12] for b in ("n", "ra", "lia", "mir", "ssa")]
        names = {f"{self.rng.choice(first).title()} {''.join(self.rng.sample(_SYLLABLES, 3)).title()}"
                 for _ in range(speakers * 2)}
        self.speakers = sorted(names)[:speakers]
        self.rng.shuffle(self.speakers)
        self._speaker_weights = list(itertools.accumulate(1 / (r + 5) for r in range(len(self.speakers))))
        self.sources = [f"The {w.title()} {kind}" for w, kind in zip(
            self.rng.sample(vocabulary[:3000], 150), itertools.cycle(["Times", "Post", "Herald", "News", "Wire"]))]
        self._source_weights = list(itertools.accumulate(1 / (r + 5) for r in range(len(self.sources))))
        self.republished = republished
        self.kept = kept
        self.sample: list[Sampled] = []
        self._originals = 0
        self._recent: list[Quote] = []  # originals that later articles may republish
        self._words: list[str] = []

    def _word(self) -> str:
        if not self._words:
            self._words = self.rng.choices(self.vocabulary, cum_weights=self._zipf, k=4096)
        return self._words.pop()

    def _speaker(self) -> str:
        return self.speakers[bisect.bisect(self._speaker_weights, self.rng.random() * self._speaker_weights[-1])]

    def _reword(self, text: str) -> str:
        return _WORD.sub(lambda m: self._word() if self.rng.random() < 0.35 else m.group(), text)

    def _republish(self, original: Quote) -> tuple[str, str | None]:
        """The words of an earlier quote with a word cut or added at one end, or as they were."""
        said = original.text.split()
        change = self.rng.choice(["same", "cut-start", "cut-end", "add-end"])
        if change == "cut-start" and len(said) > 6:
            said = said[1:]
        elif change == "cut-end" and len(said) > 6:
            said = said[:-1]
        elif change == "add-end":
            said = said + [self._word()]
        return " ".join(said), original.speaker

    def batches(self, quotes: int, batch: int) -> Iterator[list[Pair]]:
        made = article = 0
        pairs: list[Pair] = []
        while made < quotes:
            pair = self._article(article, min(quotes - made, self.rng.randint(3, 18)))
            made += len(pair[1])
            article += 1
            pairs.append(pair)
            if len(pairs) == batch:
                yield pairs
                pairs = []
        if pairs:
            yield pairs

    def _article(self, number: int, size: int) -> Pair:
        rng = self.rng
        article_id = f"synth-{number}"
        date = f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        source = self.sources[bisect.bisect(self._source_weights, rng.random() * self._source_weights[-1])]
        cast = [self._speaker() for _ in range(rng.randint(1, 4))]
        found = []
        offset = 0
        for i in range(size):
            template = rng.choice(self.templates)
            copy = bool(self._recent) and rng.random() < self.republished
            if copy:
                original = rng.choice(self._recent)
                text, speaker = self._republish(original)
                date = max(date, original.date or date)  # a copy comes out after its original
            else:
                text, speaker = self._reword(template.text), rng.choice(cast)
            mention = rng.choice([speaker, f"Ms {speaker.split()[-1]}", "she", "he"])
            quote = Quote(
                id=stable_hash(article_id, i), article_id=article_id, text=text,
                start=offset, end=offset + len(text), kind=template.kind, speaker=speaker,
                speaker_mention=mention, cue=template.cue, sentence=f'"{text}" {mention} {template.cue or "said"}.',
                paragraph=i, confidence=template.confidence, title=None, date=None, source=source,
            )
            offset += len(quote.sentence) + 2
            found.append((quote, copy))
        title = " ".join(found[0][0].text.split()[:10])
        quotes = [replace(q, title=title, date=date) for q, _ in found]
        for quote in (q for q, (_, copy) in zip(quotes, found) if not copy):
            self._keep(quote)
        return Article("\n\n".join([title] + [q.sentence for q in quotes]), id=article_id, title=title,
                       date=date, source=source), quotes

    def _keep(self, quote: Quote) -> None:
        """Remember an original: to republish (20,000 at most), and for the queries (a
        reservoir sample)."""
        if len(self._recent) < 20000:
            self._recent.append(quote)
        else:
            self._recent[self.rng.randrange(20000)] = quote
        self._originals += 1
        sampled = Sampled(quote.id, quote.text, quote.speaker or "", int((quote.date or "2000")[:4]))
        if len(self.sample) < self.kept:
            self.sample.append(sampled)
        elif (slot := self.rng.randrange(self._originals)) < self.kept:
            self.sample[slot] = sampled


def vocabulary() -> list[str]:
    """48,000 lower-case words from the spaCy model's string store, shuffled (seeded), so the
    Zipf weights of `Synthesizer` make a few common and most rare."""
    words = sorted(w for w in load_nlp().vocab.strings if w.isalpha() and w.islower() and 3 <= len(w) <= 12)
    random.Random(7).shuffle(words)
    return words


def peak_rss_reset() -> None:
    """Start a new peak-RSS measurement of this process (Linux: VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def rss_mb(field: str = "VmHWM") -> float:
    """This process's peak (VmHWM) or current (VmRSS) resident memory, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def index_scale(path: str, synth: Synthesizer, quotes: int, batch: int,
                cluster: searchd.Cluster | None = None, people: bool = True) -> dict[str, float]:
    """Index `quotes` generated quotes, one `add` per batch; generating them is not timed.
    `path` is a folder, or with `cluster`, the folder of the article store of the cluster's
    index; without `people`, the people stage is left out."""
    baseline = rss_mb("VmRSS")
    peak_rss_reset()
    spent = cpu = 0.0
    added = 0
    wall = time.perf_counter()
    engine = searchd.cpu_seconds(cluster) if cluster else 0.0
    with QuoteIndex.open(location(path, cluster), create=True) as ix:
        for pairs in synth.batches(quotes, batch):
            started, used = time.perf_counter(), time.process_time()
            added += ix.add(pairs, people=people)[1]
            spent += time.perf_counter() - started
            cpu += time.process_time() - used
        if cluster is not None:  # its RAM chunks saved, as a user's ingest --optimize would
            ix.optimize()
    wall = time.perf_counter() - wall
    engine = searchd.cpu_seconds(cluster) - engine if cluster else 0.0
    files = [f for f in Path(path).rglob("*") if f.is_file()]
    shards = [f for f in Path(cluster.folder).rglob("*") if f.is_file()] if cluster else []
    return {
        "quotes": added, "seconds": spent, "wall": wall, "cpu": cpu, "engine": engine,
        "size": sum(f.stat().st_size for f in files + shards) / 1e6,
        "store": sum(f.stat().st_size for f in files if f.name.startswith("articles.sqlite")) / 1e6,
        "segments": sum(1 for f in files if f.suffix == ".seg"),
        "baseline": baseline, "peak": rss_mb("VmHWM"),
        "daemons": searchd.rss_mb(cluster)[1] if cluster else 0.0,
    }


def location(path: str, cluster: searchd.Cluster | None) -> str:
    """The index location: the folder, or the cluster's index with its store in the folder."""
    return path if cluster is None else f"{cluster.url}?store={path}"


# --------------------------------------------------------------------------- 4. search latency


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def workload(sample: list[Sampled], n: int, seed: int = 3) -> dict[str, list[Callable[[QuoteIndex], Any]]]:
    """n searches of each kind, built from words and speakers of indexed quotes."""
    rng = random.Random(seed)

    def word(q: Sampled) -> str:
        return rng.choice([w for w in _WORD.findall(q.text) if len(w) >= 4] or ["said"]).lower()

    def phrase(q: Sampled) -> str:
        said = _WORD.findall(q.text)
        i = rng.randrange(max(1, len(said) - 1))
        return '"' + " ".join(said[i:i + 2]).lower() + '"'

    picks = [rng.choice(sample) for _ in range(n)]
    years = [rng.randint(2000, 2025) for _ in range(n)]
    return {
        "keyword": [lambda ix, w=word(q): ix.search(w) for q in picks],
        "phrase": [lambda ix, p=phrase(q): ix.search(p) for q in picks],
        "speaker filter": [lambda ix, s=q.speaker: ix.search(None, Filters(speakers=[s])) for q in picks],
        "keyword, newest first": [lambda ix, w=word(q): ix.search(w, sort="-date") for q in picks],
        "keyword, one-year range": [
            lambda ix, w=word(q), y=str(y): ix.search(w, Filters(since=y, until=y)) for q, y in zip(picks, years)],
        "keyword, 4 facets": [
            lambda ix, w=word(q): ix.search(w, facets=["speaker", "source", "year", "kind"]) for q in picks],
    }


def misquote(text: str, rng: random.Random, words: list[str]) -> str:
    """The quote with two words changed and one dropped."""
    said = text.split()
    for i in rng.sample(range(len(said)), 2):
        said[i] = rng.choice(words)
    del said[rng.randrange(len(said))]
    return " ".join(said)


def time_calls(ix: QuoteIndex, calls: list[Callable[[QuoteIndex], Any]]) -> list[float]:
    """Milliseconds per call, on a second pass (the first warms the caches)."""
    for call in calls:
        call(ix)
    out = []
    for call in calls:
        started = time.perf_counter()
        call(ix)
        out.append((time.perf_counter() - started) * 1000)
    return out


def search_scale(path: str, synth: Synthesizer, n: int) -> tuple[list[Row], dict[str, float]]:
    """Rows of warm latencies at this scale (of the index at location `path`), and the p95 of
    each kind."""
    rows = []
    p95s = {}
    with QuoteIndex.open(path) as ix:
        for kind, calls in workload(synth.sample, n).items():
            p50, p95 = percentiles(time_calls(ix, calls))
            rows.append((f"search, {kind}", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"))
            p95s[kind] = p95
        rng = random.Random(5)
        long = [q for q in synth.sample if 20 <= len(q.text.split()) <= 30]
        picked = rng.sample(long, min(n, len(long)))
        claims = [misquote(q.text, rng, synth.vocabulary[:2000]) for q in picked]
        groups = [(ix.get(q.id) or Quote("", "", "", 0, 0, "direct")).group for q in picked]
        verdicts: list[Any] = []
        ms = time_calls(ix, [lambda ix, c=c: verdicts.append(verify(ix, c)) for c in claims])
        second = verdicts[len(claims):]
        found = sum(1 for v, g in zip(second, groups) if v.verdict != NONE and v.matches[0].quote.group == g)
        p50, p95 = percentiles(ms)
        rows.append((f"verify ({len(claims)} misquotes of 20-30 words)",
                     f"p50 {p50:.0f} ms, p95 {p95:.0f} ms; original found for {found}/{len(claims)}"))
        p95s["verify"] = p95
    return rows, p95s


# --------------------------------------------------------------------------- main


def index_and_search(args: argparse.Namespace, synth: Synthesizer, n: int, backend: str,
                     where: str) -> tuple[list[Row], dict[str, float], float]:
    """Phases 3 and 4 on one backend: rows, the p95 of each kind, and the quotes indexed. A
    SphinxQL cluster is started in `where` for the run and stopped by PID after it."""
    rows: list[Row] = []
    path = os.path.join(where, f"ix-{n}" if backend == "whoosh" else f"{backend}-{n}")
    cluster = None
    if backend == "sphinxql":
        folder = os.path.join(where, f"cluster-{n}")
        reused = args.reuse and os.path.isdir(folder)
        if not reused:
            shutil.rmtree(folder, ignore_errors=True)
            searchd.init(folder, 2, port=searchd.free_ports(4))
        cluster = searchd.load(folder)
        searchd.start(cluster)
    try:
        q: float = n
        if args.reuse and os.path.isdir(path):
            for _ in synth.batches(n, args.batch):  # the same quotes again, for the queries
                pass
            rows.append((f"indexing {n:,} quotes", f"not timed: the index kept in {path} (--reuse)"))
        else:
            shutil.rmtree(path, ignore_errors=True)
            stats = index_scale(path, synth, n, args.batch, cluster, people=not args.no_people)
            q = stats["quotes"]
            done = (f"{stats['segments']:.0f} segments at the end" if cluster is None
                    else "2 shards, optimized and flushed at the end") + ("; no people stage" if args.no_people else "")
            rows.append((f"indexing {q:,.0f} quotes",
                         f"{q / stats['seconds']:,.0f} quotes/s ({stats['seconds']:.0f} s in `add`, {stats['wall']:.0f} s"
                         f" wall; commits of {args.batch} articles; {done}); CPU per quote {1e6 * stats['cpu'] / q:,.0f} µs"
                         + (f" in `add`, {1e6 * stats['engine'] / q:,.0f} µs in the daemons" if cluster else " in `add`")))
            rows.append((f"index size, {q:,.0f} quotes",
                         f"{stats['size']:,.0f} MB ({stats['store']:,.0f} MB of it the article store)"))
            rows.append((f"peak RSS while indexing {q:,.0f}",
                         f"{stats['peak']:,.0f} MB (this process, {stats['baseline']:,.0f} MB before: model and corpus)"
                         + (f"; daemons {stats['daemons']:,.0f} MB (peak, both shards)" if cluster else "")))
        search_rows, p95s = search_scale(location(path, cluster), synth, args.queries)
        rows += [(f"{label} @ {q / 1000:,.0f}k", value) for label, value in search_rows]
        if cluster is not None:
            now, peak = searchd.rss_mb(cluster)
            rows.append((f"searchd RSS @ {q / 1000:,.0f}k", f"{now:,.0f} MB now, {peak:,.0f} MB peak (both shards)"))
    finally:
        if cluster is not None:
            searchd.stop(cluster)
        if not args.keep:
            shutil.rmtree(path, ignore_errors=True)
    return rows, p95s, q


def _ratio(theirs: list[dict[str, float]], ours: list[dict[str, float]], key: str) -> str:
    """The median of the round-by-round ratios of `key`, with their range when several."""
    ratios = sorted(t[key] / max(o[key], 1e-9) for t, o in zip(theirs, ours))
    median = f"{statistics.median(ratios):.2f}x"
    return median if len(ratios) == 1 else f"{median} (rounds {ratios[0]:.2f}-{ratios[-1]:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="generated articles to extract")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for quotes and textacy")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="articles per index commit")
    parser.add_argument("--quotes", type=int, action="append", help="quotes to index (repeatable; default 100000)")
    parser.add_argument("--queries", type=int, default=100, help="searches of each kind")
    parser.add_argument("--no-textacy", action="store_true", help="skip the textacy comparison")
    parser.add_argument("--rounds", type=int, default=1,
                        help="extraction and textacy runs, alternating (medians and ranges reported)")
    parser.add_argument("--no-people", action="store_true", help="index without the people stage")
    parser.add_argument("--keep", metavar="DIR", help="build the indexes in DIR and keep them")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: search the indexes an earlier run kept there, without building them")
    parser.add_argument("--backend", action="append", choices=("whoosh", "sphinxql"),
                        help="index backend (repeatable, compared in the same run; default whoosh)")
    args = parser.parse_args()

    rows: list[Row] = []
    load_start = os.getloadavg()[0]
    articles = corpus(args.articles)
    words = sum(len(a.text.split()) for a in articles)
    textacy = "skipped (--no-textacy)" if args.no_textacy else textacy_missing()
    if textacy:
        print(f"textacy: {textacy}", file=sys.stderr)
    sides = {"full pipeline": ((), False), "without ner": (("ner",), False),
             "full pipeline, numpy's matrix products as quotes": ((), True)} if not textacy else {}
    runs: dict[str, list[dict[str, float]]] = {"quotes": [], **{label: [] for label in sides}}
    for _ in range(max(1, args.rounds)):  # alternating, so that a busy machine slows all alike
        wall, cpu, extracted = time_extraction(articles, args.jobs)
        runs["quotes"].append({"seconds": wall, "cpu": cpu})
        for label, (exclude, products) in sides.items():
            runs[label].append(time_textacy(articles, args.jobs, exclude, products))
    extract_s = statistics.median(r["seconds"] for r in runs["quotes"])
    found = [q for _, qs in extracted for q in qs]
    kinds = {k: sum(q.kind == k for q in found) for k in ("direct", "mixed", "indirect")}
    rows.append(("corpus", f"{len(articles)} articles, {words:,} words ({words // len(articles)} per article)"))
    rows.append((f"extraction, --jobs {args.jobs}",
                 f"{len(articles) / extract_s:.1f} articles/s, {words / extract_s:,.0f} words/s; {len(found):,} quotes"
                 f" ({', '.join(f'{n:,} {k}' for k, n in kinds.items())})"))
    rss_extract = max(rss_mb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)

    if textacy:
        rows.append(("textacy direct_quotations", textacy))
    for label in sides:
        t = runs[label][-1]
        rows.append((f"textacy direct_quotations, {label}, --jobs {args.jobs}",
                     f"{len(articles) / statistics.median(r['seconds'] for r in runs[label]):.1f} articles/s;"
                     f" quotes/textacy = **{_ratio(runs[label], runs['quotes'], 'seconds')}** (wall),"
                     f" {_ratio(runs[label], runs['quotes'], 'cpu')} (CPU); {t['found']:,.0f} direct quotes;"
                     f" {t['refused']:,.0f} articles refused whole, retried by paragraph; its rules"
                     f" {100 * t['rules']:.0f}% of the time"))

    where = args.keep or tempfile.mkdtemp(prefix="quotes-bench-")
    backends = args.backend or ["whoosh"]
    try:
        synth = Synthesizer(found, vocabulary())
        for n in args.quotes or [100000]:
            p95s: dict[str, dict[str, float]] = {}
            for backend in backends:
                synth = Synthesizer(found, synth.vocabulary)  # the same quotes at every scale and backend
                tag = f" [{backend}]" if len(backends) > 1 else ""
                rows_of, p95s[backend], q = index_and_search(args, synth, n, backend, where)
                rows += [(label + tag, value) for label, value in rows_of]
            if len(backends) > 1:
                base, other = backends[0], backends[1]
                for kind in p95s[base]:
                    rows.append((f"p95 {kind} @ {q / 1000:,.0f}k, {base}/{other}",
                                 f"**{p95s[base][kind] / max(p95s[other][kind], 1e-3):.1f}x**"))
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)

    rows.append(("peak RSS, extraction (largest process)", f"{rss_extract:.0f} MB"))
    rows.append(("machine", f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, quotes {__version__},"
                            f" load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end;"
                            f" {max(1, args.rounds)} round(s) of extraction"))
    print("| measure | result |")
    print("|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
