"""The people an article names, found in spaCy's parse and entities: the NER's PERSON entities,
mended where they run across a dash or stop short of a surname, and the names the small NER
misses or mislabels (a proper-noun chain after an honorific, in apposition to a word for a
person, a surname or first name of a person named in full, the subject of a speech verb).
Never a dateline, an organisation's short name or a firm the NER took for a person.
"""
from __future__ import annotations

import numpy
from spacy.attrs import ENT_TYPE, LOWER, ORTH, POS
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span

from .cues import SPEECH_VERBS, lemma
from .names import (
    MISLABELLED, ORG_WORDS, PLACE_PREPS, POST_NOMINALS, dateline_tokens, fold, is_firm_name, is_honorific,
    is_particle, is_person_noun, is_title_word,
)

# The same words as the hashes `Doc.to_array` gives (the same in every vocab): reading the
# arrays costs less than a Token object per token.
_MISLABELLED_IDS = numpy.array([get_string_id(label) for label in MISLABELLED], dtype="uint64")
_COMMA, _AND = get_string_id(","), get_string_id("and")


class NameFinder:
    """`names()`: the spans of one Doc that name people, in text order."""

    def __init__(self, doc: Doc, entity_at: dict[int, Span], orgs: list[Span]):
        self.doc = doc
        self._entity_at = entity_at  # token index -> its NER entity
        self._orgs = orgs  # the organisations outside quotation marks
        self._full_names: tuple[set[str], list[list[str]]] | None = None  # see _full_name_words
        self._folds: dict[tuple[int, int], list[str]] = {}  # (start, end) of a name -> its folded words
        self._org_prefixes = {" ".join(words[:k]) for words in (e.text.split() for e in orgs)
                              for k in range(1, len(words))}  # "Larkspur" of "Larkspur Airlines"

    def names(self) -> list[Span]:
        """PERSON entities, and the names the small NER misses or mislabels: a proper-noun
        chain after an honorific ("Cllr Ann Cole"), in apposition to a word for a person ("The
        site manager, Corinna Valdane,") or the subject of a speech verb ("Varga said")."""
        doc = self.doc
        dateline = dateline_tokens(doc)
        names = {}
        for e in doc.ents:
            if e.label_ != "PERSON" or e.start in dateline or is_firm_name(e) or self._prefix_of_organisation(e):
                continue  # "PELHAM, Tas. —": where the story was filed
            if len(e) == 1 and e.start > 0 and doc[e.start - 1].lower_ in ("a", "an") and e.root.dep_ == "compound" \
                    and is_person_noun(e.root.head):
                continue  # "a Brisco spokeswoman": whom she speaks for, no person of the article
            cut = next((t.i for t in e[1:] if t.text in ("–", "—")), e.end)
            names[e.start] = e if cut == e.end else Span(doc, e.start, cut, label="PERSON")  # "Dr Mai – Trinh is ..."
        pos, ent_types, orths = doc.to_array([POS, ENT_TYPE, ORTH]).T
        starts = ((pos == PROPN) & numpy.isin(ent_types, _MISLABELLED_IDS)).tolist()  # where a chain may start
        is_comma = (orths == _COMMA).tolist()
        i = 0
        commas = []
        while i < len(doc):
            if not starts[i] or i in dateline:
                if is_comma[i]:
                    commas.append(i)
                i += 1
                continue
            j = i + 1
            while j < len(doc) and (doc[j].pos_ == "PROPN" and doc[j].ent_type_ != "PERSON"
                                    or doc[j].tag_ == "HYPH" and not doc[j - 1].whitespace_
                                    or is_particle(doc, j)):  # "Owain ap Rhys"
                j += 1
            while doc[j - 1].tag_ == "HYPH":
                j -= 1
            ent = self._entity_at.get(i - 1)
            after = self._entity_at.get(j) if j < len(doc) and doc[j].ent_iob_ == "B" else None
            plain = all(t.ent_type_ == "" for t in doc[i:j])
            if plain and ent is not None and ent.label_ == "PERSON" and ent.start in names:
                names[ent.start] = Span(doc, ent.start, j, label="PERSON")  # "Jane Doe", NER saw "Jane"
            elif plain and after is not None and after.label_ == "PERSON" and after.start in names:
                del names[after.start]  # "Joren Varangen", NER saw "Varangen"
                names[i] = Span(doc, i, after.end, label="PERSON")
            elif sum(t.tag_ != "HYPH" for t in doc[i:j]) <= 4 and self._person_like(doc[i:j], names):  # "Ms Ama Falana-Reid"
                names[i] = Span(doc, i, j, label="PERSON")
            i = j
        for tok in (doc[c - 1] for c in commas if c > 0):  # "Her son, Joren Varangen, said": no apposition in the parse
            if tok.i + 3 < len(doc) and is_person_noun(tok):
                lo = hi = tok.i + 2
                while hi < len(doc) and hi - lo < 4 and (doc[hi].is_title and doc[hi].is_alpha or doc[hi].tag_ == "HYPH"):
                    hi += 1
                inside = [k for k in names if lo <= k < hi]
                if hi - lo >= 2 and hi < len(doc) and doc[hi].text == "," and not any(
                        self._entity_at.get(k) is not None and self._entity_at[k].label_ in ("GPE", "DATE")
                        for k in range(lo, hi)) and all(names[k].end <= hi for k in inside):
                    for k in inside:  # "Her son, Joren Varangen," where only the surname was taken for a name
                        del names[k]
                    names[lo] = Span(doc, lo, hi, label="PERSON")
        self._pairs(names)
        return [names[k] for k in sorted(names)]

    def _pairs(self, names: dict[int, Span]) -> None:
        """"Bram and Joost Verkerk have baked bread together": two people sharing a family
        name, where the NER saw a place or nothing, once one of the given names is written
        alone as a person elsewhere."""
        doc = self.doc
        alone = {fold(e.text) for e in names.values() if len(e) == 1}
        ands = numpy.flatnonzero(doc.to_array(LOWER) == _AND).tolist()
        for i in (k - 1 for k in ands if 1 <= k <= len(doc) - 3):
            a, b, c = doc[i], doc[i + 2], doc[i + 3]
            if not all(t.pos_ == "PROPN" and t.is_title for t in (a, b, c)):
                continue
            if i + 4 < len(doc) and (doc[i + 4].tag_ == "POS" or doc[i + 4].pos_ == "PROPN"):
                continue
            if (fold(a.text) in alone or fold(b.text) in alone) and not any(
                    self._entity_at.get(k) is not None and self._entity_at[k].label_ == "ORG" for k in (i, i + 2, i + 3)):
                for k in [k for k, e in names.items() if e.start < i + 4 and e.end > i]:
                    del names[k]
                names[i] = Span(doc, i, i + 1, label="PERSON")
                names[i + 2] = Span(doc, i + 2, i + 4, label="PERSON")

    def _prefix_of_organisation(self, chain: Span) -> bool:
        """"Larkspur said" where the article names "Larkspur Airlines" and no person with
        that name: the organisation ("Clinton" stays a person beside "Clinton Foundation")."""
        text = " ".join(chain.text.split())
        if text not in self._org_prefixes:
            return False
        return not set(fold(text).split()) & self._full_name_words()[0]

    def _full_name_words(self) -> tuple[set[str], list[list[str]]]:
        """(all words, each name's folded words) of the PERSON entities of two words or more,
        once per Doc."""
        if self._full_names is None:  # (not the NER's "Bexley Ondine" for "Bexley Ondine Capital")
            orgs = [" ".join(e.text.split()) + " " for e in self._orgs]
            full = [fold(e.text).split() for e in self.doc.ents if e.label_ == "PERSON" and len(e) >= 2
                    and not any(o.startswith(" ".join(e.text.split()) + " ") for o in orgs)]
            self._full_names = ({w for words in full for w in words}, full)
        return self._full_names

    def _part_of_a_full_name(self, chain: Span, found: dict[int, Span]) -> bool:
        """`chain` is the first or last words of a full name the NER or this finder read:
        "Ekqvist", "Mattias" after "Mattias Ekqvist", "ap Rhys" after "Owain ap Rhys"."""
        words = fold(chain.text).split()
        k = len(words)
        fulls = self._full_name_words()[1] + [self._folded(s) for s in found.values() if s.start < chain.start]
        return any(len(f) > k and (f[-k:] == words or f[:k] == words) for f in fulls)

    def _folded(self, span: Span) -> list[str]:
        key = (span.start, span.end)
        if key not in self._folds:
            self._folds[key] = fold(span.text).split()
        return self._folds[key]

    def _person_like(self, chain: Span, found: dict[int, Span]) -> bool:
        if self._prefix_of_organisation(chain) or len(chain) == 1 and is_person_noun(chain[0]):
            return False  # ("Counsel for the trust, ..., said": a word for a person, capitalised)
        if len(chain) >= 3 and any(is_particle(chain.doc, t.i) for t in chain[1:-1]):
            return True  # "Owain ap Rhys", whatever the NER made of it
        doc = chain.doc
        root = chain[-1]
        before = doc[chain.start - 1] if chain.start > 0 else None
        if before is not None and is_honorific(before.text) and before.is_title:
            return True
        if len(chain) >= 2 and is_honorific(chain[0].text) and chain[0].is_title and not (
                fold(root.text) in ORG_WORDS and all(t.ent_type_ == "ORG" for t in chain)):
            return True  # "Dr Branwen Price" as one chain (not "Foreign Ministry", the NER's organisation)
        if before is not None and before.lower_ == "as" and any(
                t.lower_ in ("name", "names") for t in doc[max(0, before.i - 3) : before.i]):
            return True  # "asked that her name be given as Ondine Loveday"
        if len(chain) >= 3 and chain[-1].is_upper and fold(chain[-1].text).replace(".", "") in POST_NOMINALS:
            return True  # "Rhiannon Pollard KC", whatever the NER made of it
        if root.is_title and self._part_of_a_full_name(chain, found) and not (
                root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPS or root.dep_ == "poss"):
            return True  # "Ekqvist was quiet", "Mattias said" after "Mattias Ekqvist", whatever the NER made of it
        after = doc[chain.end : chain.end + 3]
        if len(chain) >= 2 and len(after) >= 2 and after[0].text == "," and (
                after[1].lower_ == "who" and after[1].head.head.i == root.i
                or after[1].like_num and len(after) == 3 and after[2].text == ","):
            return True  # "Lena Ortiz, 34," "Marisol Quillan, who runs the shelter" (not "the MP for Ashbury, who")
        if any(fold(t.text) in ORG_WORDS for t in chain):
            return False
        if before is not None and before.pos_ == "NOUN" and is_title_word(before) and len(chain) >= 2 and all(
                t.is_title for t in chain):
            return True  # "chief executive Ann Cole", "head coach Ann Cole"
        if root.dep_ == "appos" and is_person_noun(root.head):
            return True
        if any(c.dep_ == "appos" and is_person_noun(c) for c in root.children):
            return True
        if root.dep_ != "nsubj" or any(t.ent_type_ for t in chain) or not all(t.is_title for t in chain):
            return False
        return lemma(root.head) in SPEECH_VERBS or len(chain) >= 2  # "Varga said", "Mairwen Ní Brannagh scored"
