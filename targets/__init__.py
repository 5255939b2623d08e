"""Targets (chỉ tiêu): extracted from every plan, stored with the index, compared and answered.

    from targets import extract, Target
    for t in extract(document): print(t.indicator, t.value_text, t.year, t.citation)
"""

from .extract import EXTRACTOR_VERSION, extract, extract_all
from .keys import key_of, label_of
from .model import COMPARATORS, Target

__all__ = ["Target", "COMPARATORS", "extract", "extract_all", "EXTRACTOR_VERSION", "key_of", "label_of"]
