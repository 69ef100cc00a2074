"""The matching rules of `quotes evaluate`, pure functions on text and names: which predicted
span matches which gold span, and when a predicted speaker is right.

    >>> trim_span('He said "no."', 8, 12)
    (9, 11)
    >>> speaker_right("Nora Ostrander", [], "Mrs. Ostrander")
    (False, True)
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from typing import Sequence

THRESHOLD = 0.5  # overlap / union needed for a match (compared exactly, in integers)


def _trimmable(ch: str) -> bool:
    # White space, and every punctuation character (Unicode P*), which covers straight and curly
    # quotation marks, guillemets, dashes, brackets, commas and full stops.
    return ch.isspace() or unicodedata.category(ch).startswith("P") or ch == "`"


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without white space, quotation marks or punctuation at either end.

    Offsets are clamped to the text; a span that would become empty is kept as it is.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    lo, hi = start, end
    while lo < hi and _trimmable(text[lo]):
        lo += 1
    while hi > lo and _trimmable(text[hi - 1]):
        hi -= 1
    return (lo, hi) if lo < hi else (start, end)


def match_spans(
    gold: Sequence[tuple[int, int]],
    predicted: Sequence[tuple[int, int]],
    gold_ok: Sequence[bool] | None = None,
    pred_ok: Sequence[bool] | None = None,
) -> list[tuple[int, int, float]]:
    """One-to-one greedy matching of spans with overlap / union >= 0.5, best overlap first.

    Returns (gold index, predicted index, overlap/union). `gold_ok` / `pred_ok` exclude items.
    Candidates are found through a sorted index: a span of length L can only reach 0.5 with spans
    of length <= 2L starting after start - 2L, so the cost is about n log n for news text.
    """
    order = sorted(
        (s, e, j) for j, (s, e) in enumerate(predicted) if (pred_ok is None or pred_ok[j]) and e > s
    )
    starts = [s for s, _, _ in order]
    pairs: list[tuple[float, int, int]] = []
    for i, (gs, ge) in enumerate(gold):
        if (gold_ok is not None and not gold_ok[i]) or ge <= gs:
            continue
        glen = ge - gs
        k = bisect_left(starts, gs - 2 * glen + 1)
        stop = bisect_left(starts, ge)
        for ps, pe, j in order[k:stop]:
            overlap = min(ge, pe) - max(gs, ps)
            if overlap <= 0:
                continue
            union = max(ge, pe) - min(gs, ps)
            if 2 * overlap >= union:  # exact test of overlap / union >= THRESHOLD
                pairs.append((overlap / union, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches = []
    for iou, i, j in pairs:
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        matches.append((i, j, iou))
    return matches



TITLES = frozenset(
    "mr mrs ms miss mx dr prof professor president sen senator gov governor rep representative "
    "rev reverend sir dame lord".split()
)
SUFFIXES = frozenset("jr sr ii iii iv".split())
_APOSTROPHES = re.compile(r"['\u2019\u02bc\u2018`]")


def _words(name: str) -> list[str]:
    s = unicodedata.normalize("NFKD", name.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = _APOSTROPHES.sub("", s)  # O'Dowd = ODowd = O’Dowd
    s = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in s)
    words = s.split()
    # Leading "the" and titles go, unless nothing would be left ("the president" stays "president").
    k = 0
    while k < len(words) - 1 and (words[k] == "the" or words[k] in TITLES):
        k += 1
    words = words[k:]
    # Runs of initials are one word: "T.J. Oakhurst" = "T. J. Oakhurst" = "TJ Oakhurst".
    merged: list[str] = []
    run = ""
    for w in words:
        if len(w) == 1 and w.isalpha():
            run += w
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(w)
    if run:
        merged.append(run)
    return merged


def normalize_speaker(name: str | None) -> str:
    """Case- and accent-folded, leading "the" and titles dropped, punctuation and space collapsed.

    >>> normalize_speaker("Sen. Maris  Dunlevy")
    'maris dunlevy'
    """
    return " ".join(_words(name)) if name else ""


def last_name(name: str | None) -> str:
    """The last word of the normalised name, ignoring suffixes (Jr, Sr, II, III, IV)."""
    words = _words(name) if name else []
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return words[-1] if words else ""


def _head_name(name: str) -> str:
    """A gold source written with its description ("Rolf Emery, a boat builder",
    "Thea Calder (D-Kes.)") names the person before the comma or parenthesis."""
    return re.split(r"[,(]", name, maxsplit=1)[0]


def speaker_right(
    gold: str | None, aliases: Sequence[str], predicted: str | None, mention: str | None = None
) -> tuple[bool, bool]:
    """(strict, lenient) correctness of a predicted speaker. Names that normalise to "" are null.

    Lenient also accepts the predicted mention as written (gold that left "she" unresolved
    is matched by a prediction whose mention is "she", even with no speaker) and a gold name
    with its description cut.
    """
    g, p = normalize_speaker(gold), normalize_speaker(predicted)
    if not g or not p:
        # an unresolved mention ("she" with no speaker) is leniently what gold left unresolved
        lenient = not g and not p or bool(g) and normalize_speaker(mention) == g
        return not g and not p, lenient
    if g == p:
        return True, True
    golds = [n for n in [gold, *aliases] if normalize_speaker(n)]
    golds += [_head_name(n) for n in golds if normalize_speaker(_head_name(n)) not in ("", normalize_speaker(n))]
    gold_forms = {normalize_speaker(n) for n in golds}
    gold_lasts = {last_name(n) for n in golds}
    for guess in (predicted, mention):
        if guess and normalize_speaker(guess) and (
            normalize_speaker(guess) in gold_forms or last_name(guess) in gold_lasts
        ):
            return False, True
    return False, False
