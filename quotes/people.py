"""People across articles: which names of the index are one person, decided from the index.

Each article names its speakers on its own ("Erdogan", "President Obama", "a spokeswoman for
the trust"); this module decides which of those names are one person of the whole index.
It is pure logic over plain records; `people_store` keeps them in SQLite beside the index.

- A name is folded to a key (case, accents, honorifics, trailing cue words of a headline such
  as "Obama Says" dropped) and classed as a person, an organisation, or an unnamed
  description (which is never merged across articles).
- Person names are resolved per surname ("block"), so a batch of articles only touches the
  blocks of the names it brings. Within a block, the fullest names are anchors; a shorter
  name joins the one anchor it fits ("Tayyip Erdogan" -> "Recep Tayyip Erdogan", "Loretta
  Lynch" -> "Loretta E. Lynch"), and a bare surname joins the anchor its own article decides
  (a full name elsewhere in the article, gender from honorifics and pronouns, role), or the
  only anchor there is; otherwise it is an entry of its own, marked ambiguous.
- The user's decisions (`Pin`s) override all of that, and ids stay stable: an entry keeps the
  id most of its quotes had before.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from .cues import PEOPLE_NOUNS, is_speech_form
from .model import Article, Quote, stable_hash
from .names import FEMALE, HONORIFICS, MALE, ROLE_NOUNS, fold

PERSON, ORGANISATION, UNNAMED = "person", "organisation", "unnamed"
PEOPLE_KINDS = (PERSON, ORGANISATION, UNNAMED)

# Words that make a name an organisation's ("Ministry of Defence", "Amnesty International").
ORG_WORDS = frozenset("""
ministry department agency office council committee commission party union association institute
university college school company corporation corp inc ltd llc plc group bank police government
administration court parliament congress senate assembly board foundation trust fund organization
organisation league federation news times post press network campaign service services authority
embassy army navy military forces coalition center centre society club bureau international
institution hospital church team movement alliance front television radio agency magazine journal
""".split())
# Words of a title that may stand before a name beside the honorifics ("Secretary of State").
_TITLE_GLUE = frozenset("of the state foreign defense defence interior finance us u.s uk".split())
# Words of a role written before a name ("Republican Donald Trump", "Candidate Smith"): titles.
_ROLES = (ROLE_NOUNS | PEOPLE_NOUNS) - ORG_WORDS
_SUFFIXES = frozenset("jr sr ii iii iv phd md esq".split())
# Lower-case words that belong in names ("Ursula von der Leyen", "Bashar al-Assad").
_PARTICLES = frozenset("de da di du del della der den van von la le al el bin ibn ben dos das st".split())
_DETERMINERS = frozenset("a an the".split())
# A pronoun is never a name: its quote is unattributed (the attribution could not resolve it).
_PRONOUNS = MALE | FEMALE | frozenset("i me we us they them it you one".split())
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_MONTH = re.compile(r"\d{4}-\d{2}")
# Runs of capitalised words: the full names and titles an article writes.
_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Name:
    """One speaker name, read: `key` is what two writings of one name share."""

    display: str  # as written, titles and cue words dropped: "Barack Obama"
    tokens: tuple[str, ...]  # folded words: ("barack", "obama")
    kind: str  # one of PEOPLE_KINDS
    titles: frozenset[str] = frozenset()  # folded titles written before it: {"president"}
    gender: str | None = None  # "m" or "f" from an honorific

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    @property
    def surname(self) -> str:
        return self.tokens[-1]

    @property
    def given(self) -> tuple[str, ...]:
        return self.tokens[:-1]


def read_name(text: str | None) -> Name | None:
    """The name in a speaker string, or None if it holds no words."""
    return _read_name(text) if text else None


@lru_cache(maxsize=1 << 16)  # a batch reads the same few thousand names again and again
def _read_name(text: str) -> Name | None:
    words = [w[:-2] if w.lower().endswith("'s") else w for w in _WORD.findall(text.replace("’", "'"))]
    words = [w for w in words if w.strip(".")]
    if len(words) > 1 and is_speech_form(words[-1]):  # a headline's "Obama Says"
        words = words[:-1]
    if not words or (len(words) == 1 and fold(words[0]) in _PRONOUNS):
        return None
    if len(words) > 1 and words[0] in ("the", "The") and words[1][0].isupper():  # "the Ministry of ..."
        words = words[1:]
    folded = ["".join(fold(w.replace(".", "")).split()) or w for w in words]
    if not words[0][0].isupper():
        return Name(" ".join(words), tuple(folded), UNNAMED)
    if any(f in ORG_WORDS for f in folded) or (len(words) == 1 and _acronym(words[0])):
        return Name(" ".join(words), tuple(folded), ORGANISATION)
    if folded[-1].endswith("s") and folded[-1][:-1] in PEOPLE_NOUNS or (
            len(words) == 1 and folded[0] in _ROLES):  # "Republicans", "Officials", "Official"
        return Name(" ".join(words), tuple(folded), UNNAMED)
    titles: set[str] = set()
    gender = None
    while len(words) > 1 and (folded[0] in HONORIFICS or folded[0] in _TITLE_GLUE or folded[0] in _ROLES):
        if folded[0] in HONORIFICS or folded[0] in _ROLES:
            titles.add(folded[0])
            gender = gender or HONORIFICS.get(folded[0])
        words, folded = words[1:], folded[1:]
    if len(words) > 1 and folded[-1] in _SUFFIXES:  # "Donald Trump Jr." is not his father
        folded = folded[:-2] + [folded[-2] + "_" + folded[-1]]
    proper = [w for w, f in zip(words, folded) if f not in _PARTICLES]
    if (folded[0] in _DETERMINERS or not proper or any(not w[0].isupper() for w in proper)
            or folded[-1] in HONORIFICS):
        return Name(" ".join(words), tuple(fold(text).split()), UNNAMED)
    return Name(" ".join(words), tuple(folded), PERSON, frozenset(titles), gender)


def _acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isupper() and word.isalpha()


def block_of(name: Name, article_id: str) -> str:
    """The names resolved together: one surname; one organisation; one description of one
    article (descriptions are never merged across articles)."""
    if name.kind == PERSON:
        return "p:" + name.surname
    if name.kind == ORGANISATION:
        return "o:" + name.key
    return f"u:{article_id}:{name.key}"


def _word_fits(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def fits(short: Sequence[str], long: Sequence[str]) -> bool:
    """Whether given names `short` can be a shorter writing of `long`: each word in order,
    whole or as an initial ("Loretta" in "Loretta E.", "Tayyip" in "Recep Tayyip")."""
    n = 0
    for word in short:
        while n < len(long) and not _word_fits(word, long[n]):
            n += 1
        if n == len(long):
            return False
        n += 1
    return True


def _richness(tokens: Sequence[str]) -> tuple[int, int]:
    return len(tokens), sum(len(t) for t in tokens)


@dataclass
class Mention:
    """The quotes one article attributes to one name: the unit people are made of."""

    article_id: str
    key: str
    block: str
    kind: str
    display: str  # the fullest writing of the name in the article
    names: list[str]  # every writing of the name in the article (`Name.display`)
    quotes: int
    kinds: dict[str, int]  # quote kind -> quotes
    months: dict[str, int]  # "2019-01" -> quotes
    first: str | None  # date of the article
    source: str | None
    gender: str | None  # from honorifics and pronouns of its quotes
    titles: list[str]
    evidence: list[str]  # for a bare surname: full names of that surname in its article
    person: str | None = None  # the person it belongs to (set by `resolve`)

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.key.split())

    @property
    def given(self) -> tuple[str, ...]:
        return self.tokens[:-1]


def mentions(article: Article, found: Iterable[Quote]) -> dict[str, Mention]:
    """The article's mentions by key, from its attributed quotes and the article's text."""
    out: dict[str, Mention] = {}
    genders: dict[str, Counter] = {}
    for quote in found:
        name = read_name(quote.speaker)
        if name is None:
            continue
        m = out.get(name.key)
        if m is None:
            m = out[name.key] = Mention(
                article.id, name.key, block_of(name, article.id), name.kind, name.display, [],
                0, {}, {}, article.date or quote.date, article.source or quote.source, None,
                [], [])
            genders[name.key] = Counter()
        if name.display not in m.names:  # as written, titles and a headline's verb aside
            m.names.append(name.display)
        if _richness(name.display.split()) > _richness(m.display.split()):
            m.display = name.display
        m.quotes += 1
        m.kinds[quote.kind] = m.kinds.get(quote.kind, 0) + 1
        if quote.date and _MONTH.match(quote.date):
            m.months[quote.date[:7]] = m.months.get(quote.date[:7], 0) + 1
        said = read_name(quote.speaker_mention)
        # Titles of the mention as written: of this very name, or any for a bare surname (a
        # full name's quote written "Mr. Obama" may be anyone's of that surname).
        titles = name.titles | (said.titles if said and said.kind == PERSON and (
            said.key == name.key or len(name.tokens) == 1 and said.surname == name.surname) else frozenset())
        m.titles = sorted(set(m.titles) | titles)
        words = fold(quote.speaker_mention or "").split()
        if words and words[0] in MALE | FEMALE:
            genders[name.key]["m" if words[0] in MALE else "f"] += 1
        for title in titles:  # an honorific says more than a pronoun the attribution chose
            if HONORIFICS.get(title):
                genders[name.key][HONORIFICS[title]] += 3
    runs = _runs(article.text) if any(m.kind == PERSON for m in out.values()) else {}
    for key, m in out.items():
        if m.kind == PERSON:
            fuller, titles = _context(runs, m)
            m.titles = sorted(set(m.titles) | titles)
            for title in titles:
                if HONORIFICS.get(title):
                    genders[key][HONORIFICS[title]] += 3
            if len(m.tokens) == 1:
                m.evidence = fuller
        if genders[key]:
            m.gender = genders[key].most_common(1)[0][0]
    return out


def _runs(text: str) -> dict[str, list[list[str]]]:
    """Each capitalised word of the text (possessive and full stop dropped) -> the runs of up
    to three capitalised words before it, with it: read once per article."""
    out: dict[str, list[list[str]]] = {}
    for match in _RUN.finditer(text or ""):
        words = match.group(0).split()
        for i in range(1, len(words)):
            out.setdefault(_POSSESSIVE.sub("", words[i]).rstrip("."), []).append(words[max(0, i - 3): i + 1])
    return out


def _context(runs: dict[str, list[list[str]]], mention: Mention) -> tuple[list[str], set[str]]:
    """What the article writes around the mention's name (`runs` of its text): the full names
    that end in its surname ("Tomasz Kowalczyk, the city treasurer"), as written, and the
    titles it puts before the name itself ("President", "Mrs.")."""
    fuller: set[str] = set()
    titles: set[str] = set()
    for written in {w for n in mention.names for w in _WORD.findall(n)[-1:]}:
        for run in runs.get(written, ()):
            ends = [i for i, w in enumerate(run[:-1]) if _ends_sentence(w)]
            run = run[ends[-1] + 1:] if ends else run
            titled = [i for i, w in enumerate(run[:-1]) if fold(w) in HONORIFICS or fold(w) in _ROLES]
            run = run[titled[0]:] if titled else run  # "Like President Obama"
            while len(run) > 1 and (run[0].lower() in STOP_WORDS or run[0].lower() in _DETERMINERS):
                run = run[1:]
            name = read_name(" ".join(run))
            if name is None or name.kind != PERSON:
                continue
            if len(name.tokens) > 1 and len(mention.tokens) == 1:
                fuller.add(name.display)
            if name.key == mention.key:
                titles |= name.titles
    return sorted(fuller)[:8], titles


def _ends_sentence(word: str) -> bool:
    """A word with a full stop that is not an initial or an abbreviated title ("China.")."""
    bare = word.rstrip(".")
    return word.endswith((".", "!", "?", ":", ";")) and len(bare) > 1 and fold(bare) not in HONORIFICS


@dataclass(frozen=True)
class Pin:
    """A user's decision: the mentions of `key` (in `article_id`, or in any article when it
    is "") belong to `person`."""

    article_id: str
    key: str
    person: str


@dataclass
class Entry:
    """A person resolution made (the store counts and names it from its mentions)."""

    id: str
    ambiguous: bool = False


def resolve(block: str, found: Sequence[Mention], pins: Sequence[Pin] = ()) -> list[Entry]:
    """The people of one block: sets `person` on every mention and returns the entries made.
    An entry's id is the one most of its quotes had before, else made from its key."""
    by_article = {(p.article_id, p.key): p.person for p in pins}
    pinned: dict[str, list[Mention]] = {}
    free: list[Mention] = []
    for m in found:
        person = by_article.get((m.article_id, m.key)) or by_article.get(("", m.key))
        if person:
            pinned.setdefault(person, []).append(m)
        else:
            free.append(m)
    if not block.startswith("p:"):
        groups = [(m.key, False, [m]) for m in free] if block.startswith("u:") else (
            [(free[0].key, False, free)] if free else [])
        return _entries(block, groups, pinned)
    anchors, fixed = _anchors(free, pins, pinned)
    groups: dict[str, tuple[str, bool, list[Mention]]] = {a: (a, False, []) for a in anchors}
    gender = _genders([*free, *(m for ms in pinned.values() for m in ms)], anchors)
    roles = _roles([*free, *(m for ms in pinned.values() for m in ms)], anchors)
    beside: dict[str, list[tuple[str, ...]]] = {}  # article -> the full names it quotes
    for m in [*free, *(x for ms in pinned.values() for x in ms)]:
        if len(m.tokens) > 1:
            beside.setdefault(m.article_id, []).append(m.given)
    for m in free:
        # A bare surname is not a full name its own article quotes apart: the article's
        # attribution would have given it that name.
        options = [a for a in _candidates(m, anchors) if len(m.tokens) > 1 or not any(
            fits(g, a.split()[:-1]) for g in beside.get(m.article_id, ()))]
        target = m.key if m.key in anchors else _fit(m, options, gender, roles)
        if target is not None:
            groups[target][2].append(m)
        else:
            groups.setdefault("?" + m.key, (m.key, len(options) > 1, []))[2].append(m)
    for anchor, person in fixed.items():  # joined a name the user decided: theirs
        if anchor in groups:
            pinned.setdefault(person, []).extend(groups.pop(anchor)[2])
    return _entries(block, [g for g in groups.values() if g[2]], pinned)


