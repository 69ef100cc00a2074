"""Quotation-mark pairing on plain text, with no NLP: which characters open and close a quote.

Works paragraph by paragraph (paragraphs are separated by blank lines), because news style
never lets a quote run across a paragraph break without re-opening it. Rules:

- double marks `"` `“ ”` `„ “` `« »` `‹ ›` (and typewriter `''` and ``` `` ```) pair first; straight `"` take their direction from
  the characters around them;
- single marks `‘ ’` and `'` pair only outside double-quoted text and only where they cannot be
  apostrophes (don't, the Kurds', '90s, rock 'n' roll);
- a quote nested in another is part of it, not a quote of its own;
- a paragraph that opens a quote and does not close it, followed by a paragraph that opens
  again, is a multi-paragraph quote: the open part runs to the end of its paragraph;
- anything that cannot be paired is left out; nothing here ever raises on odd input.

Every step is a single left-to-right scan, so time is linear in the text length.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# opener -> the closers that may end it
_DOUBLE_PAIRS = {
    "“": '”"',  # sloppy text closes “ with a straight mark
    "„": "“”",  # German „…“, Polish „…”
    "«": "»",
    "»": "«",  # Danish/German reversed guillemets »…«
    "‹": "›",
    "‟": "”",
    '"': '"”',
}
_DOUBLE = set('"“”„«»‹›‟')
_OPEN_ONLY = set("“„«‹‟")
_SINGLE = set("'‘’‚")
# The scans below visit only the marks, found by these, not every character of a paragraph.
_DOUBLE_RE = re.compile("[" + "".join(sorted(_DOUBLE)) + "]")
_SINGLE_RE = re.compile("[" + "".join(sorted(_SINGLE)) + "]")
_PARA_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
# Characters that may stand right before an opening mark, or right after a closing one.
_BEFORE_OPEN = set(" \t\n\r\u00a0([{—–-/:;,") | _DOUBLE | _SINGLE
_AFTER_CLOSE = set(" \t\n\r\u00a0)]}—–-/:;,.?!…") | _DOUBLE | _SINGLE
_DECADE_RE = re.compile(r"\d\d(s\b|\b)")  # '90s, '16


@dataclass(frozen=True)
class Pair:
    """A paired quotation: `open`/`close` are the first and last characters of its marks
    (close may be the paragraph end for the open part of a multi-paragraph quote); the quoted
    words are text[start:end]."""

    open: int
    close: int
    start: int
    end: int
    closed: bool  # False for the open part of a multi-paragraph quote


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty paragraph; paragraphs are separated by blank lines."""
    spans, pos = [], 0
    for m in _PARA_RE.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _char(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else " "


def _can_open(text: str, i: int) -> bool:
    return _char(text, i - 1) in _BEFORE_OPEN and not _char(text, i + 1).isspace()


def _can_close(text: str, i: int) -> bool:
    return not _char(text, i - 1).isspace() and (
        _char(text, i + 1) in _AFTER_CLOSE or i + 1 >= len(text)
    )


def _double_pairs(text: str, lo: int, hi: int) -> tuple[list[tuple[int, int]], int | None]:
    """Pair double marks in text[lo:hi]; also return the position of a quote left open."""
    pairs: list[tuple[int, int]] = []
    opener: int | None = None
    last_curly_close = text.rfind("”", lo, hi)
    for m in _DOUBLE_RE.finditer(text, lo, hi):
        i = m.start()
        c = text[i]
        if opener is None:
            if c in _OPEN_ONLY or (c in '"»' and _can_open(text, i)):
                opener = i
            continue
        if c == '"' and text[opener] == "“" and i < last_curly_close:
            continue  # straight marks nested in a curly quote that closes later
        if c in _DOUBLE_PAIRS[text[opener]] and (c != '"' or _can_close(text, i) or not _can_open(text, i)):
            pairs.append((opener, i))
            opener = None
        elif c in _OPEN_ONLY or c == '"':
            opener = i  # the previous opener was never closed: start again here
    return pairs, opener


def _is_apostrophe(text: str, i: int) -> bool:
    before, after = _char(text, i - 1), _char(text, i + 1)
    if before.isalnum() and after.isalnum():  # don't, O'Brien, Erdoğan’s
        return True
    if not before.isalnum() and _DECADE_RE.match(text, i + 1):  # '90s
        return True
    return text[i : i + 3].lower() == "'n'" or text[i - 2 : i + 1].lower() == "'n'"  # rock 'n' roll


def _single_pairs(text: str, lo: int, hi: int, blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pair single marks in text[lo:hi] outside the blocked (double-quoted) ranges."""
    inside = bytearray(hi - lo)
    for a, b in blocked:
        a, b = max(a, lo), min(b + 1, hi)
        if b > a:
            inside[a - lo : b - lo] = b"\x01" * (b - a)
    pairs: list[tuple[int, int]] = []
    opener: int | None = None
    closers: list[int] = []
    for m in _SINGLE_RE.finditer(text, lo, hi):
        i = m.start()
        c = text[i]
        if inside[i - lo] or _is_apostrophe(text, i):
            continue
        if opener is None:
            if c in "‘‚'" and _can_open(text, i):
                opener = i
            continue
        if c in "’'" and _can_close(text, i):
            closers.append(i)
            # A closer after a plural -s may be a possessive (the Kurds' land): keep looking
            # for a later closer before the next opener, and fall back to this one.
            if _char(text, i - 1) in "sz" and _char(text, i + 1) == " " and _char(text, i + 2).isalnum():
                continue
            pairs.append((opener, i))
            opener, closers = None, []
        elif c in "‘‚" or (c == "'" and _can_open(text, i)):
            if closers:
                pairs.append((opener, closers[0]))
            opener, closers = i, []
    if opener is not None and closers:
        pairs.append((opener, closers[0]))
    return pairs


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _starts_with_opener(text: str, lo: int, hi: int) -> bool:
    first = text[lo:hi].lstrip()[:1]
    return first in _OPEN_ONLY or first in "\"'‘"


def find_pairs(text: str) -> list[Pair]:
    """All top-level quotations in `text`, in order of position."""
    # Typewriter double quotes (''word'' and ``word'') become two straight marks, of which the
    # inner one pairs (offsets are unchanged); the pair is then widened to the whole marks.
    original = text
    text = text.replace("''", '""').replace("``", '""')
    paras = paragraphs(text)
    found: list[Pair] = []
    for n, (lo, hi) in enumerate(paras):
        doubles, left_open = _double_pairs(text, lo, hi)
        blocked = doubles + ([(left_open, hi)] if left_open is not None else [])
        singles = _single_pairs(text, lo, hi, blocked)
        spans = sorted(doubles + singles)
        top: list[tuple[int, int]] = []
        for a, b in spans:  # drop nested pairs (sorted by opener, so parents come first)
            if top and a > top[-1][0] and b < top[-1][1]:
                continue
            top.append((a, b))
        for a, b in top:
            s, e = _strip(text, a + 1, b)
            if e > s:
                found.append(Pair(a, b, s, e, True))
        nxt = paras[n + 1] if n + 1 < len(paras) else None
        if left_open is not None and nxt and _starts_with_opener(text, *nxt):
            if not any(a < left_open < b for a, b in top):
                s, e = _strip(text, left_open + 1, hi)
                if e > s:
                    found.append(Pair(left_open, hi, s, e, False))
    found.sort(key=lambda p: p.open)
    return _whole_marks(original, found)


def _whole_marks(text: str, pairs: list[Pair]) -> list[Pair]:
    """Widen pairs of typewriter marks ('' and ``) to both characters, where no neighbouring
    pair uses the other one."""
    out: list[Pair] = []
    for n, p in enumerate(pairs):
        a, b = p.open, p.close
        if a > 0 and text[a - 1 : a + 1] in ("''", "``") and (not out or out[-1].close < a - 1):
            a -= 1
        following = pairs[n + 1].open if n + 1 < len(pairs) else len(text)
        if p.closed and text[b : b + 2] == "''" and b + 1 < following:
            b += 1
        out.append(Pair(a, b, p.start, p.end, p.closed))
    return out

