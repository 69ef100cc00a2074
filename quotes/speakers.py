"""Speaker resolution within one article: cluster the mentions of each person and give every
mention ("he", "Mr Putin", "the Russian leader") the fullest proper name the article gives.

Built on spaCy's parse and named entities only, so it needs no extra model:
- names: as namefinder.py finds them (the NER's and those it missed), honorifics dropped;
  a short name joins the full name that contains it ("Erdogan", "Tayyip Erdogan" ->
  "Recep Tayyip Erdogan"); two full names that share only a surname stay apart, and a bare
  surname then goes to the one mentioned last (with a matching gender where one is known);
- roles (read by descriptions.py): words around a name ("Pelham Mayor Ysolde Farrant",
  "Joren Varangen, the harbour master") describe that person, so "the harbour master" finds
  him; kinship ("his daughter, Thuy Hoang,") makes "her father" the man she is daughter of;
- pronouns: he/she go to the most salient earlier person of that gender: speakers of earlier
  quotes first, then sentence subjects, then any mention, the most recent first.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy
from spacy.attrs import IS_SPACE, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from .descriptions import apposed, descriptions, kin_head, shared_surname
from .namefinder import NameFinder
from .names import (
    FAMILY_NOUNS, FEMALE, FIRST_NAMES_F, FIRST_NAMES_M, HONORIFICS, KIN_CLASS, KIN_INVERSE, LEADER_ROLES, MALE,
    ORG_NOUNS, ORG_WORDS, PLACE_PREPS, PRONOUNS, ROLE_NOUNS, fold, is_firm_name, is_person_noun, is_title_word,
    name_words, word_span, written,
)

# he/she/his/her... as the hashes `Doc.to_array` gives them (the same in every vocab)
_GENDERED = numpy.array([get_string_id(w) for w in sorted(MALE | FEMALE)], dtype="uint64")


@dataclass
class Person:
    """One cluster: every name form and description that refers to one person."""

    names: list[str] = field(default_factory=list)  # display forms, as written
    words: set[str] = field(default_factory=set)  # folded name words
    roles: set[str] = field(default_factory=set)  # folded description words
    heads: set[str] = field(default_factory=set)  # folded head words of descriptions ("beekeeper")
    gender: str | None = None
    titled: bool = False  # the gender comes from an honorific (Mr, Mrs), not a first name

    @property
    def name(self) -> str:
        """The fullest trusted name: a name whose first word is a known first name or starts
        another of the person's names ("Crooked Hillary Clinton" loses to "Hillary Clinton"),
        then the one with most words, then the first written."""
        firsts = [fold(n).split()[0] for n in self.names if fold(n)]

        def rank(n: str) -> tuple[bool, int, int]:
            words = fold(n).split()
            trusted = bool(words) and (words[0] in FIRST_NAMES_M or words[0] in FIRST_NAMES_F
                                       or firsts.count(words[0]) >= 2)
            return trusted, len(words), -self.names.index(n)

        return max(self.names, key=rank)

    @property
    def surname(self) -> str:
        return fold(self.name).split()[-1]


@dataclass
class Mention:
    start: int  # token index
    person: Person
    subject: bool  # subject of its clause
    speaker: bool = False  # subject of a speech cue
    place: bool = False  # where something is ("at Croke Park", "Walsall's"): maybe not a person


# How many mentions back a role ("the Russian leader") looks for its person: the whole of any
# news article, without a quadratic cost on book-length text.
_ROLE_REACH = 2000


class SpeakerResolver:
    """Clusters the people of one Doc; `resolve()` maps a speaker mention to a name."""

    def __init__(self, doc: Doc, in_quote: bytes | bytearray | None = None):
        self.doc = doc
        self.in_quote = in_quote if in_quote is not None else bytes(len(doc))  # 1: inside quotation marks
        self.people: list[Person] = []
        self.mentions: list[Mention] = []
        self._starts: list[int] = []  # of the mentions, which stay in text order
        self._by_word: dict[str, list[Person]] = {}
        self._entity_at: dict[int, Span] = {}  # token index -> its entity (doc.ents is rebuilt per access)
        ents = list(doc.ents)  # (each read of doc.ents makes new Span objects)
        for ent in ents:
            for i in range(ent.start, ent.end):
                self._entity_at[i] = ent
        self._orgs = [e for e in ents if (e.label_ == "ORG" or is_firm_name(e)) and not self.in_quote[e.start]
                      and (fold(e[-1].text) in ORG_WORDS or not any(fold(t.text) in HONORIFICS for t in e))]
        # (an honorific makes the NER's organisation a person, "Mayor Ann Cole", unless its last
        # word is an organisation's: "the Foreign Ministry")
        self._org_starts = [e.start for e in self._orgs]
        self._org_names = [" ".join(e.text.split()) for e in self._orgs]  # (folded once, not per question)
        self._titled_surnames: list[tuple[Mention, str, list[Person]]] = []  # see _learn_genders
        self._kin: list[tuple[Person, str, Person]] = []  # (person, KIN_CLASS, whose): "his daughter, Thuy"
        for name in NameFinder(doc, self._entity_at, self._orgs).names():
            for i in range(name.start, name.end):
                self._entity_at[i] = name
            self._add_name(name)
        self._lead: tuple[int, Person] | None = self._lead_description()
        self._learn_genders()

    def _lead_description(self) -> tuple[int, Person] | None:
        """News names the person of its lead sentence in the next paragraph: "A former nurse
        told a tribunal that she ..." / "Branwen Hartigan, who left in 2023, was ...". The
        description subject of the paragraph before the first name, when that name opens its
        paragraph, is that person (and a later "the nurse" finds her): (its head, person)."""
        doc = self.doc
        first = next((m for m in self.mentions[:3] if m.start > 1 and doc[m.start - 1].is_space
                      and "\n" in doc[m.start - 1].text), None)  # (after a headline's words taken for names)
        if first is None:
            return None
        k = first.start
        lo = k - 1
        while lo > 0 and not (doc[lo - 1].is_space and "\n" in doc[lo - 1].text):
            lo -= 1
        if any(lo <= m.start < k for m in self.mentions):
            return None
        subj = next((t for t in doc[lo : k - 1] if t.dep_ == "nsubj" and t.pos_ == "NOUN" and t.tag_ != "NNS"
                     and not self.in_quote[t.i]), None)
        if subj is None or not (is_person_noun(subj) or subj.lower_.endswith("er")):
            return None
        key = fold(doc[slice(*word_span(doc, subj.i))].text)
        if key in ORG_NOUNS or key in FAMILY_NOUNS:
            return None
        person = first.person
        said = {t.lower_ for t in subj.sent if not self.in_quote[t.i]}
        gender = "f" if said & FEMALE else "m" if said & MALE else None
        if gender and person.gender not in (None, gender):
            return None
        person.heads.add(key)
        person.roles.update(fold(t.text) for t in subj.subtree if t.pos_ in ("NOUN", "ADJ", "PROPN"))
        at = bisect.bisect_left(self._starts, subj.left_edge.i)
        self.mentions.insert(at, Mention(subj.left_edge.i, person, True))
        self._starts.insert(at, subj.left_edge.i)
        return subj.i, person

    def _learn_genders(self) -> None:
        """Each he/she/his/her outside quotation marks votes for the one person named before it
        in its paragraph (or, if its paragraph names nobody before it, in the paragraph before,
        heard only for a person with no vote from their own paragraph): a majority decides the
        gender, unless an honorific or a family role already did. Then
        a "Mr Pellow" that two people named Pellow could be goes to the one of that gender."""
        votes: dict[int, list[str]] = {}
        people = {id(p): p for p in self.people}
        doc = self.doc
        spaces, words = doc.to_array([IS_SPACE, LOWER]).T  # (not a Token object per token)
        breaks = numpy.zeros(len(doc), dtype="int64")
        for i in numpy.flatnonzero(spaces).tolist():
            breaks[i] = "\n" in doc[i].text
        para_of = (numpy.cumsum(breaks) - breaks).tolist()  # the paragraph of each token
        pronouns = [doc[i] for i in numpy.flatnonzero(numpy.isin(words, _GENDERED)).tolist() if not self.in_quote[i]]
        # (an object is someone else: "Wenna Doorn, who toured with him")
        pronouns = [t for t in pronouns if not (t.lower_ == "him" or t.lower_ == "her" and t.dep_ != "poss")]
        named: dict[int, list[tuple[int, int]]] = {}  # paragraph -> (token, person) outside quotes
        for m in self.mentions:
            if not self.in_quote[m.start] and not m.place:
                named.setdefault(para_of[m.start], []).append((m.start, id(m.person)))
        far: dict[int, list[str]] = {}  # votes from the paragraph after the name's
        for tok in pronouns:
            here = para_of[tok.i]
            before = {who for at, who in named.get(here, []) if at < tok.i}
            ballot = votes
            if not before:
                before, ballot = {who for _, who in named.get(here - 1, [])}, far
            if len(before) == 1:
                ballot.setdefault(before.pop(), []).append("m" if tok.lower_ in MALE else "f")
        for who, genders in far.items():
            votes.setdefault(who, genders)  # (only where its own paragraph gave no vote)
        for who, genders in votes.items():
            person = people[who]
            m, f = genders.count("m"), genders.count("f")
            if person.titled or m == f:
                continue
            vote = "m" if m > f else "f"
            if person.gender in (None, vote) or max(m, f) >= 3 and max(m, f) > 2 * min(m, f) + 1:
                person.gender = vote  # the article's own pronouns beat a name list, by a clear margin
        for mention, gender, cands in self._titled_surnames:
            fits = [p for p in cands if p.gender == gender] or [p for p in cands if p.gender is None]
            if len(fits) > 1:  # the article calls the others by their first name ("Marcus said")
                fits = [p for p in fits if not self._first_named(p)] or fits
            if fits:
                mention.person = self._latest(fits, mention.start - 1)
            if mention.person.gender in (None, gender):
                mention.person.gender, mention.person.titled = gender, True

    def _first_named(self, person: Person) -> bool:
        """The article calls `person` by the first name alone somewhere outside quotation marks."""
        first = fold(person.name).split()[0]
        for m in self.mentions:
            ent = self._entity_at.get(m.start)
            if (m.person is person and not self.in_quote[m.start] and ent is not None and len(ent) == 1
                    and fold(ent.text) == first and len(person.words) > 1):
                return True
        return False

    # -- building clusters -------------------------------------------------------------
    def _add_name(self, span: Span) -> Person | None:
        words, gender = name_words(list(span))
        before = span.doc[max(0, span.start - 4) : span.start]
        for tok in reversed(list(before)):  # "Mr", "Senator" just before the entity
            key = fold(tok.text).rstrip(".")
            if key in HONORIFICS and tok.ent_type_ != "PERSON":
                gender = gender or HONORIFICS[key]
                break
            if tok.pos_ not in ("PROPN", "ADJ", "NOUN") or tok.ent_type_ in ("PERSON",):
                break
        if not words:
            return None
        display = written(words)
        surname = shared_surname(span, self.is_name) if len(words) == 1 else None
        if surname and fold(surname) != fold(display):
            display = f"{display} {surname}"  # "Ilse and Joren Varangen", "Pellow's father, Branwen,"
        folded = fold(display).split()
        if not folded or folded[0] in PRONOUNS or len(words) == 1 and is_title_word(words[0]):
            return None  # "Commissioner", "Coach" alone name nobody
        titled = None
        if gender and len(folded) == 1:
            cands = self._candidates(folded, None)
            if len(cands) > 1:
                titled, gender = gender, None  # "Mr Pellow" of two Pellows: decided in _learn_genders
        person = self._match(folded, gender, span.start)
        if person is None:
            person = Person()
            self.people.append(person)
        if display not in person.names:
            person.names.append(display)
        person.words.update(folded)
        for w in folded:
            bucket = self._by_word.setdefault(w, [])
            if person not in bucket:
                bucket.append(person)
        if len(folded) >= 2 and person.gender is None:
            first = folded[0]
            person.gender = "m" if first in FIRST_NAMES_M else "f" if first in FIRST_NAMES_F else None
        heads, words = descriptions(span)
        family = {FAMILY_NOUNS[h] for h in heads if FAMILY_NOUNS.get(h)}
        if not gender and len(family) == 1:  # "her son, Joren Varangen"
            gender = family.pop()
        if gender:
            person.gender, person.titled = gender, True
        person.heads.update(heads)
        person.roles.update(words)
        kin = kin_head(span)
        whose = self._owner(kin) if kin is not None else None
        if whose is not None and whose is not person:
            self._kin.append((person, KIN_CLASS[fold(kin.text)], whose))
        root = span.root
        subj = root.head if root.dep_ == "appos" else root
        # the subject of a main clause, not of an aside ("..., when Alfie broke his wrist")
        subject = subj.dep_ in ("nsubj", "nsubjpass") and subj.head.dep_ in ("ROOT", "conj", "ccomp", "parataxis")
        place = root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPS or root.dep_ == "poss"
        self.mentions.append(Mention(span.start, person, subject, place=place))
        self._starts.append(span.start)
        if titled:
            self._titled_surnames.append((self.mentions[-1], titled, self._candidates(folded, None)))
        return person

    def _match(self, folded: list[str], gender: str | None, at: int) -> Person | None:
        """The existing person this name belongs to, if any."""
        cands = self._candidates(folded, gender)
        if not cands and len(folded) >= 2:
            # "Tayyip Erdogan" then "Recep Tayyip Erdogan": the longer contains the shorter
            cands = [p for p in self._by_word.get(folded[-1], []) if p.words <= set(folded)
                     and fold(p.name).split()[-1] == folded[-1]]
        if not cands:
            return None
        if len(cands) > 1 and len(folded) >= 2:
            return None  # a second full name that shares words: keep apart
        return self._latest(cands, at)

    def _candidates(self, folded: list[str], gender: str | None) -> list[Person]:
        """People whose names hold all these words, of a matching gender where one is known."""
        cands = [p for p in self._by_word.get(folded[-1], []) if set(folded) <= p.words] if folded else []
        if gender:
            cands = [p for p in cands if p.gender in (None, gender)] or cands
        return cands

    def _latest(self, cands: list[Person], at: int) -> Person:
        for m in reversed(self.mentions[: bisect.bisect_right(self._starts, at)]):
            if m.person in cands:
                return m.person
        return cands[0]

    def is_organisation(self, i: int) -> bool:
        """Token i is part of an organisation's name."""
        ent = self._entity_at.get(i)
        return ent is not None and ent.label_ == "ORG"

    def organisation_before(self, at: int, subject_only: bool = False) -> str | None:
        """The organisation "the company said" or "it said" stands for: the latest named before
        token `at` as a sentence's subject, else (not `subject_only`) the latest named."""
        k = bisect.bisect_left(self._org_starts, at)
        near = [e for e in self._orgs[max(0, k - 12) : k] if e.start >= at - (150 if subject_only else 400)
                and self._entity_at.get(e.start) is e  # not since taken for a person's name
                and not all(w in self._by_word for w in fold(e.text).split())]  # nor a person's surname ("Okoro")
        subjects = [e for e in near if e.root.dep_ in ("nsubj", "nsubjpass") or (
            e.root.dep_ == "appos" and e.root.head.dep_ in ("nsubj", "nsubjpass"))]
        pick = subjects or ([] if subject_only else near)
        return " ".join(pick[-1].text.split()) if pick else None

    def is_organisation_name(self, name: str) -> bool:
        """`name` is written as one of the article's organisations."""
        return name in self._org_names

    def add_unnamed(self, at: int, phrase: str, head: Token) -> Person:
        """An unnamed source ("a spokeswoman for the trust", "one neighbour") becomes a person
        of its own, named by that phrase: "the spokeswoman" and "she" find it later."""
        word = fold(head.text)
        person = Person(names=[phrase], heads={word}, roles={fold(t.text) for t in head.subtree if t.is_alpha})
        person.gender = FAMILY_NOUNS.get(word) or ("f" if word.endswith("woman") else "m" if word.endswith("man") else None)
        person.titled = person.gender is not None
        self.people.append(person)
        self.note_speaker(at, person)
        return person

    def is_name(self, i: int) -> bool:
        """Token i is part of a person's name (an entity or a name the NER missed)."""
        ent = self._entity_at.get(i)
        return ent is not None and ent.label_ == "PERSON"

    def entity_at(self, i: int) -> Span | None:
        """The named entity that token `i` belongs to, if any."""
        return self._entity_at.get(i)

    # -- resolving -----------------------------------------------------------------------
    def note_speaker(self, token_index: int, person: Person) -> None:
        """Record that `person` spoke at this position: pronouns later prefer them."""
        pos = bisect.bisect_left(self._starts, token_index)
        self.mentions.insert(pos, Mention(token_index, person, True, speaker=True))
        self._starts.insert(pos, token_index)

    def resolve(self, mention: Span) -> tuple[str, Person | None, float]:
        """(speaker name, person cluster or None, confidence) for a speaker mention."""
        words, gender = name_words(list(mention))
        if not words:
            return mention.text, None, 0.5
        text = written(words)
        folded = fold(text).split()
        if len(words) == 1 and words[0].lower_ in MALE | FEMALE:
            person = self._pronoun(mention.start, "m" if words[0].lower_ in MALE else "f")
            return (person.name, person, 0.75) if person else (mention.text, None, 0.4)
        end = mention.end
        if end + 1 < len(mention.doc) and mention[-1].tag_ != "POS" and mention.doc[end].tag_ == "POS":
            end += 1
        if mention[-1].tag_ == "POS" or end > mention.end:
            owned = mention.doc[end] if end < len(mention.doc) else None
            if owned is not None and owned.pos_ == "NOUN" and owned.tag_ != "NNS":
                # "Tobiah's father, Cosmin Harwell, said": the father speaks, never Tobiah
                appo = self._apposed(mention.doc[mention.start : end + 1])
                if appo is not None:
                    return appo.name, appo, 0.85
        appo = self._apposed(mention)
        if appo is not None:  # "His wife, the painter Adwoa Boakye, said"
            return appo.name, appo, 0.85
        if self._lead is not None and self._lead[0] == mention.root.i:
            return self._lead[1].name, self._lead[1], 0.7
        if words[0].pos_ == "PRON":
            return mention.text, None, 0.5
        names = [e for e in dict.fromkeys(self.entity_at(i) for i in range(mention.start, mention.end))
                 if e is not None and e.label_ == "PERSON" and mention.start <= e.start and e.end <= mention.end]
        if names:
            person = self._person_for(names[-1], mention.start, gender)
            if person:
                ent = names[-1]
                tail = []  # "Jane Doe" written where NER saw only "Jane"
                for tok in mention.doc[ent.end : mention.end]:
                    if tok.pos_ != "PROPN" or tok.ent_type_ not in ("", "PERSON"):
                        break
                    tail.append(tok.text)
                if tail and ent.end == mention.end - len(tail):
                    longer = " ".join([written(name_words(list(ent))[0]), *tail])
                    if longer not in person.names:
                        person.names.append(longer)
                return person.name, person, 0.9
        if folded and len(words) == 1 and words[0].is_title and words[0].pos_ != "PROPN":
            cands = self._candidates(folded, gender)  # "Per said", a name the tagger took for a word
            if cands:
                person = self._latest(cands, mention.start)
                return person.name, person, 0.8
        described = is_title_word(words[-1]) and folded[0] not in self._by_word  # "the Plaid MP"
        if all(t.pos_ == "PROPN" for t in words) and folded and not described:
            cands = self._candidates(folded, gender)
            if cands:
                person = self._latest(cands, mention.start)
                return person.name, person, 0.85
            longer = [name for name in self._org_names if name.startswith(text + " ")]
            if longer:  # "Larkspur said", after "Larkspur Airlines": the organisation, in full
                return longer[0], None, 0.7
            if mention.root.ent_type_ in ("", "PERSON") and not any(t.ent_type_ in ("ORG", "GPE", "NORP") for t in words):
                return text, None, 0.7
            return mention.text, None, 0.7
        person = self._role(mention)
        if person:
            return person.name, person, 0.7
        head = mention.root
        first = mention[0].lower_
        key = fold(mention.doc[slice(*word_span(mention.doc, head.i))].text)
        if first in ("the", "its") and head.tag_ not in ("NNS", "NNPS") and key in ORG_NOUNS:
            org = self.organisation_before(mention.start)
            extra = {fold(t.text) for t in mention if t.is_alpha and t.i != head.i} - {"the", "its"}
            if org and extra <= set(fold(org).split()):  # "the company said": the company named before
                return org, None, 0.6
        person = self._in_view(mention)
        if person:  # "the youngster said", "the 21-year-old said": the person in view
            return person.name, person, 0.5
        return mention.text, None, 0.6

    def _in_view(self, mention: Span, gender: str | None = None) -> Person | None:
        """The person a definite description the article gave nobody stands for ("the youngster",
        "the 21-year-old"): the person in view, except that a paragraph opening with it goes
        back to the article's main person (the most mentioned so far), as news writing does."""
        head = mention.root
        key = fold(mention.doc[slice(*word_span(mention.doc, head.i))].text)
        if not (mention[0].lower_ == "the" and head.tag_ != "NNS" and key not in ORG_NOUNS and key not in FAMILY_NOUNS
                and (is_person_noun(head) or key.endswith(("year-old", "hander", "er"))
                     or "year-old " in mention.text.lower())):  # "the 24-year-old full-back"
            return None
        latest = self._pronoun(mention.start, gender, follow=False)
        doc = mention.doc
        if latest is None or mention.start > 0 and not (doc[mention.start - 1].is_space and "\n" in doc[mention.start - 1].text):
            return latest
        counts: dict[int, int] = {}
        people = {}
        for m in self.mentions[: bisect.bisect_left(self._starts, mention.start)]:
            if not m.place and not self.in_quote[m.start] and (gender is None or m.person.gender in (None, gender)):
                counts[id(m.person)] = counts.get(id(m.person), 0) + 1
                people[id(m.person)] = m.person
        main = max(counts, key=counts.get)
        return people[main] if counts[main] > counts.get(id(latest), 0) else latest

    def _apposed(self, mention: Span) -> Person | None:
        """The person a description stands in apposition to (descriptions.apposed)."""
        m = apposed(mention, self._entity_at, self.mentions, self._starts)
        return m.person if m is not None else None

    def _person_for(self, ent: Span, at: int, gender: str | None = None) -> Person | None:
        words, own_gender = name_words(list(ent))
        cands = self._candidates(fold(written(words)).split(), gender or own_gender)
        return self._latest(cands, at) if cands else None

    def _pronoun(self, at: int, gender: str | None, follow: bool = True) -> Person | None:
        """The most salient earlier person who may be this gender: the subject of its own
        sentence, else the person a description subject of the sentence before stands for
        ("The designer is blunt. She said", if `follow`), else the latest speaker or sentence
        subject (a person named since the last speaker takes over), else the latest person
        mentioned. A name only ever written as a place ("at Croke Park") or inside quotation
        marks is not a candidate."""
        end = bisect.bisect_left(self._starts, at)
        window = [m for m in self.mentions[max(0, end - 40) : end] if m.start >= at - 400]
        placelike = {id(m.person) for m in window if m.place} - {
            id(m.person) for m in window if not m.place}
        ok = [m for m in window if (gender is None or m.person.gender in (None, gender)) and id(m.person) not in placelike
              and not self.in_quote[m.start]]
        sent_start = self.doc[at].sent.start
        same_sentence = [m for m in ok if m.start >= sent_start and m.subject]
        if same_sentence:  # "Ola Lee condemned what she called ..."
            return same_sentence[-1].person
        described = self._subject_before(at) if follow else None
        if described is not None and (not ok or ok[-1].start < described.start):
            person = self._role(described) or self._in_view(described, gender)
            if person is not None and (gender is None or person.gender in (None, gender)):
                return person
        for want in (lambda m: m.speaker or m.subject, lambda m: True):
            pick = [m for m in ok if want(m)]
            if pick:
                return pick[-1].person
        return None

    def _owner(self, noun: Token) -> Person | None:
        """Whose relation a kinship word names: the person its possessive stands for ("his"
        the latest man in view, "Toby's" Toby)."""
        poss = next((c for c in noun.children if c.dep_ == "poss"), None)
        if poss is None:
            return None
        if poss.lower_ in MALE or poss.lower_ in FEMALE:
            return self._pronoun(poss.i, "m" if poss.lower_ in MALE else "f", follow=False)
        ent = self._entity_at.get(poss.i)
        if ent is None or ent.label_ != "PERSON":
            return None
        k = bisect.bisect_left(self._starts, ent.start)
        return self.mentions[k].person if k < len(self._starts) and self._starts[k] == ent.start else None

    def _kin_of(self, mention: Span, key: str) -> Person | None:
        """"her father": the man the article named as the father of the person "her" stands
        for, or whose daughter or son she was named as."""
        whose = self._owner(mention.root)
        if whose is None:
            return None
        want, gender = KIN_CLASS[key], FAMILY_NOUNS.get(key)
        found = [p for p, cls, of in self._kin if of is whose and cls == want]
        found += [of for p, cls, of in self._kin if p is whose and KIN_INVERSE[cls] == want]
        found = list({id(p): p for p in found if gender is None or p.gender in (None, gender)}.values())
        return found[0] if len(found) == 1 else None

    def _subject_before(self, at: int) -> Span | None:
        """The description ("The designer", not a name) that is the subject of the sentence
        before the one that opens with the pronoun at `at`, in the same or the previous paragraph."""
        doc = self.doc
        sent = doc[at].sent
        if at - sent.start > 2 or sent.start == 0 or self.in_quote[at]:
            return None
        before = doc[sent.start - 1].sent
        subj = next((t for t in before.root.children if t.dep_ == "nsubj"), None)
        if subj is None or subj.pos_ != "NOUN" or subj.tag_ == "NNS" or self.in_quote[subj.i]:
            return None
        return doc[subj.left_edge.i : subj.i + 1]

    def _role(self, mention: Span) -> Person | None:
        """A description such as "the beekeeper", "her son", "the 34-year-old" or "the Russian
        leader": the latest person the article described so, else (for a known role word) the
        latest person whose descriptions share its words."""
        head = mention.root
        if any(t.lower_ in ("a", "an", "one", "some", "several", "another") for t in mention):
            return None  # "a senior official" is unnamed
        if head.tag_ in ("NNS", "NNPS") or head.pos_ in ("PRON", "VERB"):
            return None
        lo, hi = word_span(mention.doc, head.i)
        key = fold(mention.doc[lo:hi].text)
        want = {fold(t.text) for t in mention if t.pos_ in ("ADJ", "NOUN", "PROPN") and not lo <= t.i < hi}
        before = bisect.bisect_left(self._starts, mention.start)
        recent = self.mentions[max(0, before - _ROLE_REACH) : before]
        best, best_score = None, 0.0
        for m in reversed(recent):  # described so: "Rhys Beynon, a beekeeper," -> "the beekeeper"
            if key in m.person.heads:
                score = 1.0 + len(want & m.person.roles) - 0.5 * bool(want and not want & m.person.roles)
                if score > best_score:
                    best, best_score = m.person, score
        if best is not None:
            return best
        for m in self.mentions[before : before + 40]:  # described first, named after
            if key in m.person.heads and m.start - mention.end < 80:
                return m.person
        if key in KIN_CLASS:
            return self._kin_of(mention, key)
        if head.pos_ != "NOUN" or key not in ROLE_NOUNS:
            return None
        for m in reversed(recent):
            roles = m.person.roles
            score = 0.0
            if key in roles or (key == "leader" and roles & LEADER_ROLES):
                score += 1.0
            score += len(want & roles)
            if want and not want & roles:
                score = 0.0 if key not in roles else score - 0.5
            if score > best_score:
                best, best_score = m.person, score
        return best if best_score >= 1.0 else None
