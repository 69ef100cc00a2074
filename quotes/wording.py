"""Word-level comparison of quotations, pure text: the same quote republished (index groups)
and a claimed quote against real ones (`verify`).

Words are compared case-, accent- and punctuation-insensitively, so "Erdoğan's 'plan'" and
"erdogans plan" are the same two words.

    >>> same_quote(words("We will win, and we will stay."), words("we will win and we will"))
    True
    >>> round(similarity("we will never give up", "We will not give up.").score, 2)
    0.74
"""
from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Sequence

from .matching import last_name
from .model import hash_strings

# Words in a row that make a grouping key: shorter quotes group only when equal.
SHINGLE = 5
# How many words may be added or dropped at either end of a republished quote for its keys to
# still meet (truncations keep one end, so they meet at the other).
_END_SLACK = 2
# Function words weigh less in `similarity`, so a fabricated quote does not "match" a real one
# through "we will" and "the".
_LIGHT = frozenset(
    "a an and are as at be been but by for from had has have he her him his i if in into is it"
    " its me my no not of on or our she so that the their them there they this to us was we were"
    " what when which who will with would you your".split()
)
_LIGHT_WEIGHT = 0.2
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class Token(NamedTuple):
    """A word as written (`text`, at `start`:`end`) and as compared (`norm`)."""

    text: str
    norm: str
    start: int
    end: int


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words. Read from its module's file where spaCy is not loaded yet:
    importing `spacy.lang.en` imports all of spaCy, 1.4 s of start-up that commands which only
    read the index (`quotes people`, `quotes person`, `quotes search`) would pay."""
    if "spacy" in sys.modules:
        from spacy.lang.en.stop_words import STOP_WORDS
        return frozenset(STOP_WORDS)
    package = importlib.util.find_spec("spacy")  # (finds the package without importing it)
    spec = importlib.util.spec_from_file_location(
        "_spacy_en_stop_words", Path(package.origin).parent / "lang" / "en" / "stop_words.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@lru_cache(maxsize=1 << 16)  # a page of quotes, or a batch, folds the same words again and again
def fold(word: str) -> str:
    """Case-folded, accents and apostrophes dropped: the form words are compared in."""
    if word.isascii():  # (most words: no accents to drop, and casefold is lower)
        return word.lower().replace("'", "")
    s = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in s if not unicodedata.combining(ch) and ch not in "'’")


def tokens(text: str) -> list[Token]:
    """The words of `text` with their offsets; punctuation and spaces are not words."""
    return [Token(m.group(), fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def words(text: str) -> list[str]:
    """The words of `text` as compared (`fold`), without offsets: what grouping hashes for
    every quote of a batch, so ASCII text takes a shorter path to the same words."""
    if text.isascii():
        said = _WORD.findall(text.lower())
        return [w.replace("'", "") for w in said] if "'" in text else said
    return [fold(w) for w in _WORD.findall(text)]


# --------------------------------------------------------------------------- grouping


def group_keys(quote_words: Sequence[str], speaker: str | None) -> tuple[set[str], set[str]]:
    """(keys, probes) of a quote. Two quotes of one speaker can be the same quote only when the
    keys of one meet the probes of the other: the keys are its first and last `SHINGLE` words,
    the probes the word runs a few words in from either end. No speaker, no grouping."""
    who = _surname(speaker)
    if not who or not quote_words:
        return set(), set()
    n = len(quote_words)
    if n < SHINGLE:
        exact = "e" + hash_strings((who, *quote_words), length=12)
        return {exact}, {exact}

    def run(kind: str, at: int) -> str:
        return kind + hash_strings((who, *quote_words[at:at + SHINGLE]), length=12)

    last = n - SHINGLE
    keys = {run("h", 0), run("t", last)}
    probes = {run("h", i) for i in range(min(_END_SLACK, last) + 1)}
    probes |= {run("t", last - i) for i in range(min(_END_SLACK, last) + 1)}
    return keys, probes


@lru_cache(maxsize=1 << 16)
def _surname(speaker: str | None) -> str:
    """`last_name`, once per speaker of a batch of thousands of quotes, not once per quote."""
    return last_name(speaker)


def same_quote(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two quotes (as `words`) are one quote republished: equal, or the shorter one,
    of at least `SHINGLE` words, is a run of the longer (a truncation, words cut at the ends)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if list(short) == list(long):
        return True
    if len(short) < SHINGLE:
        return False
    first, k = short[0], len(short)
    return any(
        long[i] == first and list(long[i:i + k]) == list(short) for i in range(len(long) - k + 1)
    )


# --------------------------------------------------------------------------- verify


@dataclass
class Comparison:
    """How a claimed quote compares with a real one: `score` in [0, 1] (1: the claim is the
    quote or a verbatim excerpt of it) and the word-level `diff` against the quoted words,
    as (op, text) with op "=" (same), "-" (in the quote, not the claim) or "+" (claimed only)."""

    score: float
    diff: list[tuple[str, str]]
    exact: bool
    # The quote's words before and after the part the claim covers, as written: what an
    # excerpt leaves out.
    before: str = ""
    after: str = ""

    @property
    def excerpt(self) -> bool:
        """An exact claim that leaves words of the quote out."""
        return self.exact and bool(self.before or self.after)


def content_words(text: str) -> list[str]:
    """The words of `text` that are not function words: what identifies a quote."""
    return [w for w in words(text) if w not in _LIGHT]


def similarity(claim: str, quote: str) -> Comparison:
    """Compare a claimed quotation with a real quote, tolerating case, punctuation, spelling
    slips, changed, added, dropped or reordered words, and claims of only part of the quote."""
    said, real = tokens(claim), tokens(quote)
    if not said or not real:
        return Comparison(0.0, [("+", claim.strip())] if claim.strip() else [], False)
    real_norms = _respell([t.norm for t in real], [t.norm for t in said])
    said_norms = [t.norm for t in said]
    matcher = SequenceMatcher(None, said_norms, real_norms, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return Comparison(0.0, [("+", claim.strip())], False)
    lo, hi = blocks[0].b, blocks[-1].b + blocks[-1].size
    matched = sum(_weight(w) for b in blocks for w in said_norms[b.a:b.a + b.size])
    # Claimed words found elsewhere in the quote (another order) count for less, and the
    # compared part of the quote grows to take them in.
    used_said = {b.a + k for b in blocks for k in range(b.size)}
    used_real = {b.b + k for b in blocks for k in range(b.size)}
    moved = 0.0
    for i, word in enumerate(said_norms):
        if i in used_said:
            continue
        spots = [j for j, w in enumerate(real_norms) if w == word and j not in used_real]
        if spots:
            j = min(spots, key=lambda j: max(lo - j, j + 1 - hi, 0))
            used_real.add(j)
            lo, hi = min(lo, j), max(hi, j + 1)
            moved += 0.75 * _weight(word)
    # Recall over the claim counts more than precision over the quoted words it covers (an
    # F2 score): a claim that shares only "will never" with a quote is not that quote.
    found = matched + moved
    recall = found / sum(map(_weight, said_norms))
    precision = found / sum(map(_weight, real_norms[lo:hi]))
    score = 5 * precision * recall / (4 * precision + recall)
    exact = len(blocks) == 1 and blocks[0].size == len(said) and all(
        said[i].norm == real[lo + i].norm for i in range(len(said))
    )
    # Claimed words before the first or after the last shared word stand for as many of the
    # quote's words there: the diff shows both sides of a word changed at either end.
    lo = max(0, lo - blocks[0].a)
    hi = min(len(real), hi + len(said) - (blocks[-1].a + blocks[-1].size))
    before = quote[:real[lo].start].strip().rstrip(",;:—–-").rstrip() if lo else ""
    after = quote[real[hi - 1].end:].lstrip(" \t\n,;:—–-").rstrip(" \t\n,;:") if hi < len(real) else ""
    return Comparison(1.0 if exact else min(score, 0.99), _diff(said, real, lo, hi, real_norms), exact,
                      " ".join(before.split()), " ".join(after.split()))


def _weight(word: str) -> float:
    return _LIGHT_WEIGHT if word in _LIGHT else 1.0


def _respell(real: list[str], said: list[str]) -> list[str]:
    """The real words, each replaced by a claimed word it is a spelling variant of
    ("organisation"/"organization"), so the alignment sees them as the same word."""
    claimed = set(said)
    # (only words of the same first letter can be near: `verify` compares one claim with
    # dozens of quotes, and trying every claimed word was most of its time)
    by_first: dict[str, list[str]] = {}
    for c in claimed:
        by_first.setdefault(c[0], []).append(c)
    out = []
    for word in real:
        if word not in claimed and len(word) >= 4:
            word = next((c for c in by_first.get(word[0], ()) if _near(word, c)), word)
        out.append(word)
    return out


@lru_cache(maxsize=1 << 16)  # (the same pairs again for each candidate of one claim)
def _near(a: str, b: str) -> bool:
    """Within one edit (two for long words) of each other: a misspelling, not another word."""
    limit = 1 if max(len(a), len(b)) < 8 else 2
    if abs(len(a) - len(b)) > limit or a[0] != b[0]:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _diff(said: list[Token], real: list[Token], lo: int, hi: int, real_norms: list[str]) -> list[tuple[str, str]]:
    """The word diff of the claim against the quoted words it covers, as written."""
    said_norms = [t.norm for t in said]
    matcher = SequenceMatcher(None, said_norms, real_norms[lo:hi], autojunk=False)
    out: list[tuple[str, str]] = []

    def put(op: str, toks: Sequence[Token]) -> None:
        if not toks:
            return
        text = " ".join(t.text for t in toks)
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + " " + text)
        else:
            out.append((op, text))

    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "equal":
            put("-", real[lo + b0:lo + b1])
            put("+", said[a0:a1])
            continue
        for mine, theirs in zip(said[a0:a1], real[lo + b0:lo + b1]):
            if mine.norm == theirs.norm:  # else a spelling variant (see _respell)
                put("=", [theirs])
            else:
                put("-", [theirs])
                put("+", [mine])
    return out
