"""The index backends behind `quotes.index.QuoteIndex`: what they share (base.py) and each
engine's schema, query translation and result shaping (whoosh.py, the embedded default)."""
