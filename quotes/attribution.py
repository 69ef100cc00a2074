"""Linking each quotation to its speaker: the cue that introduces it, the mention of the
source (a subject, an inverted name, a colon's sentence, the running speaker), and the person
that mention names (through `speakers.SpeakerResolver`).

The second stage of the `quotes` component: `component` finds the quotations, this module
says who spoke them. Public: `Linker.attribution`, `Linker.inherited` (from `turns`),
`Linker.subject`, `Linker.resolve`, `Linker.speaker_of`, `Linker.cue_text`, `speaker_rank`.
"""
from __future__ import annotations

import bisect
import re

from spacy.tokens import Span, Token

from .cues import ADDRESSED_VERBS, INVERTING_VERBS, is_cue, is_document, lemma
from .layout import Layout
from .names import FIRM_WORDS, ORG_NOUNS, fold, is_person_noun, word_span
from .speakers import Person, SpeakerResolver
from .turns import SPEAKER_ENTS, SUBJECTS, Attribution, Turns, speaker_rank

_INDEFINITE = frozenset("a an one another".split())
_PHRASE_STOPS = frozenset(',;:()"“”')
_MAX_MENTION = 12  # tokens: a source as written, not a paragraph
_CUE_OPENS = 8  # tokens: how far into the sentence after a quote its cue may stand
_HE_SHE = ("he", "she")
_CLOCK = re.compile(r"\d{1,2}[:.]\d\d")  # a live blog's time stamp
_HEAD_CHAIN = ("conj", "advcl", "xcomp", "pcomp", "acl", "prep")
_NAME_DEPS = ("compound", "flat", "amod", "det", "nmod", "poss", "case", "nummod", "quantmod")


def _namelike(tok: Token) -> bool:
    """A person's name, or a proper noun the entity recogniser left unlabelled."""
    return tok.ent_type_ == "PERSON" or tok.pos_ == "PROPN" and tok.ent_type_ == ""


def _reports_nothing(cue: Token) -> bool:
    """A cue with no reported words of its own ("Garrow said.", "he told reporters." with an
    addressee), so it can attribute the quote of the sentence before it."""
    addressed = lemma(cue) in ADDRESSED_VERBS
    return not any(c.dep_ == "ccomp" or c.dep_ == "dobj" and not addressed for c in cue.children)


def _person_noun(tok: Token) -> bool:
    """A common noun for a person: a known word for one, or one a "who" clause describes ("a
    plumber, who asked not to be named,")."""
    return is_person_noun(tok) or tok.pos_ == "NOUN" and tok.tag_ != "NNS" and any(
        c.dep_ == "relcl" and any(w.lower_ == "who" and w.dep_ in SUBJECTS for w in c.children) for c in tok.rights)