def _anchors(free: Sequence[Mention], pins: Sequence[Pin], pinned: Mapping[str, list[Mention]],
             ) -> tuple[set[str], dict[str, str]]:
    """Full names (two words or more) that no other full name of the block extends; and
    those of them the user pinned to a person."""
    fixed = {p.key: p.person for p in pins if p.article_id == "" and len(p.key.split()) > 1}
    for person, ms in pinned.items():
        for m in ms:
            if len(m.tokens) > 1:
                fixed.setdefault(m.key, person)
    every = {m.key for m in free if len(m.tokens) > 1} | set(fixed) | {
        e for m in free for e in _evidence(m)}

    def extended(key: str) -> bool:
        tokens = key.split()
        return any(other != key and fits(tokens[:-1], other.split()[:-1])
                   and _richness(other.split()) > _richness(tokens) for other in every)

    anchors = {k for k in every if not extended(k)}
    return anchors, {k: p for k, p in fixed.items() if k in anchors}


def _evidence(m: Mention) -> list[str]:
    """The keys of the full names a bare surname's article writes (see `_context`)."""
    return [name.key for e in m.evidence if (name := read_name(e)) and name.surname == m.tokens[-1]]


def _candidates(m: Mention, anchors: set[str]) -> list[str]:
    """The anchors a name can be a shorter writing of."""
    given = m.tokens[:-1]
    return sorted(a for a in anchors if fits(given, a.split()[:-1]))


