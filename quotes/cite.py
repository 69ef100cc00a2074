"""Citations of a quote from a news article, in the styles fact-checkers paste into their work.

Each style cites the speaker's words as the article carries them (a secondary source): what was
said first, then the article as that style's reference list wants it. Missing parts (no author,
no date, no url) are left out the way each style says to.

Only verbatim words go in quotation marks. A direct quote is cited in marks; an indirect quote
is the article's report in its own words, so it is cited as a paraphrase, the way a writer
reports speech ("Jane Doe said that …"), with no marks of ours; marks the article put around
words inside the report stay, as those words are verbatim. A mixed quote is its fragment in
marks within the clause it stands in. A speaker attributed with a confidence below
`UNCERTAIN` is cited as "(attribution uncertain)".

    >>> q = Quote(id="x", article_id="a", text="We will win,", start=0, end=12, kind="direct",
    ...           speaker="Jane Doe", confidence=0.9, title="Vote count", source="The Daily",
    ...           date="2020-01-02")
    >>> cite(q, "plain")
    'Jane Doe, "We will win", Vote count, The Daily, 2020-01-02'
    >>> cite(q, "chicago")
    '“We will win.” Jane Doe, quoted in “Vote count,” The Daily, January 2, 2020.'
    >>> cite(Quote(**{**q.__dict__, "kind": "indirect", "text": "they would win", "cue": "said"}))
    'Jane Doe said they would win (reported, not verbatim), Vote count, The Daily, 2020-01-02'
"""
from __future__ import annotations

import re
from datetime import date, datetime

from .errors import QuotesError
from .model import Quote

STYLES = ("plain", "markdown", "apa", "mla", "chicago")
# Below this attribution confidence the speaker is cited as uncertain.
UNCERTAIN = 0.5
REPORTED = "reported, not verbatim"
_MONTHS = "January February March April May June July August September October November December".split()
# MLA 9 abbreviates the months with more than four letters.
_MLA_MONTHS = "Jan. Feb. Mar. Apr. May June July Aug. Sept. Oct. Nov. Dec.".split()
# Speech verbs whose report needs an object we do not have ("told reporters that …").
_NEEDS_OBJECT = {"told": "said", "tells": "says", "informed": "said", "assured": "said", "reminded": "said"}
_IRREGULAR = {"saying": "said", "telling": "said", "writing": "wrote", "speaking": "spoke",
              "thinking": "thought", "giving": "gave", "putting": "put"}
# Words APA leaves in lower case inside a title, unless first.
_MINOR = frozenset("a an and as at but by for in nor of on or so the to up yet".split())
_SHORT_TITLE_WORDS = 4
# Words that start a sentence in capitals but not a reported clause.
_OPENERS = frozenset("the a an it its we our they their this these those there he his she her that".split())
# At most this many words between a speech verb and its reported clause are kept with it.
_BRIDGE_WORDS = 5


def cite(quote: Quote, style: str = "plain", accessed: date | None = None) -> str:
    """The citation of `quote` in `style` (one of STYLES). `accessed` (default: today) is the
    access date that MLA asks for."""
    if style not in STYLES:
        raise QuotesError(f"unknown citation style {style!r} (styles: {', '.join(STYLES)})")
    return _STYLES[style](quote, accessed or date.today())


def speaker_label(quote: Quote) -> str | None:
    """The speaker's name as cited: "(attribution uncertain)" added below `UNCERTAIN`."""
    if not quote.speaker:
        return None
    name = _line(quote.speaker)
    return f"{name} (attribution uncertain)" if quote.confidence < UNCERTAIN else name


