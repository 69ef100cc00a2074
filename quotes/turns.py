"""The running speaker across sentences and paragraphs: a quote with no cue of its own takes
its speaker from a colon's sentence, the paragraph before, the other party of an exchange, or
the person the next paragraph names.

Part of the linking stage (`attribution.Linker` mixes `Turns` in); here too the record of a
link (`Attribution`) and how likely a cue's subject is to speak (`speaker_rank`).
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from . import marks
from .cues import PEOPLE_NOUNS, is_document, lemma
from .names import COPULAS, ROLE_NOUNS

SUBJECTS = ("nsubj", "nsubjpass")
_REPLY_VERBS = frozenset("reply answer respond retort counter interject interrupt".split())
_TURN_TAIL = 6  # words after its last quotation: a paragraph that is one turn of an exchange
SPEAKER_ENTS = ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC")
_NOT_SPEAKER_ENTS = ("DATE", "TIME", "PERCENT", "CARDINAL", "MONEY", "QUANTITY", "ORDINAL")


def speaker_rank(subject: Token | None) -> int:
    """How likely a cue's subject is to be the speaker: 0 someone (a name, a pronoun, a role,
    a group of people, an organisation), 1 a document, 2 something else ("Saturday", "it",
    "a voice"), 3 nobody."""
    if subject is None:
        return 3
    word = subject.lower_
    if subject.ent_type_ in _NOT_SPEAKER_ENTS or word in ("it", "what", "which", "this", "that", "there"):
        return 2
    if subject.pos_ in ("PRON", "PROPN") or subject.ent_type_ in SPEAKER_ENTS:
        return 0
    if word in ROLE_NOUNS or word.rstrip("s") in ROLE_NOUNS or word in PEOPLE_NOUNS or word.rstrip("s") in PEOPLE_NOUNS:
        return 0
    return 1 if is_document(subject) else 2



@dataclass
class Attribution:
    """The cue that introduces a quote (None: no speech verb) and its speaker's token."""

    cue: Token | None
    subject: Token | None
    how: float  # how sure we are that this cue introduces the quote


