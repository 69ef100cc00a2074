"""People across articles: which names of the index are one person, decided from the index.

Each article names its speakers on its own ("Erdogan", "President Obama", "a spokeswoman for
the trust"); this module decides which of those names are one person of the whole index.
It is pure logic over plain records; `people_store` keeps them in SQLite beside the index.

- A name is folded to a key (case, accents, honorifics, trailing cue words of a headline such
  as "Obama Says" dropped) and classed as a person, an organisation, or an unnamed
  description (which is never merged across articles).
- Person names are resolved per surname ("block"). Within a block, the fullest names are
  anchors; a shorter name joins the one anchor it fits ("Tayyip Erdogan" -> "Recep Tayyip
  Erdogan", "Loretta Lynch" -> "Loretta E. Lynch"), and a bare surname joins the anchor its
  own article decides (a full name elsewhere in the article, gender from honorifics and
  pronouns, role), or the only anchor there is; otherwise it is an entry of its own, marked
  ambiguous.
- What a block resolves against (`State`) is made from a `Tally` per full name, not from its
  mentions, so a batch resolves its own mentions, and earlier ones only where the state moved
  under them (a new anchor, or the gender or titles that tell anchors apart): the work of a
  batch follows the names it brings, not the size of the index.
- The user's decisions (pins, in the store) override all of that, and ids stay stable: an
  entry keeps its id while it has quotes, and a new entry takes the id most of its quotes had.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from .cues import PEOPLE_NOUNS, is_speech_form
from .model import Article, Quote, stable_hash
from .names import FEMALE, HONORIFICS, MALE, ROLE_NOUNS, fold
from .wording import stop_words

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
    person: str | None = None  # the person it belongs to
    group: str | None = None  # the group of its block it joined (`group_of`); None when pinned

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.key.split())

    @property
    def given(self) -> tuple[str, ...]:
        return self.tokens[:-1]


def mentions(article: Article, found: Iterable[Quote]) -> dict[str, Mention]:
    """The article's mentions by key, from its attributed quotes and the article's text; with
    the person their quotes carry, if they do (records exported from an index), so that an
    entry they make takes that id again."""
    out: dict[str, Mention] = {}
    genders: dict[str, Counter] = {}
    carried: dict[str, Counter] = {}
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
        if quote.person:  # a record exported from an index: the person it had there
            carried.setdefault(name.key, Counter())[quote.person] += 1
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
        if key in carried:
            m.person = carried[key].most_common(1)[0][0]
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
    that end in its surname ("Bogdan Zawadzki, the city treasurer"), as written, and the
    titles it puts before the name itself ("President", "Mrs.")."""
    fuller: set[str] = set()
    titles: set[str] = set()
    for written in {w for n in mention.names for w in _WORD.findall(n)[-1:]}:
        for run in runs.get(written, ()):
            ends = [i for i, w in enumerate(run[:-1]) if _ends_sentence(w)]
            run = run[ends[-1] + 1:] if ends else run
            titled = [i for i, w in enumerate(run[:-1]) if fold(w) in HONORIFICS or fold(w) in _ROLES]
            run = run[titled[0]:] if titled else run  # "Like President Obama"
            while len(run) > 1 and (run[0].lower() in stop_words() or run[0].lower() in _DETERMINERS):
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


@dataclass
class Tally:
    """What the mentions of one full name bring to the state of their block, kept per name so
    that a batch updates it without reading the block's other mentions: how many mentions
    write it, how many unpinned bare surnames find it written in full in their article, the
    quotes of each gender and the titles of its mentions."""

    key: str
    mentions: int = 0
    evidence: int = 0
    votes: dict[str, int] = field(default_factory=dict)  # "m" or "f" -> quotes
    titles: dict[str, int] = field(default_factory=dict)  # title -> mentions

    def live(self) -> bool:
        return self.mentions > 0 or self.evidence > 0


def tally(tallies: dict[str, Tally], m: Mention, pinned: bool, sign: int = 1) -> None:
    """Count a mention of a person's block into (sign 1) or out of (-1) its tallies."""
    if len(m.tokens) > 1:
        t = tallies.setdefault(m.key, Tally(m.key))
        t.mentions += sign
        if m.gender:
            t.votes[m.gender] = t.votes.get(m.gender, 0) + sign * m.quotes
        for title in m.titles:
            t.titles[title] = t.titles.get(title, 0) + sign
    elif not pinned:  # a name the user decided is not evidence for the others
        for key in set(_evidence(m)):
            tallies.setdefault(key, Tally(key)).evidence += sign


@dataclass(frozen=True)
class State:
    """What the names of a block resolve against: the anchors (full names no fuller name of
    the block extends), those the user pinned to a person, and each anchor's gender and
    titles, from the full names that fit it alone."""

    anchors: frozenset[str]
    fixed: Mapping[str, str]  # anchor -> the person the user decided
    gender: Mapping[str, str | None]
    roles: Mapping[str, frozenset[str]]