def reported(quote: Quote) -> str:
    """What a mixed or indirect quote says, as a writer reports it: who, the speech verb, the
    clause, with quotation marks only where the article put them.

    >>> reported(Quote(id="x", article_id="a", text='the plan was "a mistake"', start=0, end=1,
    ...                kind="indirect", speaker="Ann Lee", confidence=0.9, cue="saying",
    ...                sentence='She left, saying that the plan was "a mistake".'))
    'Ann Lee said that the plan was “a mistake”'
    """
    who, verb = speaker_label(quote), _verb(quote.cue)
    sentence = _line(quote.sentence)
    if quote.kind == "mixed":
        clause = _clause(quote, sentence)
        if clause is None:  # no speech verb before it: the article's sentence, as written
            lead = f"{who}, quoted in part" if who else "Quoted in part, without attribution"
            return f"{lead}: {_curl(sentence.rstrip('.'))}" if sentence else f"{lead}: “{_words(quote)}”"
    else:
        clause = _line(quote.text).rstrip(",;:.").strip()
        bridge = None if verb.lower().startswith("according") else _bridge(quote, sentence, clause)
        if bridge:  # the article's own words between verb and clause: "told reporters that"
            verb, clause = _verb(quote.cue, has_object=True), f"{bridge} {clause}"
        elif bridge is None:
            at = sentence.find(clause) if clause else -1
            if at > 0 and re.search(r"\bthat\s*$", sentence[:at], re.IGNORECASE):
                clause = "that " + clause  # the article's own "said that"
    if not who:  # no speaker, so no verb of theirs: the words alone
        if quote.kind == "mixed":
            return f"Quoted without attribution: “{_words(quote)}”"
        return f"The article reports, without saying who, that {_continued(_line(quote.text))}"
    clause = _continued(clause)
    if verb.lower().startswith("according to"):
        return f"According to {who}, {clause}"
    return f"{who} {verb} {clause}"


# --------------------------------------------------------------------------- styles


def _plain(q: Quote, accessed: date) -> str:
    """`Speaker, "quote", Title, Source, Date, URL` on one line; a report without marks."""
    if q.kind == "direct":
        said = [speaker_label(q), '"' + _words(q, single="'") + '"']
    else:
        said = [reported(q).replace("“", '"').replace("”", '"') + (f" ({REPORTED})" if q.kind == "indirect" else "")]
    parts = said + [_before_comma(q.title), q.source, q.date, q.url]
    return ", ".join(_line(p) for p in parts if p)


def _markdown(q: Quote, accessed: date) -> str:
    """A block quote with its attribution, the article title linked to the article; a report
    is a paragraph (a block quote says "these words were said")."""
    title = _line(_before_comma(q.title)) if q.title else None
    if title and q.url:
        title = f"[{title}]({q.url})"
    elif q.url:
        title = f"<{q.url}>"
    where = [title, f"*{_line(q.source)}*" if q.source else None, _long_date(q.date)]
    if q.kind != "direct":
        label = f"{REPORTED}, in " if q.kind == "indirect" else "in "
        article = ", ".join(p for p in where if p)
        return reported(q) + (f" ({label}{article})" if article else f" ({REPORTED})" if q.kind == "indirect" else "")
    credit = ", ".join(p for p in [speaker_label(q), *where] if p)
    return f"> “{_words(q)}”" + (f"\n>\n> — {credit}" if credit else "")


def _apa(q: Quote, accessed: date) -> str:
    """APA 7: the words "as cited in" the article (a secondary source), then the article's
    reference entry. Without an author, the in-text citation is the title's first words."""
    day = _day(q.date)
    year = str(day.year) if day else "n.d."
    authors = _authors(q.author)
    if authors:
        credit = authors[0][0] if len(authors) < 3 else f"{authors[0][0]} et al."
        if len(authors) == 2:
            credit = f"{authors[0][0]} & {authors[1][0]}"
        credit += ","
    elif q.title:
        credit = f"“{_title_case(_short_title(q.title))},”"
    else:
        credit = _line(q.source or "") + ","
    when = f"({day.year}, {_MONTHS[day.month - 1]} {day.day})" if day else "(n.d.)"
    title = _sentence(q.title) if q.title else None
    if authors:
        names = [f"{last}, {_initials(first)}".rstrip(", ") for last, first in authors]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
        entry = [_sentence(who), when + ".", title, _sentence(q.source) if q.source else None]
    else:  # APA moves the title into the author's place
        entry = [title, when + ".", _sentence(q.source) if q.source else None]
    entry.append(q.url)
    if q.kind == "direct":
        who = speaker_label(q)
        said = f"“{_words(q)}” (" + (f"{who}, as cited in " if who else "") + f"{credit} {year})"
    else:
        said = f"{reported(q)} (as cited in {credit} {year})"
    return f"{said}.\n" + " ".join(p for p in entry if p)


