"""`verify`: was a claimed quotation ever said? The closest indexed quotes, scored and diffed.

The index proposes candidates that share the claim's telling words (`QuoteIndex.similar`);
`wording.similarity` scores each and gives the word-level differences, so a misquote (words
changed, dropped, added, reordered, shortened, misspelt) still finds what was really said.

    >>> with QuoteIndex.open("index") as ix:                       # doctest: +SKIP
    ...     print(verify(ix, "we share the conviction", speaker="Putin").verdict)
    close match
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import QuotesError
from .index import QuoteIndex
from .matching import last_name
from .model import Quote
from .wording import similarity, words

EXACT, CLOSE, NONE = "exact match", "close match", "no match found"
# Below this similarity a quote is not the claimed one, only on the same subject.
CLOSE_ENOUGH = 0.5
# Candidates scored per claim: BM25 puts the right quote in the first few for any claim that
# keeps a handful of its words.
_CANDIDATES = 50


@dataclass
class Match:
    """An indexed quote compared with the claim (see `wording.Comparison`)."""

    quote: Quote
    score: float
    diff: list[tuple[str, str]]

    def to_dict(self) -> dict:
        return {"score": round(self.score, 3), "diff": [list(d) for d in self.diff], "quote": self.quote.to_dict()}


@dataclass
class Verification:
    """The verdict on a claim, its closest quotes (best first) and, when the claim names a
    speaker who did not say the best match, who did (`said_by_other`)."""

    claim: str
    speaker: str | None
    verdict: str
    matches: list[Match] = field(default_factory=list)
    said_by_other: str | None = None

    def to_dict(self) -> dict:
        return {
            "claim": self.claim,
            "speaker": self.speaker,
            "verdict": self.verdict,
            "said_by_other": self.said_by_other,
            "matches": [m.to_dict() for m in self.matches],
        }


def verify(ix: QuoteIndex, claim: str, speaker: str | None = None, limit: int = 3) -> Verification:
    """Compare `claim` with the indexed quotes; `speaker` is who it is attributed to, if anyone.

    The verdict is "exact match" when the claim is a quote or a verbatim excerpt of one (case
    and punctuation aside), "close match" when the best similarity is at least CLOSE_ENOUGH,
    else "no match found". Among equally close quotes, the named speaker's come first, then
    the oldest; copies of one quote in several articles are listed once.
    """
    if len(words(claim)) == 0:
        raise QuotesError("the claimed quote has no words to look for")
    if limit < 1:
        raise QuotesError(f"the number of matches must be 1 or more, not {limit}")
    scored = []
    for quote in ix.similar(claim, limit=_CANDIDATES):
        compared = similarity(claim, quote.text)
        if compared.score > 0:
            scored.append(Match(quote, compared.score, compared.diff))
    scored.sort(key=lambda m: (-round(m.score, 3), not _said_by(m.quote, speaker), m.quote.date or "~"))
    scored = _one_per_group(scored)
    matches = [m for m in scored if m.score >= CLOSE_ENOUGH][:limit]
    if not matches:
        return Verification(claim, speaker, NONE, scored[:limit])
    best = matches[0]
    verdict = EXACT if best.score >= 1.0 else CLOSE
    other = None
    if speaker and not _said_by(best.quote, speaker):
        other = best.quote.speaker or "an unnamed speaker"
    return Verification(claim, speaker, verdict, matches, other)


def _one_per_group(matches: list[Match]) -> list[Match]:
    """The best match of each group of republished copies: one quote, listed once."""
    seen: set[str] = set()
    kept = []
    for m in matches:
        key = m.quote.group or m.quote.id
        if key not in seen:
            seen.add(key)
            kept.append(m)
    return kept


def _said_by(quote: Quote, speaker: str | None) -> bool:
    """Whether the claimed speaker is the quote's: every word of the claimed name in its name
    or mention, or the same last name."""
    if not speaker:
        return False
    known = " ".join(filter(None, (quote.speaker, quote.speaker_mention)))
    named = set(words(known))
    return set(words(speaker)) <= named or last_name(speaker) == last_name(quote.speaker)