class Turns:
    """Inherited speakers, for `Linker` (which gives `doc`, `text`, `paras`, `layout`,
    `in_quote`, `speakers` and the cue look-ups these methods use)."""

    def _colon_before(self, char: int, para: int) -> int | None:
        """The position of a colon that introduces a quote opening at `char`: at the end of the
        text before it in its paragraph, or, if it opens the paragraph, of the paragraph before."""
        lo = self.paras[para][0]
        before = self.text[lo:char].rstrip()
        if not before and para > 0:
            lo = self.paras[para - 1][0]
            before = self.text[lo : self.paras[para - 1][1]].rstrip()
        return lo + len(before) - 1 if before.endswith(":") else None

    def inherited(self, pair: marks.Pair, span: Span, para: int, last: dict[int, Attribution],
                  questions: set[int] = frozenset()) -> Attribution | None:
        """A quote with no cue of its own: a colon introduction, else the running speaker: the
        last attribution before it in its paragraph, or in the paragraph before if it opens
        its own ("Garrow said she would run." then a quote paragraph); in a conversation (a
        question, or an answer to one) the other party; else a person named right after it."""
        colon = self._colon_before(pair.open, para)
        if colon is not None:
            tok = self.layout.tok(colon)
            sent = self.doc[tok].sent  # its sentence, or the one it ends
            lo = self.doc[tok - 1].sent.start if tok == sent.start and tok > 0 else sent.start
            cues = self._cues_in(lo, sent.end)
            if cues:
                cue = max(cues, key=lambda c: c.i)
                return Attribution(cue, self.subject(cue), 0.85)
            # no speech verb: "Reyes completed the thought: "We never stop...""
            verb = self._verb_above(self.doc[tok])
            if verb is not None and self.in_quote[verb.i] and tok > 0:  # the colon hangs from the quote
                verb = self._verb_above(self.doc[tok - 1])
            subject = self._own_subject(verb) if verb is not None else None
            if speaker_rank(subject) <= 1:
                return Attribution(None, subject, 0.7)
            root = self.doc[tok].sent.root  # no verb at all: "Ciara Molloy again, summing up: "...""
            if root.i < tok and not self.in_quote[root.i] and root.pos_ == "PROPN" and root.ent_type_ in ("", "PERSON"):
                return Attribution(None, root, 0.65)
        earlier = [c for c in self._para_cues(para) if c.i < span.start]
        found = self._last_person_cue(earlier, 0.75)
        if found:
            return found
        if para in last:
            return Attribution(last[para].cue, last[para].subject, 0.75)
        if self.text[self.paras[para][0] : pair.open].strip():
            return self._actor_before(span)
        if para - 1 in last:
            if self._runs_on(para - 1):  # a quote running on from the paragraph before
                return Attribution(last[para - 1].cue, last[para - 1].subject, 0.75)
            asks = self.text[pair.start : pair.end].rstrip()[-1:] == "?"
            if asks or para - 1 in questions or self._exchange(para, last):  # turns alternate
                other = self._other_party(para, last)
                if other is not None:
                    return other
            return Attribution(last[para - 1].cue, last[para - 1].subject, 0.7)
        return self._last_person_cue(self._para_cues(para - 1), 0.6) or self._named_next(para)

    def _actor_before(self, span: Span) -> Attribution | None:
        """A quote after a sentence whose subject acts but says nothing: the one who speaks
        ("Cllr Hallworth interrupted. "It was tendered ..."", "Quist hit back. "Where are ..."")."""
        i = span.start - 1
        while i >= 0 and (self.doc[i].is_punct or self.doc[i].is_space):
            i -= 1
        if i < 0 or self.in_quote[i]:
            return None
        root = self.doc[i].sent.root
        subject = self._own_subject(root) if not self.in_quote[root.i] else None
        if subject is None or speaker_rank(subject) != 0:
            return None
        return Attribution(None, subject, 0.65)

    def _runs_on(self, para: int) -> bool:
        """The last quotation of a paragraph stays open into the next paragraph."""
        pairs = self.layout.pairs_in(para)
        return bool(pairs) and not pairs[-1].closed

    def _turn(self, para: int) -> bool:
        """A paragraph that is one turn of an exchange: it opens with its quotation, or ends
        with it (or with its cue)."""
        pairs = self.layout.pairs_in(para)
        if not pairs:
            return False
        lo, hi = self.paras[para]
        return not self.text[lo : pairs[0].open].strip() or len(self.text[pairs[-1].close + 1 : hi].split()) <= _TURN_TAIL

    def _exchange(self, para: int, last: dict[int, Attribution]) -> bool:
        """The paragraph before is a reply, or it and the one before it are turns of two
        different people: an exchange, whose next untagged turn goes back to the other one."""
        if not self._turn(para - 1):
            return False
        cue = last[para - 1].cue
        if cue is not None and lemma(cue) in _REPLY_VERBS:  # "she replied": to someone before
            return True
        if para - 2 not in last or not self._turn(para - 2):
            return False
        one, two = (self.resolve(last[p].subject)[0] for p in (para - 1, para - 2))
        return one is not None and two is not None and one != two

    def _other_party(self, para: int, last: dict[int, Attribution]) -> Attribution | None:
        """The person speaking before the last speaker, in the last few paragraphs: who answers
        a question, or asks the next one ("Questioned by counsel, Mr Wrexley said ...")."""
        prev = last[para - 1]
        prev_name = self.resolve(prev.subject)[0]
        for p in range(para - 2, max(-1, para - 6), -1):
            options = ([last[p]] if p in last else []) + [
                Attribution(c, self.subject(c), 0.6) for c in reversed(self._para_cues(p))]
            for att in options:
                if att.subject is not None and speaker_rank(att.subject) == 0:
                    name = self.resolve(att.subject)[0]  # (None for a pronoun that resolves to nobody)
                    if name and name != prev_name:
                        return Attribution(att.cue, att.subject, 0.6)
        return None

    def _named_next(self, para: int) -> Attribution | None:
        """A quote paragraph whose speaker the next paragraph names first ("Quist was scathing.")."""
        if para + 1 >= len(self.paras):
            return None
        lo, hi = self.layout.para_tokens(para + 1)
        sent = self.doc[lo].sent if lo < len(self.doc) else None
        for tok in sent if sent is not None else ():
            if tok.dep_ in SUBJECTS and not self.in_quote[tok.i]:
                if tok.lower_ in ("that", "this") and tok.head.lower_ in COPULAS:  # "That was Imelda Strandquist, 64."
                    tok = next((c for c in tok.head.rights if c.dep_ == "attr"), tok)
                return Attribution(None, tok, 0.5) if self.speakers.is_name(tok.i) else None
        return None