class Linker(Turns):
    """Attributes the quotations of one Doc; `resolve` caches one answer per subject token."""

    def __init__(self, layout: Layout, cues: list[Token]):
        self.layout = layout
        self.doc = layout.doc
        self.text = layout.text
        self.paras = layout.paras
        self.in_quote = layout.in_quote
        self.cues = cues
        self._cue_tokens = [c.i for c in cues]  # for finding the cues of a stretch quickly
        self.speakers = SpeakerResolver(layout.doc, layout.in_quote)
        self._resolved: dict[int, tuple[str | None, str, float]] = {}
        self._people: dict[int, Person | None] = {}  # subject token -> the person it names
        self._org_speakers: list[tuple[int, str]] = []  # (token, name): what "it said" continues

    # -- attribution ---------------------------------------------------------------------
    def attribution(self, span: Span) -> Attribution:
        """The cue that introduces a quoted span: a cue governing it in the parse, else the
        nearest cue in its sentence(s) or the short sentence right after it."""
        doc = self.doc
        sent_lo, sent_hi = span[0].sent.start, span[-1].sent.end
        if sent_hi < len(doc) and sent_hi - span.end <= 2 and "\n" not in doc[span.end : sent_hi + 1].text:
            # `"Quote?" Garrow said.` parsed as two sentences; the cue opens the second, which
            # may go on ("the 19-year-old said, still in her kit long after the whistle.")
            nxt = doc[sent_hi].sent
            if any(is_cue(t) and _reports_nothing(t) for t in doc[nxt.start : min(nxt.end, nxt.start + _CUE_OPENS)]):
                sent_hi = nxt.end
        cands = self._cues_in(sent_lo, sent_hi)
        if not cands:
            return self._age_said(span) or self._dash_attribution(span) or self._governor(span)
        quote_tokens = set(range(span.start, span.end))
        ancestors: dict[int, int] = {}
        for tok in span:
            for depth, anc in enumerate(tok.ancestors):
                if anc.i not in quote_tokens:
                    ancestors.setdefault(anc.i, depth)
        linked = sorted((c for c in cands if c.i in ancestors), key=lambda c: ancestors[c.i])
        near = sorted(cands, key=lambda c: min(abs(c.i - span.start), abs(c.i - span.end)))
        how = 0.95 if linked else 0.8
        # The closest cue whose subject can speak: "Dalgety said the leaflet "wrongly" claims"
        # is Dalgety's, "Leckie said Brume would remain "a friend"" is Leckie's.
        options = [(c, self.subject(c)) for c in linked + [c for c in near if c not in linked]]
        cue, subject = min(options, key=lambda o: speaker_rank(o[1]))  # min keeps the first best
        return Attribution(cue, subject, how)

    def _age_said(self, span: Span) -> Attribution | None:
        """`"...," the 19-year-old said`: the small tagger reads "said" after an age as a noun
        (a "said" of "year-olds"), so the parse gives no cue; the age is the speaker."""
        doc = self.doc
        for tok in doc[span.end : min(len(doc), span.end + _CUE_OPENS)]:
            if tok.lower_ in ("said", "says") and tok.pos_ == "NOUN" and tok.i >= 3:
                age = doc[tok.i - 1]
                if age.lower_ == "old" and doc[tok.i - 2].tag_ == "HYPH" and not self.in_quote[age.i]:
                    return Attribution(tok, age, 0.8)
            if tok.text in (".", "!", "?", ";") or "\n" in tok.text:
                break
        return None

    def _dash_attribution(self, span: Span) -> Attribution | None:
        """`"Quote" — Odile Brume`: a name right after a dash that follows the quote."""
        doc = self.doc
        i = span.end
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i + 1 < len(doc) and doc[i].text in ("—", "―", "–", "-", "--"):
            j = i + 1
            while j < len(doc) and doc[j].is_space:
                j += 1
            if j < len(doc) and doc[j].ent_type_ == "PERSON":
                ent = self.speakers.entity_at(j)
                return Attribution(None, ent.root, 0.8)
            if j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].ent_type_ == "" and doc[j].is_title:
                return Attribution(None, doc[j], 0.7)  # a name the NER missed ("— Róisín, Kilbrack")
        return None

    def _governor(self, span: Span) -> Attribution:
        """No speech cue: the subject of the verb that governs the quoted words ("Jarrow compared
        the budget to "a leaking bucket""), for fragments that are not titles or names."""
        words = [t for t in span if t.is_alpha]
        if not words or all(t.is_title or t.is_upper or t.is_stop for t in words):
            return Attribution(None, None, 0.0)
        verb = self._verb_above(span.root)
        if verb is None or self.in_quote[verb.i]:
            return Attribution(None, None, 0.0)
        subject = self._own_subject(verb)
        if subject is None or subject.lower_ in ("it", "this", "that", "there", "which"):
            return Attribution(None, None, 0.0)
        return Attribution(None, subject, 0.5)

    @staticmethod
    def _verb_above(tok: Token) -> Token | None:
        """The nearest verb among the token's heads."""
        verb = tok.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        return verb if verb.pos_ in ("VERB", "AUX") else None

    def _cues_in(self, lo: int, hi: int) -> list[Token]:
        """The cues among tokens lo..hi-1."""
        at = self._cue_tokens
        return self.cues[bisect.bisect_left(at, lo) : bisect.bisect_left(at, hi)]

    def _para_cues(self, para: int) -> list[Token]:
        if not 0 <= para < len(self.paras):
            return []
        start, end = self.paras[para]
        return self._cues_in(self.layout.tok(start), self.layout.tok(end) if end < len(self.text) else len(self.doc))

    def _last_person_cue(self, cues: list[Token], how: float) -> Attribution | None:
        for cue in reversed(cues):
            subject = self.subject(cue)
            if speaker_rank(subject) == 0:
                return Attribution(cue, subject, how)
        return None

    def subject(self, cue: Token) -> Token | None:
        """Who speaks: the subject of the cue, an inverted name, or the subject of the verb the
        cue hangs from ("... and said", "..., adding"), a speech verb's subject first."""
        if cue.lower_ == "according":
            for to in cue.children:
                for obj in to.children:
                    if obj.dep_ == "pobj":
                        return obj
            return None
        own = self._own_subject(cue)
        if own is not None and own.dep_ == "nsubjpass" and lemma(cue) in ADDRESSED_VERBS:
            # "drivers had been told to keep ...": they heard it; the person reporting it speaks
            outer = cue
            while outer.dep_ in ("ccomp", "conj", "xcomp") and outer.head.i != outer.i:
                outer = outer.head
                if is_cue(outer) and lemma(outer) not in ADDRESSED_VERBS:
                    return self.subject(outer)
        if own is not None:
            return own
        if cue.dep_ == "acl" and cue.tag_ == "VBG" and cue.head.pos_ in ("PROPN", "NOUN"):
            return cue.head  # "footage of Imrie saying ..."
        for child in cue.rights:  # "said Mr X" parsed with X as an object
            if (child.dep_ in ("dobj", "attr", "npadvmod", "appos", "oprd") and not self.in_quote[child.i]
                    and (child.ent_type_ == "PERSON" or child.pos_ == "PROPN" and child.ent_type_ in ("", "ORG", "NORP"))
                    and lemma(cue) not in ("tell", "ask", "call", "describe", "urge")):
                return child
        named = self._adjacent_name(cue)
        if named is not None:
            return named
        verb = cue.head  # "X admitted that A had failed and said B": the parser hangs the second
        if (cue.dep_ == "conj" and verb.dep_ == "ccomp" and verb.head.i != verb.i and is_cue(verb.head)
                and any(c.dep_ == "ccomp" for c in cue.children)):
            return self.subject(verb.head)  # cue on the first one's clause, whose subject (A) did not speak
        found = []
        verb = cue
        chain = _HEAD_CHAIN + (("ccomp",) if cue.tag_ == "VBG" else ())
        for _ in range(4):
            if verb.dep_ not in chain or verb.head.i == verb.i:
                break
            verb = verb.head
            subject = self._own_subject(verb)
            if subject is not None:
                if is_cue(verb):
                    return subject
                found.append(subject)
        return found[0] if found else None

    def _adjacent_name(self, cue: Token) -> Token | None:
        """A name written right before the cue, maybe with an appositive ("Chief Tobin Yarwood
        said", "Quist, a senior adviser, said"), or right after a verb of saying ("said
        Yarwood"), for when the parse gives the cue no subject."""
        doc = self.doc
        i = cue.i - 1
        while i >= 0 and (doc[i].pos_ in ("ADV", "AUX") or doc[i].is_space):
            i -= 1
        if i >= 0 and doc[i].text == ",":  # skip back over ", an appositive,"
            j = i - 1
            while j >= max(0, i - 12) and doc[j].text != "," and not self.in_quote[j]:
                j -= 1
            if j >= 1 and doc[j].text == "," and _namelike(doc[j - 1]) and not self.in_quote[j - 1]:
                return doc[j - 1]
        if i >= 0 and not self.in_quote[i] and (
            _namelike(doc[i]) or doc[i].pos_ == "PRON" and doc[i].dep_ != "dobj"
        ):
            return doc[i]
        j = cue.i + 1
        while j < len(doc) and doc[j].is_space:
            j += 1
        if (j < len(doc) and lemma(cue) in INVERTING_VERBS and doc[j].ent_type_ == "PERSON"
                and not self.in_quote[j] and not (j + 1 < len(doc) and doc[j + 1].tag_ == "POS")):
            return doc[j]
        return None

    def _own_subject(self, verb: Token) -> Token | None:
        """The subject of a verb; of a passive cue, its agent ("were told by the operator"),
        else the subject (who was told); of any other passive verb, the subject ("was hit by
        a car and said")."""
        agents = [o for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
        if agents and is_cue(verb) and not self.in_quote[agents[0].i]:
            return agents[0]
        for child in verb.children:
            if child.dep_ in SUBJECTS and not self.in_quote[child.i] and not child.is_punct and not self._dateline(child):
                if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                    return verb.head  # "an architect who said ..."
                return child
        return agents[0] if agents else None

    def _dateline(self, tok: Token) -> bool:
        """A place in capitals opening a paragraph before a dash ("HARLOW BAY — ..."): where
        the story was filed, never who spoke."""
        if not tok.is_upper or len(tok.text) < 2:
            return False
        j = tok.i + 1
        while j < len(self.doc) and j - tok.i < 4 and (self.doc[j].is_upper or self.doc[j].text in "(),"):
            j += 1
        return j < len(self.doc) and self.doc[j].text in ("—", "–", "--", "-")

    def _mention(self, subject: Token) -> Span:
        """The noun phrase of a subject, without appositives, relative clauses or conjuncts;
        a named entity is kept whole, and a common noun keeps its "of" phrase."""
        lo = word_lo = word_span(self.doc, subject.i)[0]  # "the 34-year-old"
        for tok in reversed(list(subject.lefts)):
            if tok.i >= word_lo:
                continue
            if tok.dep_ in _NAME_DEPS or tok.dep_ == "punct" and tok.text in "'’":
                lo = min(lo, tok.left_edge.i)
            else:
                break
        hi = subject.i + 1
        for tok in subject.rights:
            if tok.i == hi and tok.dep_ in ("flat", "compound", "case", "nummod"):
                hi = tok.i + 1
            elif tok.i == hi and tok.dep_ == "prep" and tok.lower_ == "of" and subject.pos_ in ("NOUN", "PRON", "NUM"):
                hi = tok.right_edge.i + 1
            else:
                break
        if subject.pos_ == "NOUN":  # "the former headteacher and county councillor"
            for conj in subject.rights:
                gap = self.doc[hi : conj.left_edge.i]
                if conj.dep_ == "conj" and conj.pos_ in ("NOUN", "PROPN") and all(t.dep_ == "cc" for t in gap):
                    hi = conj.right_edge.i + 1
        while hi > subject.i + 1 and self.doc[hi - 1].dep_ == "cc":
            hi -= 1
        if subject.ent_type_ in SPEAKER_ENTS:
            ent = self.speakers.entity_at(subject.i)
            lo, hi = min(lo, ent.start), max(hi, ent.end)
        lo, hi = min(lo, word_span(self.doc, lo)[0]), max(hi, word_span(self.doc, hi - 1)[1])  # "the 34-year-old"
        while lo < subject.i and (self.in_quote[lo] or self.doc[lo].is_punct or self.doc[lo].is_space
                                  or _CLOCK.fullmatch(self.doc[lo].text)):  # "16:30 Ciara Molloy again:"
            lo += 1
        while hi > subject.i + 1 and (self.in_quote[hi - 1] or self.doc[hi - 1].is_punct or self.doc[hi - 1].is_space):
            hi -= 1
        return self.doc[lo:hi]

    def _named_appositive(self, subject: Token) -> Token | None:
        """The name written beside a described subject: "Her son, Joren Varangen, said", "Outside
        court, the girl's uncle, Evander Quist, said" (a conjunct in the parse)."""
        if self.speakers.is_name(subject.i) or subject.pos_ not in ("NOUN", "ADJ", "PROPN", "NUM"):
            return None  # (NUM: "One of them, Fergal Wilkens, posted")
        for head in [subject, *(c for c in subject.children if c.dep_ == "conj")]:
            for child in head.rights:
                if child.dep_ == "appos" and (self.speakers.is_name(child.i) or child.pos_ == "PROPN" and child.ent_type_ == ""
                                              and subject.pos_ != "PROPN"):  # ("— Caoimhín, Ballymorrow": a place)
                    return child
                if child.dep_ == "appos" and subject.pos_ == "NOUN" and self.speakers.is_organisation(child.i):
                    return child  # "The developer, Brindle Power, said"
            end = word_span(self.doc, head.i)[1]
            if end + 1 < len(self.doc) and self.doc[end].text == "," and self.speakers.is_name(end + 1):
                return self.speakers.entity_at(end + 1).root  # the parse missed the apposition
        if is_person_noun(subject):  # "An analyst at Kestrelmoor Partners, Ms Ottilie Abara," (hung on the firm)
            for obj in (o for prep in subject.rights if prep.dep_ == "prep" for o in prep.children if o.dep_ == "pobj"):
                if not self.speakers.is_name(obj.i):
                    name = next((c for c in obj.rights if c.dep_ == "appos" and self.speakers.is_name(c.i)), None)
                    if name is not None:
                        return name
        return None

    def _with_modifiers(self, subject: Token, mention: Span) -> str:
        """A common-noun source with the phrases that follow it, up to a comma, a dash or a
        clause ("a spokesman for the harbour board", "a person close to the Varangens"): the
        mention is resolved without them, but a citation needs them."""
        if subject.pos_ != "NOUN":
            return mention.text
        hi = mention.end
        clauses = {t.i for c in subject.rights if c.dep_ in ("relcl", "acl") for t in c.subtree}
        for tok in subject.subtree:
            if tok.i < hi:
                continue
            dash = tok.text in "-–—" and (tok.whitespace_ or self.doc[tok.i - 1].whitespace_)
            if (tok.i != hi or hi - mention.start >= _MAX_MENTION or self.in_quote[tok.i] or tok.i in clauses
                    or tok.text in _PHRASE_STOPS or dash or tok.lower_ == "as"):
                break
            hi += 1
        while hi > mention.end and (self.doc[hi - 1].is_punct or self.doc[hi - 1].is_space):
            hi -= 1
        return self.doc[mention.start : hi].text


    def resolve(self, subject: Token) -> tuple[str | None, str, float]:
        """(speaker, mention as written, confidence) for the subject of a cue; the speaker is
        None for a pronoun that names nobody the article has introduced."""
        key = subject.i
        if key not in self._resolved:
            subject = self._named_appositive(subject) or subject
            mention = self._mention(subject)
            named = mention
            if subject.lower_ in ("it", "they"):
                # "the tenants' union condemned what it called ...": the subject before it
                before = [t for t in subject.sent if t.i < subject.i and t.dep_ in SUBJECTS
                          and t.pos_ in ("NOUN", "PROPN") and not self.in_quote[t.i] and not is_document(t)]
                if before:
                    named = self._mention(before[-1])
            person = self._antecedent(subject) if subject.lower_ in _HE_SHE else None
            if person is not None:
                name, sure = person.name, 0.75
            else:
                name, person, sure = self.speakers.resolve(named)
            written = self._with_modifiers(subject, mention)
            if person is not None:
                self.speakers.note_speaker(subject.i, person)
            elif named is mention and subject.lower_ in ("it", "they"):
                last = self._org_speakers[-1] if self._org_speakers else None
                org = last[1] if last and subject.i - last[0] < 200 else None
                org = org or self.speakers.organisation_before(subject.i, subject_only=True)
                name, sure = (org, 0.6) if org else (name, sure)  # "It said": the organisation
            elif mention[0].lower_ in _INDEFINITE and _person_noun(subject):
                person = self.speakers.add_unnamed(subject.i, written, subject)  # "a spokeswoman for X"
                name = written
            if person is None and name is not None and (self.speakers.is_organisation_name(name) or (
                    subject.pos_ == "NOUN" and subject.tag_ != "NNS" and fold(subject.text) in ORG_NOUNS)
                    or subject.pos_ == "PROPN" and fold(name.split()[-1]) in FIRM_WORDS):  # "Pelham Care Network"
                self._org_speakers.append((subject.i, name))  # what a later "it said" continues
            if person is None and mention.root.pos_ == "PRON" and name == mention.text:
                name = None  # "she" with nobody to be: unattributed, never a pronoun as a name
            elif name == mention.text:  # unresolved: the source as written, in full
                name = written
            self._resolved[key] = (name, written, sure)
            self._people[key] = person
        return self._resolved[key]

    def speaker_of(self, att: Attribution, at: int) -> tuple[str | None, str, float]:
        """`resolve` for a quote at token `at`; a quote that inherits its speaker from an
        earlier sentence (a running speaker, a turn of an exchange) is noted as that person's
        turn, so "she" and "the witness" after it find who spoke last."""
        found = self.resolve(att.subject)
        person = self._people.get(att.subject.i)
        if person is not None and at > att.subject.i and self.doc[at].sent.start > att.subject.i:
            while at > 0 and self.in_quote[at]:
                at -= 1  # just before the quotation: the resolver reads no mention inside one
            self.speakers.note_speaker(at, person)
        return found

    def _personal(self, tok: Token) -> bool:
        """A subject that can be a person: a name, a word for a person ("a teacher"), or one
        that a "who" clause describes ("a bus driver, who asked not to be named,")."""
        return tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON" or tok.pos_ == "NOUN" and (
            speaker_rank(tok) == 0 or _person_noun(tok))

    def _antecedent(self, pronoun: Token) -> Person | None:
        """Who "he" or "she" is when the sentences before it in its paragraph (or, if it opens
        one, in the paragraph before) say: the subject of the latest of them that is a person
        of that gender ("Tewkes was less sure. "...," she said", "A plumber, who asked not
        to be named, got up. "...," he said"), or whom a "she" there stands for; a
        person whose gender the article does not give only if no one's does; else the latest
        person named there ("Next, an update from Inspector Quarles: ..."). None leaves it to the
        article-wide resolver."""
        sent = pronoun.sent
        if any(t.dep_ in SUBJECTS and t.pos_ != "PRON" and not self.in_quote[t.i] for t in self.doc[sent.start : pronoun.i]):
            return None  # a subject of its own sentence comes first: the resolver's rule
        gender = "m" if pronoun.lower_ == "he" else "f"
        para = self.layout.para(pronoun.idx)
        lo = self.layout.para_tokens(para)[0]
        if lo >= sent.start and para > 0:
            lo = self.layout.para_tokens(para - 1)[0]
        unknown = None
        start = sent.start
        while start > lo:
            prev = self.doc[start - 1].sent
            start = prev.start
            person, sure = self._sentence_subject(prev, pronoun, lo)
            if person is not None and (sure or person.gender == gender):
                return person
            if person is not None and person.gender is None and unknown is None:
                unknown = person
        if unknown is not None:
            return unknown
        for i in range(sent.start - 1, lo - 1, -1):  # no subject to go by: the latest person named
            ent = self.speakers.entity_at(i) if self.speakers.is_name(i) and not self.in_quote[i] else None
            if ent is not None and ent.end == i + 1 and not any(a.dep_ == "relcl" for a in ent.root.ancestors):
                person = self.speakers.resolve(ent)[1]  # (not "..., whom everyone calls Fitz,")
                if person is not None and person.gender in (None, gender):
                    return person
        return None

    def _sentence_subject(self, sent: Span, pronoun: Token, lo: int) -> tuple[Person | None, bool]:
        """The person a sentence's subject names, if any, for a later he/she, and whether it
        is that pronoun again (so certainly that gender)."""
        if sent.start < lo or self.in_quote[sent.root.i]:
            return None, False
        subject = self._own_subject(sent.root)
        if subject is not None and subject.pos_ == "NUM":  # "One of them, Fergal Wilkens, posted ..."
            subject = self._named_appositive(subject)
        if subject is not None and subject.pos_ != "PRON" and not self._personal(subject):
            subject = next((c for c in subject.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)  # "Mulvenna's goal"
        if subject is None or subject.pos_ == "PRON" and subject.lower_ != pronoun.lower_:
            return None, False
        self.resolve(subject)
        return self._people.get(subject.i), subject.pos_ == "PRON"

    @staticmethod
    def cue_text(cue: Token) -> str:
        if cue.lower_ == "according":
            return "according to"
        parts = [c for c in cue.children if c.dep_ == "prt"]  # "pointed out"
        return " ".join(t.text for t in sorted([cue, *parts], key=lambda t: t.i))