def _fit(m: Mention, options: list[str], gender: Mapping[str, str | None],
         roles: Mapping[str, set[str]]) -> str | None:
    """The one anchor of `options` (those the mention can be) it joins, or None (none, or
    several its article cannot tell apart)."""
    if len(m.tokens) == 1 and m.evidence:  # a bare surname: its article decides first
        told = [a for a in options if any(fits(e.split()[:-1], a.split()[:-1]) or
                                          fits(a.split()[:-1], e.split()[:-1]) for e in _evidence(m))]
        options = told or options
    role = {t for t in m.titles if not HONORIFICS.get(t)}
    if role and len(options) > 1:
        options = [a for a in options if roles.get(a, set()) & role] or options
    if m.gender and len(options) > 1:
        options = [a for a in options if gender.get(a) in (m.gender, None)] or options
        options = [a for a in options if gender.get(a) == m.gender] or options
    return options[0] if len(options) == 1 else None


def _genders(found: Iterable[Mention], anchors: set[str]) -> dict[str, str | None]:
    """Each anchor's gender, from the full names that fit it alone."""
    votes: dict[str, Counter] = {a: Counter() for a in anchors}
    for m in found:
        fitting = _candidates(m, anchors) if len(m.tokens) > 1 else []
        if m.gender and len(fitting) == 1:
            votes[fitting[0]][m.gender] += m.quotes
    return {a: (c.most_common(1)[0][0] if c else None) for a, c in votes.items()}