def _mla(q: Quote, accessed: date) -> str:
    """MLA 9: quoted words "qtd. in" the article, a report cited to the article itself, then
    its works-cited entry with the access date."""
    authors = _authors(q.author)
    credit = authors[0][0] if authors else (f"“{_short_title(q.title)}”" if q.title else _line(q.source or ""))
    if len(authors) == 2:
        credit = f"{authors[0][0]} and {authors[1][0]}"
    elif len(authors) > 2:
        credit += " et al."
    entry = []
    if authors:
        last, first = authors[0]
        who = f"{last}, {first}".rstrip(", ")
        if len(authors) == 2:
            who += f", and {authors[1][1]} {authors[1][0]}".replace("  ", " ")
        elif len(authors) > 2:
            who += ", et al"
        entry.append(_sentence(who))
    if q.title:
        entry.append(f"“{_nest(_sentence(q.title))}”")
    day = _day(q.date)
    container = [_line(q.source) if q.source else None,
                 f"{day.day} {_MLA_MONTHS[day.month - 1]} {day.year}" if day else None,
                 _bare_url(q.url) if q.url else None]
    if any(container):
        entry.append(", ".join(p for p in container if p) + ".")
    entry.append(f"Accessed {accessed.day} {_MLA_MONTHS[accessed.month - 1]} {accessed.year}.")
    if q.kind == "direct":
        who = speaker_label(q)
        said = (f"{who}: " if who else "") + f"“{_words(q)}” (qtd. in {credit})"
    elif q.kind == "mixed":
        said = f"{reported(q)} (qtd. in {credit})"
    else:
        said = f"{reported(q)} ({credit})"
    return f"{said}.\n" + " ".join(entry)


def _chicago(q: Quote, accessed: date) -> str:
    """Chicago 17 (notes and bibliography): the words, then a note citing the speaker "quoted
    in" the article; a report is cited "as reported in" it."""
    names = [f"{first} {last}".strip() for last, first in _authors(q.author)]
    who = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    title = None
    if q.title:
        title = _nest(_line(q.title))
        title = f"“{title}”" if title.endswith(("?", "!")) else f"“{title.rstrip('.')},”"
    parts = [who or None, title, _line(q.source) if q.source else None, _long_date(q.date), q.url]
    kept = [p for p in parts if p]
    note = " ".join(p if p.endswith("”") or p is kept[-1] else p + "," for p in kept)
    note = (note[:-2] + ".”") if note.endswith(",”") else note if note.endswith(("”", ".")) else note + "."
    if q.kind == "direct":
        words = _words(q)
        if not words.rstrip("’").endswith((".", "?", "!")):  # American style: the stop inside
            bare = words.rstrip("’")
            words = bare + "." + words[len(bare):]
        said = f"“{words}”"
        speaker = speaker_label(q)
        return f"{said} " + (f"{speaker}, quoted in " if speaker else "Quoted in ") + note
    said = reported(q)
    said = said[:-1] + ",”" if said.endswith("”") else said + ","
    return f"{said} as reported in {note}"


_STYLES = {"plain": _plain, "markdown": _markdown, "apa": _apa, "mla": _mla, "chicago": _chicago}


# --------------------------------------------------------------------------- wording


def _words(q: Quote, single: str = "‘") -> str:
    """The quoted words on one line, without trailing commas or colons (the citation ends the
    sentence, not the quote); quotation marks inside them become single ones."""
    return _nest(_line(q.text).rstrip(",;:").strip(), single)


def _nest(text: str, single: str = "‘") -> str:
    """Double quotation marks inside our own become single ones (‘ ’, or ' in plain text)."""
    text = _curl(text)
    if single == "'":
        return text.replace("“", "'").replace("”", "'")
    text = re.sub(r"(?:(?<=^)|(?<=[\s(\[—–-]))'", "‘", text).replace("'", "’")
    return text.replace("“", "‘").replace("”", "’")


def _curl(text: str) -> str:
    """Straight double quotation marks as curly ones: opening after a space or at the start.
    Typewriter pairs (``so'' and ''so'') count as double marks."""
    text = text.replace("``", '"').replace("''", '"')
    return re.sub(r'"', lambda m: "“" if m.start() == 0 or text[m.start() - 1] in " \t([—–-‘" else "”", text)


def _continued(clause: str) -> str:
    """A clause as it continues our sentence: its marks curly, no stop before its closing mark
    (the citation ends the sentence), and lower case if it began the article's sentence
    ("The plan failed, she said")."""
    clause = re.sub(r"[.,;:]+([”’]?)$", r"\1", _curl(clause.strip().rstrip(",;:.")))
    first = clause.split(" ", 1)[0]
    return first.lower() + clause[len(first):] if first.lower() in _OPENERS else clause


