"""`verify`: was a claimed quotation ever said? The closest indexed quotes, scored and diffed.

The index proposes candidates that share the claim's telling words (`QuoteIndex.similar`);
`wording.similarity` scores each and gives the word-level differences, so a misquote (words
changed, dropped, added, reordered, shortened, misspelt) still finds what was really said.

    >>> with QuoteIndex.open("index") as ix:                       # doctest: +SKIP
    ...     print(verify(ix, "we share the conviction about Idlib", speaker="Putin").verdict)
    close match
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import QuotesError
from .index import QuoteIndex
from .matching import last_name
from .model import VERBATIM_KINDS, Quote
from .query import Filters
from .wording import content_words, similarity, words

# Verdicts, from the strongest. An excerpt is verbatim but leaves words of the quote out
# (they may change its meaning: the rest is shown); a claim that only an indirect quote matches
# is what the article reports in its own words, not a quotation.
EXACT, EXCERPT, CLOSE = "exact match", "exact excerpt", "close match"
REPORTED, NONE, TOO_SHORT = "reported, not verbatim", "no match found", "too short to verify"
# Below this similarity a quote is not the claimed one, only on the same subject.
CLOSE_ENOUGH = 0.5
# A claim of fewer words, or of fewer words that are not function words, cannot single out a
# quote ("the", "we must", "Syria" are in hundreds); "We will not raise taxes" can.
MIN_WORDS, MIN_CONTENT_WORDS = 4, 2
# Candidates scored per claim: BM25 puts the right quote in the first few for any claim that
# keeps a handful of its words.
_CANDIDATES = 50


@dataclass
class Match:
    """An indexed quote compared with the claim (see `wording.Comparison`): `before` and
    `after` are the quote's words outside the part the claim covers."""

    quote: Quote
    score: float
    diff: list[tuple[str, str]]
    exact: bool = False
    before: str = ""
    after: str = ""

    def to_dict(self) -> dict:
        return {"score": round(self.score, 3), "exact": self.exact, "before": self.before,
                "after": self.after, "diff": [list(d) for d in self.diff], "quote": self.quote.to_dict()}


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

    Only verbatim quotes (direct, mixed) can confirm a claim. The verdict is "exact match"
    when the claim is one, word for word (case and punctuation aside); "exact excerpt" when it
    is a run of its words that leaves some out; "close match" when the best similarity is at
    least CLOSE_ENOUGH. When only an indirect quote is that close, the verdict is "reported,
    not verbatim", that speaker's closest verbatim quotes listed first. Else "no match
    found"; a claim of fewer than MIN_WORDS words, or MIN_CONTENT_WORDS that are not
    function words, is "too short to verify".
    Among equally close quotes, verbatim ones come first, then the named speaker's, then the
    oldest; copies of one quote in several articles are listed once.
    """
    if len(words(claim)) == 0:
        raise QuotesError("the claimed quote has no words to look for")
    if limit < 1:
        raise QuotesError(f"the number of matches must be 1 or more, not {limit}")
    telling = content_words(claim)
    if len(words(claim)) < MIN_WORDS or len(telling) < MIN_CONTENT_WORDS:
        return Verification(claim, speaker, TOO_SHORT)
    scored = []
    for quote in ix.similar(claim, limit=_CANDIDATES):
        c = similarity(claim, quote.text)
        if c.score > 0:
            scored.append(Match(quote, c.score, c.diff, c.exact, c.before, c.after))
    scored.sort(key=lambda m: (-round(m.score, 3), not m.quote.verbatim, not _said_by(m.quote, speaker),
                               m.quote.date or "~"))
    scored = _one_per_group(scored)
    close = [m for m in scored if m.score >= CLOSE_ENOUGH]
    verbatim = [m for m in close if m.quote.verbatim]
    if verbatim:
        best = verbatim[0]
        verdict = (EXCERPT if best.before or best.after else EXACT) if best.exact else CLOSE
        matches = (verbatim + [m for m in close if not m.quote.verbatim])[:limit]
    elif close:
        best = close[0]
        verdict = REPORTED
        own = _verbatim_of(ix, best.quote.speaker, claim, telling)[:limit - 1]
        matches = own + close[:limit - len(own)]
    else:
        return Verification(claim, speaker, NONE, scored[:limit])
    other = None
    if speaker and not _said_by(best.quote, speaker):
        other = best.quote.speaker or "an unnamed speaker"
    return Verification(claim, speaker, verdict, matches, other)


def _verbatim_of(ix: QuoteIndex, speaker: str | None, claim: str, telling: list[str]) -> list[Match]:
    """The speaker's verbatim quotes sharing words with the claim, closest first."""
    if not speaker:
        return []
    query = " OR ".join(sorted(set(telling)))  # folded words: no operator, no syntax
    hits = ix.search(query, Filters(speakers=(speaker,), kinds=VERBATIM_KINDS), limit=_CANDIDATES).hits
    found = []
    for hit in hits:
        if _said_by(hit.quote, speaker):
            c = similarity(claim, hit.quote.text)
            if c.score > 0:
                found.append(Match(hit.quote, c.score, c.diff, c.exact, c.before, c.after))
    found.sort(key=lambda m: -m.score)
    return found


def verdict_line(result: Verification) -> str:
    """The verdict as one sentence, as the CLI and the page print it below the matches."""
    if result.verdict == EXACT:
        return "Exact match."
    if result.verdict == EXCERPT:
        return ("Exact excerpt: the claim is only part of the quote, which goes on (shown above);"
                " what it leaves out may change its meaning.")
    if result.verdict == CLOSE:
        return "Close match (differences shown above)."
    if result.verdict == REPORTED:
        best = next((m for m in result.matches if not m.quote.verbatim), None)
        who = best.quote.speaker if best and best.quote.speaker else "the speaker"
        own = any(m.quote.verbatim for m in result.matches)
        return (f"Reported, not verbatim: the article reports this in its own words; it is not a"
                f" quotation of {who}." + (f" The closest verbatim quotes of {who} are listed first." if own else ""))
    if result.verdict == TOO_SHORT:
        return (f"Too short to verify: a claim needs at least {MIN_WORDS} words, {MIN_CONTENT_WORDS} of them"
                " besides words like “the”, “we” and “will”, to single out a quote.")
    return "No match found."


def left_out(match: Match) -> list[str]:
    """What an exact excerpt leaves out of the quote, as lines: "begins: …", "goes on: …"."""
    if not match.exact:
        return []
    what = "quote" if match.quote.verbatim else "report"
    return ([f"The {what} begins: {match.before} …"] if match.before else []) + (
        [f"The {what} goes on: … {match.after}"] if match.after else [])


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