def _roles(found: Iterable[Mention], anchors: set[str]) -> dict[str, set[str]]:
    """Each anchor's titles ("president"), from the full names that fit it alone."""
    roles: dict[str, set[str]] = {a: set() for a in anchors}
    for m in found:
        fitting = _candidates(m, anchors) if len(m.tokens) > 1 else []
        if len(fitting) == 1:
            roles[fitting[0]].update(m.titles)
    return roles


def _entries(block: str, groups: Iterable[tuple[str, bool, list[Mention]]],
             pinned: Mapping[str, list[Mention]]) -> list[Entry]:
    """Entries with stable ids: the id most of the group's quotes had, unless taken."""
    made: list[Entry] = []
    taken = set(pinned)
    ordered = sorted(groups, key=lambda g: -sum(m.quotes for m in g[2]))
    for key, ambiguous, ms in ordered:
        before = Counter()
        for m in ms:
            if m.person:
                before[m.person] += m.quotes
        kept = [pid for pid, _ in before.most_common() if pid not in taken]
        pid = kept[0] if kept else person_id(block, key, ambiguous)
        if pid in taken:  # an id made from the key, already in use
            pid = person_id(block, key + "#" + str(len(made)), ambiguous)
        taken.add(pid)
        for m in ms:
            m.person = pid
        made.append(Entry(pid, ambiguous))
    for pid, ms in pinned.items():
        for m in ms:
            m.person = pid
    return made


def person_id(block: str, key: str, ambiguous: bool = False) -> str:
    """The id an entry first gets: from its block and key, the same on every machine."""
    return stable_hash(block, key, "?" if ambiguous else "", length=12)


def display_name(ms: Sequence[Mention]) -> str:
    """The fullest writing, accents kept ("Recep Tayyip Erdoğan" over "Recep Tayyip
    Erdogan"), then the most quoted."""
    if ms and all(len(m.tokens) == 1 for m in ms):  # known by surname: named by its articles
        common = set.intersection(*(set(m.evidence) for m in ms))
        if len(common) == 1:
            return common.pop()
    weight: Counter = Counter()
    for m in ms:
        weight[m.display] += m.quotes
    if not weight:
        return ""
    return max(weight, key=lambda d: (_richness(d.split()), sum(not c.isascii() for c in d), weight[d], d))
