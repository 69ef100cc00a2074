"""Indirect speech: the clauses that speech cues report ("X said (that) ...", "according to
X, ...", "X vowed to ...", "X called the talks effective"), for the `quotes` component.

A mixin of the component's per-Doc state (`doc`, `clause_cues`, `pairs`, `pair_opens`, `in_quote`, `_subject`,
`_headline`, `para`): it only adds the finding of reported clauses; attribution is
`attribution.py`'s.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from spacy.tokens import Token

from .cues import (
    CLAUSE_VERBS, COMMISSIVE_VERBS, NAMING_VERBS, OBJECT_VERBS, ORDER_VERBS, PLAN_VERBS, TOPIC_VERBS,
    is_cue, is_document, lemma,
)
from .names import is_person_noun

_BREAKS = frozenset({",", "—", "–", "-", "--"})


def _passive(verb: Token) -> bool:
    return any(c.dep_ == "auxpass" for c in verb.children)


def _relative_front(clause: list[Token], cue: Token) -> bool:
    """The clause's only words before the cue are a relative word ("that", "which")."""
    front = [t for t in clause if t.i < cue.i]
    return bool(front) and any(t.i > cue.i for t in clause) and all(
        t.tag_ in ("WDT", "WP", "IN") or t.lower_ == "that" for t in front)


def _around(before: list[Token], cue: Token, after: list[Token]) -> bool:
    """The two parts of one clause split by the attribution of `cue`."""
    return bool(before) and bool(after) and before[-1].i < cue.i < after[0].i


def _next_cue(tok: Token) -> bool:
    """"and" before a second cue of the same speaker, which the parser put inside the clause:
    "said he would order a review and warned against hackers". A verb under the clause's
    modal or in its infinitive is the clause's own ("would keep the depot open")."""
    if tok.dep_ != "cc":
        return False
    conj = next((c for c in tok.head.children if c.dep_ == "conj" and c.i > tok.i), None)
    return conj is not None and is_cue(conj) and conj.tag_ not in ("VB", "VBG") and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux") for c in conj.children)


def _question_put(cue: Token) -> bool:
    """"Asked whether he would stand again, the mayor smiled": the question put to the subject
    of the sentence, not speech of theirs (an indirect question is not reported speech)."""
    return lemma(cue) == "ask" and cue.dep_ == "advcl" and cue.tag_ in ("VBN", "VBD") and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in cue.children)


def _unspoken(cue: Token) -> bool:
    """A cue that reports nothing yet said: a plan ("was getting ready to announce new rules"), or a
    thing that is no speaker ("a petition calling for a ban", a plan, not a statement)."""
    if cue.dep_ == "xcomp" and lemma(cue.head) in PLAN_VERBS:
        return True
    head = cue.head
    return cue.dep_ == "acl" and head.pos_ == "NOUN" and not (
        is_person_noun(head) or is_document(head) or head.ent_type_)


def _nobody(subject: Token) -> bool:
    """"Nobody talks about the cost": a denial that anyone spoke."""
    return subject.lower_ in ("nobody", "none", "noone") or subject.lower_ == "one" and any(
        c.lower_ == "no" for c in subject.children)


def _coordinated(tokens: list[Token]) -> list[list[Token]]:
    """A clause of two reported clauses joined by "and that" or "but that" ("said the road
    had flooded and that the council had done nothing"): two statements, two records."""
    tokens = sorted(tokens, key=lambda t: t.i)
    for n in range(3, len(tokens) - 3):
        tok, nxt = tokens[n], tokens[n + 1]
        if (tok.lower_ in ("and", "but") and nxt.lower_ == "that" and nxt.i == tok.i + 1
                and tok.head.pos_ in ("VERB", "AUX")):
            return [tokens[:n], *_coordinated(tokens[n + 2 :])]
    return [tokens]


def _said_in(cue: Token) -> list[list[Token]]:
    """"said in a statement that ...", "wrote in a letter to parents that ...": the parser
    hangs the that-clause on the noun the words were said in, as that noun's content. A clause
    with a subject of its own, opened by "that" as a conjunction (a relative "that" is the
    clause's subject or object), that ends the phrase of one of the cue's prepositions, is
    what was said."""
    for prep in cue.children:
        if prep.dep_ != "prep" or prep.i < cue.i:
            continue
        for noun in prep.children:
            for clause in noun.children:
                first = clause.left_edge
                if (clause.dep_ in ("acl", "relcl") and first.lower_ == "that" and first.dep_ == "mark"
                        and clause.right_edge.i == prep.right_edge.i
                        and any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children)):
                    return [list(clause.subtree)]
    return []