def block_state(tallies: Iterable[Tally], fixed: Mapping[str, str]) -> State:
    """The state of a person's block from its tallies and the full names the user pinned."""
    live = [t for t in tallies if t.live()]
    every = {t.key: t.key.split() for t in live} | {k: k.split() for k in fixed}

    def extended(key: str) -> bool:
        tokens = every[key]
        return any(other != key and fits(tokens[:-1], words[:-1]) and _richness(words) > _richness(tokens)
                   for other, words in every.items())

    anchors = frozenset(k for k in every if not extended(k))
    votes: dict[str, Counter] = {a: Counter() for a in anchors}
    roles: dict[str, set[str]] = {a: set() for a in anchors}
    for t in live:
        fitting = _candidates(t.key.split()[:-1], anchors) if t.mentions > 0 else []
        if len(fitting) == 1:
            votes[fitting[0]].update({g: n for g, n in t.votes.items() if n > 0})
            roles[fitting[0]].update(title for title, n in t.titles.items() if n > 0)
    gender = {a: _majority(c) for a, c in votes.items()}
    return State(anchors, {k: p for k, p in fixed.items() if k in anchors}, gender,
                 {a: frozenset(r) for a, r in roles.items()})


def _majority(votes: Counter) -> str | None:
    top = votes.most_common(2)
    if not top or (len(top) > 1 and top[0][1] == top[1][1]):  # no votes, or a tie: not known
        return None
    return top[0][0]


def target(m: Mention, state: State, beside: Sequence[tuple[str, ...]]) -> tuple[str | None, bool]:
    """The anchor a mention of a person's block joins (None: no anchor fits, or several its
    article cannot tell apart), and whether several could be meant. `beside`: the given
    names of the full names its article quotes in the block."""
    if m.key in state.anchors:
        return m.key, False
    # A bare surname is not a full name its own article quotes apart: the article's
    # attribution would have given it that name.
    options = [a for a in _candidates(m.given, state.anchors) if len(m.tokens) > 1 or not any(
        fits(g, a.split()[:-1]) for g in beside)]
    return _fit(m, options, state.gender, state.roles), len(options) > 1


def group_of(block: str, m: Mention, state: State | None, beside: Sequence[tuple[str, ...]]) -> tuple[str, bool]:
    """The group of its block a free mention joins (an anchor's key; "?" and its own key when
    it joins none), and whether it is ambiguous. Organisations join by key; descriptions are
    blocks of one article each."""
    if not block.startswith("p:") or state is None:
        return m.key, False
    anchor, several = target(m, state, beside)
    return (anchor, False) if anchor is not None else ("?" + m.key, several)


def new_ids(block: str, groups: Mapping[str, Sequence[Mention]], ambiguous: Mapping[str, bool],
            taken: set[str]) -> dict[str, str]:
    """Ids for the groups new to a block: the id most of their quotes had before unless
    taken (an entry that grew keeps its id), else one made from the group's key."""
    made: dict[str, str] = {}
    for grp, ms in sorted(groups.items(), key=lambda g: (-sum(m.quotes for m in g[1]), g[0])):
        before: Counter = Counter()
        for m in ms:
            if m.person:
                before[m.person] += m.quotes
        kept = [pid for pid, _ in before.most_common() if pid not in taken]
        key = grp[1:] if grp.startswith("?") else grp
        pid = kept[0] if kept else person_id(block, key, ambiguous.get(grp, False))
        if pid in taken:  # an id made from the key, already in use
            pid = person_id(block, key + "#" + str(len(made)), ambiguous.get(grp, False))
        taken.add(pid)
        made[grp] = pid
    return made


def _evidence(m: Mention) -> list[str]:
    """The keys of the full names a bare surname's article writes (see `_context`)."""
    return [name.key for e in m.evidence if (name := read_name(e)) and name.surname == m.tokens[-1]]


def _candidates(given: Sequence[str], anchors: Iterable[str]) -> list[str]:
    """The anchors a name of these given names can be a shorter writing of."""
    return sorted(a for a in anchors if fits(given, a.split()[:-1]))


def _fit(m: Mention, options: list[str], gender: Mapping[str, str | None],
         roles: Mapping[str, frozenset[str]]) -> str | None:
    """The one anchor of `options` (those the mention can be) it joins, or None (none, or
    several its article cannot tell apart)."""
    if len(m.tokens) == 1 and m.evidence:  # a bare surname: its article decides first
        told = [a for a in options if any(fits(e.split()[:-1], a.split()[:-1]) or
                                          fits(a.split()[:-1], e.split()[:-1]) for e in _evidence(m))]
        options = told or options
    role = {t for t in m.titles if not HONORIFICS.get(t)}
    if role and len(options) > 1:
        options = [a for a in options if roles.get(a, frozenset()) & role] or options
    if m.gender and len(options) > 1:
        options = [a for a in options if gender.get(a) in (m.gender, None)] or options
        options = [a for a in options if gender.get(a) == m.gender] or options
    return options[0] if len(options) == 1 else None


def person_id(block: str, key: str, ambiguous: bool = False) -> str:
    """The id an entry first gets: from its block and key, the same on every machine."""
    return stable_hash(block, key, "?" if ambiguous else "", length=12)


def display_name(weights: Mapping[str, int], told: Iterable[str] = ()) -> str:
    """The fullest writing of the names `weights` (writing -> quotes), accents kept ("Recep
    Tayyip Erdoğan" over "Recep Tayyip Erdogan"), then the most quoted; for a person known by
    surname only, `told` (the full names all their articles write) names them if it is one."""
    told = set(told)
    if len(told) == 1:
        return told.pop()
    if not weights:
        return ""
    return max(weights, key=lambda d: (_richness(d.split()), sum(not c.isascii() for c in d), weights[d], d))