def _verb(cue: str | None, has_object: bool = False) -> str:
    """The speech verb as a writer reports with it: finite ("saying" -> "said"), and "said"
    for verbs that want an object ("told") when the report gives none."""
    cue = _line(cue or "")
    if not cue:
        return "said"
    first, _, rest = cue.partition(" ")
    low = first.lower()
    if low == "according":
        return cue
    if low in _NEEDS_OBJECT and not has_object:
        return _NEEDS_OBJECT[low]
    if low.endswith("ing") and len(low) > 4:
        return (_past(low) + " " + rest).strip()
    return cue


def _past(participle: str) -> str:
    """"calling" -> "called", "noting" -> "noted", "replying" -> "replied"."""
    if participle in _IRREGULAR:
        return _IRREGULAR[participle]
    stem = participle[:-3]
    if stem.endswith("e"):
        return stem + "d"
    if stem.endswith("y") and stem[-2:-1] not in "aeiou":
        return stem[:-1] + "ied"
    return stem + "ed"


def _bridge(q: Quote, sentence: str, clause: str) -> str | None:
    """The few words of the sentence between the speech verb and the reported clause ("on
    Monday that", "reporters that", "against"), "" if they touch, None if the verb does not
    come just before the clause."""
    at = sentence.find(clause) if clause else -1
    if at < 0 or not q.cue:
        return None
    before = [m for m in re.finditer(rf"\b{re.escape(_line(q.cue))}\b", sentence[:at])]
    if not before:
        return None
    between = sentence[before[-1].end():at].strip()
    if len(between.split()) > _BRIDGE_WORDS or re.search(r"[,.;:!?\"“”()—–]", between):
        return None
    return between


def _clause(q: Quote, sentence: str) -> str | None:
    """The rest of the sentence after the speech verb that introduces a mixed fragment, the
    fragment in its marks; None when no speech verb comes before it."""
    at = sentence.find(_line(q.text)) if q.text.strip() else -1
    if at < 0 or not q.cue:
        return None
    before = [m for m in re.finditer(rf"\b{re.escape(_line(q.cue))}\b", sentence) if m.end() <= at]
    if not before:
        return None
    return sentence[before[-1].end():].strip(" ,;:—–-").rstrip(".").strip() or None


def _before_comma(text: str | None) -> str | None:
    """A title followed by a comma loses its full stop ("rubble., Politico" is no citation)."""
    return text.rstrip().rstrip(".") if text else text


def _short_title(title: str) -> str:
    """The short title of an in-text citation (APA, MLA): its first few words, without
    trailing punctuation or small words ("and", "of")."""
    found = _line(title).split()[:_SHORT_TITLE_WORDS]
    while len(found) > 1 and found[-1].lower().strip(",.;:") in _MINOR:
        found.pop()
    return _nest(" ".join(found).rstrip(",.;:—–-"))


def _title_case(text: str) -> str:
    """Title case as APA writes a title in the text: major words and the first word after a
    colon capitalised, the rest as written."""
    out: list[str] = []
    for n, word in enumerate(text.split()):
        bare = word.strip("‘’“”'\"(")
        if n and bare.lower() in _MINOR and not out[-1].endswith(":"):
            out.append(word)
            continue
        lead = len(word) - len(word.lstrip("‘’“”'\"("))
        out.append(word[:lead] + word[lead:lead + 1].upper() + word[lead + 1:])
    return " ".join(out)


def _line(text: str) -> str:
    return " ".join(text.split())


def _sentence(text: str, end: str = ".") -> str:
    text = _line(text)
    return text if text.endswith((".", "?", "!")) else text + end


def _day(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _long_date(value: str | None) -> str | None:
    day = _day(value)
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}" if day else value


def _authors(byline: str | None) -> list[tuple[str, str]]:
    """(last name, first names) of each author of a byline ("By Jane Doe and John Roe")."""
    if not byline:
        return []
    byline = re.sub(r"^\s*by\s+", "", byline, flags=re.IGNORECASE)
    out = []
    for name in re.split(r"\s*(?:;|,|\band\b|&)\s*", byline):
        parts = name.split()
        if parts:
            out.append((parts[-1], " ".join(parts[:-1])))
    return out


def _initials(first: str) -> str:
    return " ".join(f"{part[0]}." for part in re.split(r"[\s-]+", first) if part)


def _bare_url(url: str) -> str:
    """MLA leaves out the scheme."""
    return re.sub(r"^https?://", "", url)
