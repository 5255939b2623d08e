"""The Vietnamese text toolkit: one home for what documents and queries share.

- ``normalize``: NFC, one tone placement, i/y variants (``normalize``); the accent-free view (``fold``);
- ``abbreviations``: what staff type (BHXH, UBND) and their full forms, and the one scan that finds them;
- ``terms``: index terms (syllables, bigrams, words), abbreviations expanded, document codes kept whole;
- ``segment``: underthesea word segmentation, loaded once, with the domain's fixed words;
- ``sentences``: sentence spans of source text;
- ``tokens``: words of source text with their spans and keys, function words;
- ``query``: a question analysed once (cleaned, bounded, normalised, folded, expanded) for ranking and
  highlighting alike.

Ingest, index and present all use these; none keeps a copy of its own.
"""
