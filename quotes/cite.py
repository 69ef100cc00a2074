"""Citations of a quote from a news article, in the styles fact-checkers paste into their work.

Each style cites the speaker's words as quoted in the article (a secondary source): the speaker
and the quote first, then the article as that style's reference list wants it. Missing parts
(no author, no date, no url) are left out the way each style says to.

    >>> q = Quote(id="x", article_id="a", text="We will win,", start=0, end=12, kind="direct",
    ...           speaker="Jane Doe", title="Vote count", source="The Daily", date="2020-01-02")
    >>> cite(q, "plain")
    'Jane Doe, "We will win", Vote count, The Daily, 2020-01-02'
    >>> cite(q, "chicago")
    '“We will win” Jane Doe, quoted in “Vote count,” The Daily, January 2, 2020.'
"""
from __future__ import annotations

import re
from datetime import date, datetime

from .errors import QuotesError
from .model import Quote

STYLES = ("plain", "markdown", "apa", "mla", "chicago")
_MONTHS = "January February March April May June July August September October November December".split()
# MLA 9 abbreviates the months with more than four letters.
_MLA_MONTHS = "Jan. Feb. Mar. Apr. May June July Aug. Sept. Oct. Nov. Dec.".split()


def cite(quote: Quote, style: str = "plain", accessed: date | None = None) -> str:
    """The citation of `quote` in `style` (one of STYLES). `accessed` (default: today) is the
    access date that MLA asks for."""
    if style not in STYLES:
        raise QuotesError(f"unknown citation style {style!r} (styles: {', '.join(STYLES)})")
    return _STYLES[style](quote, accessed or date.today())


def _plain(q: Quote, accessed: date) -> str:
    """`Speaker, "quote", Title, Source, Date, URL` on one line."""
    parts = [q.speaker, f'"{_words(q)}"', q.title, q.source, q.date, q.url]
    return ", ".join(_line(p) for p in parts if p)


def _markdown(q: Quote, accessed: date) -> str:
    """A block quote with its attribution, the article title linked to the article."""
    title = _line(q.title) if q.title else None
    if title and q.url:
        title = f"[{title}]({q.url})"
    elif q.url:
        title = f"<{q.url}>"
    about = [_line(q.speaker) if q.speaker else None, title,
             f"*{_line(q.source)}*" if q.source else None, _long_date(q.date)]
    credit = ", ".join(p for p in about if p)
    return f"> “{_words(q)}”" + (f"\n>\n> — {credit}" if credit else "")


def _apa(q: Quote, accessed: date) -> str:
    """APA 7: the quote cited "as cited in" the article, then the article's reference entry."""
    day = _day(q.date)
    year = str(day.year) if day else "n.d."
    authors = _authors(q.author)
    credit = authors[0][0] if authors else _line(q.title or q.source or "")
    cited = f" ({_line(q.speaker)}, as cited in {credit}, {year})" if q.speaker else f" ({credit}, {year})"
    when = f"({day.year}, {_MONTHS[day.month - 1]} {day.day})" if day else "(n.d.)"
    title = _sentence(q.title) if q.title else None
    if authors:
        names = [f"{last}, {_initials(first)}".rstrip(", ") for last, first in authors]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
        entry = [_sentence(who), when + ".", title, _sentence(q.source) if q.source else None]
    else:  # APA moves the title into the author's place
        entry = [title, when + ".", _sentence(q.source) if q.source else None]
    entry.append(q.url)
    return f"“{_words(q)}”{cited}.\n" + " ".join(p for p in entry if p)


def _mla(q: Quote, accessed: date) -> str:
    """MLA 9: the quote "qtd. in" the article, then its works-cited entry with the access date."""
    authors = _authors(q.author)
    credit = authors[0][0] if authors else (f"“{_line(q.title)}”" if q.title else _line(q.source or ""))
    lead = f"{_line(q.speaker)}: " if q.speaker else ""
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
        entry.append(f"“{_sentence(q.title)}”")
    day = _day(q.date)
    container = [_line(q.source) if q.source else None,
                 f"{day.day} {_MLA_MONTHS[day.month - 1]} {day.year}" if day else None,
                 _bare_url(q.url) if q.url else None]
    if any(container):
        entry.append(", ".join(p for p in container if p) + ".")
    entry.append(f"Accessed {accessed.day} {_MLA_MONTHS[accessed.month - 1]} {accessed.year}.")
    return f"{lead}“{_words(q)}” (qtd. in {credit}).\n" + " ".join(entry)


def _chicago(q: Quote, accessed: date) -> str:
    """Chicago 17 (notes and bibliography): a note citing the speaker "quoted in" the article."""
    names = [f"{first} {last}".strip() for last, first in _authors(q.author)]
    who = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    parts = [who or None, f"“{_line(q.title)},”" if q.title else None,
             _line(q.source) if q.source else None, _long_date(q.date), q.url]
    kept = [p for p in parts if p]
    note = " ".join(p if p.endswith(",”") or p is kept[-1] else p + "," for p in kept)
    note = (note[:-2] + ".”") if note.endswith(",”") else note + "."
    return f"“{_words(q)}” " + (f"{_line(q.speaker)}, quoted in " if q.speaker else "Quoted in ") + note


_STYLES = {"plain": _plain, "markdown": _markdown, "apa": _apa, "mla": _mla, "chicago": _chicago}


def _words(q: Quote) -> str:
    """The quoted words on one line, without trailing commas or colons (the citation ends the
    sentence, not the quote); inner double quotes become single ones."""
    text = _line(q.text).rstrip(",;:").strip()
    return text.replace("“", "‘").replace("”", "’")


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
