"""Where things are in one Doc: paragraphs, quotation-mark pairs and the tokens inside them.

Shared by the two stages of the `quotes` component, finding quotations (`component`,
`indirect`) and linking each to its speaker (`attribution`), so neither reaches into the other.
"""
from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span

from . import marks


class Layout:
    """The paragraphs and quotation marks of a Doc, with character <-> token look-ups."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc.text
        self.paras = marks.paragraphs(self.text)
        self.para_starts = [s for s, _ in self.paras]
        self.pairs = marks.find_pairs(self.text)
        self.pair_opens = [p.open for p in self.pairs]  # in order: find_pairs sorts them
        self.in_quote = bytearray(len(doc))  # 1 for tokens inside quotation marks
        self.spans: list[Span | None] = []
        for p in self.pairs:
            span = doc.char_span(p.open, p.close + 1 if p.closed else p.close, alignment_mode="expand")
            self.spans.append(span)
            if span is not None:
                for i in range(span.start, span.end):
                    self.in_quote[i] = 1

    def para(self, char: int) -> int:
        """The index of the paragraph holding a character."""
        return max(0, bisect.bisect_right(self.para_starts, char) - 1)

    def tok(self, char: int) -> int:
        """The index of the token holding a character (0 if none)."""
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span.start if span is not None else 0

    def para_tokens(self, para: int) -> tuple[int, int]:
        """The token range [lo, hi) of a paragraph."""
        start, end = self.paras[para]
        return self.tok(start), self.tok(end) if end < len(self.text) else len(self.doc)

    def pairs_in(self, para: int) -> list[marks.Pair]:
        """The quotation pairs opening in a paragraph, in order."""
        lo, hi = self.paras[para]
        return self.pairs[bisect.bisect_left(self.pair_opens, lo) : bisect.bisect_left(self.pair_opens, hi)]