class _Spans:
    """Quote spans (which do not overlap), searchable by position: checking every clause
    against every quote would be quadratic in long texts."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.ends = [e for _, e in self.spans]

    def covered(self, start: int, end: int) -> int:
        """Characters of [start, end) inside the spans."""
        total, i = 0, bisect_right(self.ends, start)
        while i < len(self.spans) and self.starts[i] < end:
            total += max(0, min(end, self.ends[i]) - max(start, self.starts[i]))
            i += 1
        return total

    def contains(self, start: int, end: int) -> bool:
        """Whether one span holds all of [start, end)."""
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.ends[i] >= end


class ReportedClauses:
    """Finds reported clauses; the host class supplies the Doc state and `_subject`."""

    def _indirect(
        self, direct: list[tuple[int, int]], mixed: list[tuple[int, int]]
    ) -> list[tuple[int, int, Token, Token]]:
        """Reported clauses of speech cues: "X said (that) ...", "..., X said, ...",
        "X told Y to ...", "according to X, ...", as (start, end, cue, subject). A clause that
        is a direct quote is left out; one that holds mixed quotes is kept (the fragments are
        quotes of their own)."""
        out = []
        direct_spans, mixed_spans = _Spans(direct), _Spans(mixed)
        for cue in self.clause_cues:
            if self._headline(self.para(cue.idx)) or _question_put(cue) or _unspoken(cue):
                continue
            clauses = self._clauses(cue)
            parts = []
            for tokens in clauses:
                # the part before an interjected attribution needs no verb of its own: "The
                # bridge, Ms. Tanaka said, would give commuters back an hour a day"
                front = len(clauses) == 2 and tokens is clauses[0] and _around(tokens, cue, clauses[1])
                verb_needed = not front and (lemma(cue) not in NAMING_VERBS | OBJECT_VERBS | TOPIC_VERBS or (
                    any(t.dep_ == "ccomp" and t.head.i == cue.i for t in tokens)))
                parts.extend((part, verb_needed) for part in _coordinated(tokens))
            for tokens, verb_needed in parts:
                span = self._clause_span(tokens, verb_needed=verb_needed)
                if span is None:
                    continue
                s, e = span
                if direct_spans.covered(s, e) > 0.5 * (e - s):
                    continue  # the clause is a direct quotation already found
                if mixed_spans.contains(s + 1, e - 1):  # give or take a character
                    continue  # the whole clause is quoted: one record, the quote
                if lemma(cue) in NAMING_VERBS and self._label_quoted(s, e, mixed):
                    continue  # "called the findings "sobering"": the label is the quote, no statement
                subject = self._subject(cue)
                if subject is None or s <= subject.idx < e or _nobody(subject):
                    continue
                out.append((s, e, cue, subject))
        return out

    def _label_quoted(self, start: int, end: int, mixed: list[tuple[int, int]]) -> bool:
        """The clause of a naming cue (characters `start`-`end`) ends in a quoted label and says
        nothing else: no verb outside quotation marks ("the storm as "exceptional"")."""
        inside = [(s, e) for s, e in mixed if start < s and e >= end - 1 and s <= end]
        if not inside:
            return False
        words = self.doc.char_span(start, inside[0][0], alignment_mode="expand")
        return words is not None and not any(t.pos_ in ("VERB", "AUX") and not self.in_quote[t.i] for t in words)

    def _clauses(self, cue: Token) -> list[list[Token]]:
        """The token lists of the clauses a cue reports."""
        if cue.lower_ == "according":  # scopes over its whole sentence
            head = cue.sent.root
            if head.i == cue.i:
                return []
            lo, hi = cue.left_edge.i, cue.right_edge.i
            rest = [t for t in head.subtree if not lo <= t.i <= hi]
            after = [t for t in rest if t.i > hi]
            if self._interjected(lo, hi) and any(t.pos_ in ("VERB", "AUX") for t in after):
                return [[t for t in rest if t.i < lo], after]  # "X, according to Y, did Z"
            return [rest]
        verb = lemma(cue)
        if verb in NAMING_VERBS:
            return self._naming(cue, verb)
        if verb not in CLAUSE_VERBS:
            return self._object(cue) if verb in OBJECT_VERBS else self._topic(cue, verb)
        # "told them to leave" reports speech; "Asked to describe ..." (no addressee) does not
        addressed = any(c.dep_ in ("dobj", "dative") for c in cue.children)
        clauses = [list(c.subtree) for c in cue.children
                   if c.dep_ == "ccomp" or c.dep_ == "xcomp" and verb in ORDER_VERBS and addressed]
        clauses = clauses or _said_in(cue)
        clauses = self._joined(cue, clauses)
        if not clauses and (verb in COMMISSIVE_VERBS or verb == "say" and _passive(cue)):
            # "vowed to fight on", "is said to be ill" (one clause, even where the parser split
            # a hyphenated verb into several complements: "to co-ordinate")
            xcomps = [c for c in cue.children if c.dep_ == "xcomp" and c.i > cue.i]
            if xcomps:
                clauses = [list(self.doc[xcomps[0].left_edge.i : xcomps[-1].right_edge.i + 1])]
        if not clauses and cue.dep_ == "parataxis" and cue.head.pos_ in ("VERB", "AUX"):
            # "The mill was the town, Mr. Hollis said, until ...": the head's clause, in the
            # two parts around the interjected attribution
            rest = [t for t in cue.head.subtree if not cue.left_edge.i <= t.i <= cue.right_edge.i]
            clauses = [[t for t in rest if t.i < cue.i], [t for t in rest if t.i > cue.i]]
        if not clauses:
            clauses = self._object(cue) if verb in OBJECT_VERBS else self._topic(cue, verb)
        # "a strike that executives said could ...": the relative word is not reported
        return [[t for t in c if t.i > cue.i] if _relative_front(c, cue) else c for c in clauses]

    def _joined(self, cue: Token, clauses: list[list[Token]]) -> list[list[Token]]:
        """Two complements the parser split where the text has one clause ("told us that the
        pipes were old and the taps ran dry at night": "the taps ran dry" as a second
        complement) are one; a clause before the cue across a semicolon is another sentence's
        ("Ann is painting a fence; Bo is arguing with a neighbour")."""
        out: list[list[Token]] = []
        for clause in clauses:
            lo, hi = min(t.i for t in clause), max(t.i for t in clause)
            if hi < cue.i and any(t.text == ";" for t in self.doc[hi + 1 : cue.i]):
                continue
            if out and out[-1][-1].i < cue.i < lo or not out:
                out.append(sorted(clause, key=lambda t: t.i))
                continue
            gap = self.doc[out[-1][-1].i + 1 : lo]
            if all(t.dep_ == "cc" and t.lower_ == "and" for t in gap) and not self.doc[lo].lower_ == "that" and len(gap) <= 1:
                out[-1] = sorted([*out[-1], *gap, *clause], key=lambda t: t.i)
            else:
                out.append(sorted(clause, key=lambda t: t.i))
        return out

    def _object(self, cue: Token) -> list[list[Token]]:
        """"criticized the trade deals", "accused Clinton of lying": the object, with the
        "of"/"for" phrase that says what it is accused or praised for."""
        objects = [c for c in cue.children if c.dep_ == "dobj" and c.i > cue.i]
        if not objects:
            return []
        hi = objects[0].right_edge.i
        for c in cue.children:
            if c.dep_ == "prep" and c.i == hi + 1 and c.lower_ in ("of", "for", "as"):
                hi = c.right_edge.i
        return [list(self.doc[objects[0].left_edge.i : hi + 1])]

    @staticmethod
    def _topic(cue: Token, verb: str) -> list[list[Token]]:
        """"spoke about the shortage of nurses", "commented on the verdict": what it was about."""
        if verb not in TOPIC_VERBS:
            return []
        # "spoke on condition of anonymity" says how, not what
        return [[t for c in p.children if c.dep_ in ("pobj", "pcomp") for t in c.subtree]
                for p in cue.children if p.dep_ == "prep" and p.i > cue.i and p.lower_ in ("about", "on")
                and not any(c.lower_ == "condition" for c in p.children)][:1]

    def _naming(self, cue: Token, verb: str) -> list[list[Token]]:
        """"called the harbour a quiet triumph", "described the plan as a ladder", "called for
        a recount", "called on the council to act": the object and what it is called or asked."""
        doc = self.doc
        objects = [c for c in cue.children if c.dep_ == "dobj" and c.i > cue.i]
        if objects:
            labels = [c for c in cue.children if c.i > objects[0].i and (
                c.dep_ in ("oprd", "xcomp", "ccomp", "attr") or c.dep_ == "prep" and c.lower_ == "as")]
            if labels:
                return [list(doc[objects[0].left_edge.i : labels[-1].right_edge.i + 1])]
            return []
        if verb != "call" or _passive(cue):
            return []
        preps = [c for c in cue.children if c.dep_ == "prep" and c.lower_ in ("for", "on") and c.i > cue.i
                 and all(t.pos_ == "ADV" for t in doc[cue.i + 1 : c.i])]
        objs = [c for c in preps[0].children if c.dep_ in ("pobj", "pcomp")] if preps else []
        if not objs:
            return []
        hi = objs[-1].right_edge.i
        for c in cue.children:
            if c.dep_ in ("xcomp", "ccomp", "advcl") and c.i > preps[0].i and c.left_edge.i <= hi + 1:
                hi = max(hi, c.right_edge.i)
        return [list(doc[objs[0].left_edge.i : hi + 1])]

    def _interjected(self, lo: int, hi: int) -> bool:
        """Tokens lo..hi stand between commas or dashes, inside a sentence."""
        doc = self.doc
        return lo > 0 and hi + 1 < len(doc) and doc[lo - 1].text in _BREAKS and doc[hi + 1].text in _BREAKS

    def _aside(self, tok: Token, last: Token) -> bool:
        """A comma that opens the writer's aside closing the clause: a non-restrictive relative
        clause (", which forced her to leave"), an appositive (", the presumed favourite") or a
        participle (", implicitly putting his name on the line")."""
        if tok.text != "," or self.in_quote[tok.i] or tok.i + 1 >= len(self.doc):
            return False
        part = self.doc[tok.i + 1]
        while part.head.i != part.i and part.head.i > tok.i and part.head.i <= last.i:
            part = part.head
        if part.right_edge.i < last.i or part.left_edge.i != tok.i + 1 or part.head.i > tok.i:
            return False
        return (part.dep_ in ("relcl", "advcl") and self.doc[tok.i + 1].lower_ in ("which", "who", "whom", "whose")
                or part.dep_ == "appos" or part.dep_ in ("advcl", "acl") and part.tag_ == "VBG"
                and part.left_edge.i == part.i)

    def _clause_span(self, tokens: list[Token], verb_needed: bool = True) -> tuple[int, int] | None:
        """Character span of a reported clause: no leading "that", no second clause after a
        semicolon, no aside of the writer's or second cue after it, no edge punctuation but the
        closing mark of a quote it opens."""
        tokens = sorted(tokens, key=lambda t: t.i)
        while tokens and (tokens[0].dep_ == "mark" and tokens[0].lower_ == "that" or tokens[0].is_punct
                          or tokens[0].is_space or tokens[0].dep_ == "cc"):
            tokens = tokens[1:]
        for n, tok in enumerate(tokens):
            if tok.text == ";" and not self.in_quote[tok.i] or n > 2 and (
                    self._aside(tok, tokens[-1]) or _next_cue(tok)):
                tokens = tokens[:n]
                break
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens = tokens[:-1]
        subject = any(t.dep_ in ("nsubj", "nsubjpass") for t in tokens)
        # a clause with a subject has a verb, even one the tagger took for a noun ("police release")
        if len(tokens) < 3 and not subject or verb_needed and not subject and not any(
                t.pos_ in ("VERB", "AUX") for t in tokens):
            return None
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        opens = self.pair_opens
        k = bisect_left(opens, start)
        if k > 0 and self.pairs[k - 1].close >= start and self.pairs[k - 1].closed:
            start = self.pairs[k - 1].open  # a clause that holds part of a quotation holds all of it
        for pair in self.pairs[k : bisect_left(opens, end)]:
            if end < pair.close + 1 and pair.closed:
                end = pair.close + 1
        return start, end
