"""What an article says a person is, read from the words around a name: the descriptions a
name carries ("Green councillor Ann Cole", "Rhys Beynon, a beekeeper,", "Lena Ortiz, 34,"), the
family name a given name shares ("Ilse and Joren Varangen"), and the name a description stands in
apposition to ("Tobiah's father, Cosmin Harwell, said"). Pure readers of the parse: the speaker
resolver (speakers.py) keeps the people and mentions and asks these questions.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from .names import (
    COPULAS, FAMILY_NOUNS, KIN_CLASS, ROLE_NOUNS, fold, is_honorific, is_person_noun, is_title_word, name_words,
    word_span, written,
)

if TYPE_CHECKING:
    from .speakers import Mention

# Marks that open or close an apposition: "Her son, Joren Varangen, said", "her father – Ebube Okonjo –".
_APPOSITION = frozenset({",", "–", "—"})


def descriptions(span: Span) -> tuple[set[str], set[str]]:
    """What the article says a named person is, as (head words, all words): a title or role
    before the name ("Green councillor Ann Cole"), an appositive either side ("Rhys Beynon,
    a beekeeper from Powys", "his sister, Ysolde"), a copula ("Threlkeld is the club's captain")
    and an age ("Lena Ortiz, 34," is "the 34-year-old")."""
    heads: set[str] = set()
    words: set[str] = set()
    doc = span.doc
    name = name_words(list(span))[0]
    titles = [t for t in span if name and t.i < name[0].i and not t.is_punct]  # "Mayor Ann Lee"
    if titles:
        heads.add(fold(titles[-1].text).rstrip("."))
        words.update(fold(t.text).rstrip(".") for t in titles)
    i = span.start - 1
    first = True
    while i >= 0 and doc[i].ent_type_ != "PERSON" and (
            doc[i].pos_ in ("PROPN", "ADJ", "NOUN", "NUM") or doc[i].tag_ == "HYPH" and not doc[i].whitespace_):
        lo, _ = word_span(doc, i)
        word = fold(doc[lo : i + 1].text)
        if first and doc[i].pos_ in ("NOUN", "ADJ") or first and word in ROLE_NOUNS:
            heads.add(word)
            first = False
        words.add(word)
        i = lo - 1
    root = span.root

    def describe(head: Token) -> None:
        lo, hi = word_span(doc, head.i)
        heads.add(fold(doc[lo:hi].text))
        words.update(fold(t.text) for t in head.subtree if t.pos_ in ("NOUN", "ADJ", "PROPN") and t.i < hi)

    for child in root.children:
        if child.dep_ == "appos" and child.i > root.i and child.ent_type_ != "PERSON":
            describe(child)
    if root.dep_ == "appos" and root.head.pos_ in ("NOUN", "PROPN") and root.head.ent_type_ != "PERSON":
        describe(root.head)
    elif (span.start >= 2 and doc[span.start - 1].text in _APPOSITION and is_person_noun(doc[span.start - 2])
          and span.end < len(doc) and doc[span.end].text in _APPOSITION):
        describe(doc[span.start - 2])  # "Her son, Joren Varangen," where the parse saw no apposition
    if root.dep_ == "nsubj" and root.head.lower_ in COPULAS:
        for attr in root.head.children:
            if attr.dep_ == "attr" and (attr.pos_ == "NOUN" or is_title_word(attr)):  # "is the Plaid MP"
                describe(attr)
    j = span.end
    if j + 2 < len(doc) and doc[j].text == "," and doc[j + 1].like_num and doc[j + 2].text in (",", "."):
        heads.add(f"{doc[j + 1].text}-year-old")  # "Lena Ortiz, 34,"
    heads.discard("")
    return heads, {w for w in words | heads if w}


def shared_surname(span: Span, is_name: Callable[[int], bool]) -> str | None:
    """The family name a given name written alone shares: "Ilse and Joren Varangen" (Ilse
    Varangen), "the boy's father, Branwen," after "Tobiah Pellow's" (Branwen Pellow)."""
    doc = span.doc
    i = span.end
    before = doc[span.start - 1] if span.start > 0 else None
    surname = is_honorific(span[0].text) or before is not None and (
        is_honorific(before.text) or before.pos_ == "PROPN" and before.is_title)
    if (i + 2 < len(doc) and doc[i].lower_ == "and" and doc[i + 1].is_title and not surname
            and not is_honorific(doc[i + 1].text)):
        # (not "Mr. Kerry and Mr. Obama", nor "Bram Haldane and Ada Okorafor" with "Bram" unseen: surnames)
        j = i + 2
        while j < len(doc) and doc[j].is_title and doc[j].pos_ == "PROPN":
            j += 1
        if j - i >= 3 and not (j < len(doc) and doc[j].tag_ == "POS"):
            return doc[j - 1].text
    root = span.root
    if root.dep_ == "appos" and fold(root.head.text) in FAMILY_NOUNS:
        for poss in root.head.children:
            if poss.dep_ == "poss" and is_name(poss.i):
                return written([poss])
    return None


def apposed(mention: Span, entity_at: Mapping[int, Span], mentions: Sequence[Mention],
            starts: Sequence[int]) -> Mention | None:
    """The mention of the person named in apposition to a description, where the parse does not say so:
    "Tobiah's father, Cosmin Harwell, said", "A partner at Acme Partners, Ms Ann Lee, said",
    "her coach – her father, Ebube Okonjo – said", "A trader, who gave her name as Ondine
    Loveday, said"."""
    doc = mention.doc
    root = mention.root
    if not (root.pos_ == "NOUN" or root.pos_ == "PROPN" and is_title_word(root)) or root.tag_ in ("NNS", "NNPS"):
        return None  # "the Press Officer, Insp Ann Lee," as much as "her son, Per,"
    i, limit = mention.end, min(len(doc), mention.end + 10)
    while i < limit and doc[i].text not in _APPOSITION and doc[i].pos_ not in ("VERB", "AUX"):
        ent = entity_at.get(i)
        if ent is not None and ent.start == i and ent.label_ == "PERSON" and (
                ent.end < len(doc) and doc[ent.end].pos_ in ("VERB", "AUX")):
            k = bisect.bisect_left(starts, i)  # "member for housing Cllr Ann Cole told"
            if k < len(starts) and starts[k] == i:
                return mentions[k]
        i += 1
    if i >= limit or doc[i].text not in _APPOSITION:
        return None
    k = bisect.bisect_left(starts, i + 1)
    for m in mentions[k : k + 4]:
        if m.start > i + 6:
            break
        between = doc[i + 1 : m.start]
        ent = entity_at.get(m.start)
        after = doc[ent.end] if ent is not None and ent.end < len(doc) else None
        if (not m.speaker and after is not None and (after.text in _APPOSITION or after.pos_ in ("VERB", "AUX"))
                and all(t.pos_ in ("DET", "NOUN", "ADJ", "PROPN") and t.ent_type_ != "PERSON" or t.tag_ in ("PRP$", "POS")
                        or t.text == "," or is_honorific(t.text) for t in between)):
            return m
    # "..., who gave her name as Ondine Loveday,": the name it gave
    hi = next((j for j in range(i + 1, min(len(doc), i + 12)) if doc[j].text in _APPOSITION), None)
    if hi is not None and doc[i + 1].lower_ == "who":
        words = [t.lower_ for t in doc[i + 1 : hi]]
        if "name" in words and "as" in words[words.index("name") :]:
            at = i + 1 + words.index("as", words.index("name")) + 1
            for m in mentions[bisect.bisect_left(starts, at) :][:1]:
                if m.start <= at + 1:
                    return m
    return None


def kin_head(span: Span) -> Token | None:
    """The kinship word a name stands in apposition to: "his daughter, Thuy Hoang," and "Thuy
    Hoang, his daughter,", with the comma reading where the parse saw no apposition."""
    doc, root = span.doc, span.root
    if root.dep_ == "appos" and fold(root.head.text) in KIN_CLASS:
        return root.head
    for child in root.children:
        if child.dep_ == "appos" and child.i > root.i and fold(child.text) in KIN_CLASS:
            return child
    if (span.start >= 2 and doc[span.start - 1].text in _APPOSITION and fold(doc[span.start - 2].text) in KIN_CLASS
            and span.end < len(doc) and doc[span.end].text in _APPOSITION):
        return doc[span.start - 2]
    return None
