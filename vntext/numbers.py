"""Numbers as Vietnamese writes them: "." between thousands, "," before decimals (12.345; 1,5)."""

from __future__ import annotations

import re

__all__ = ["thousands", "parse", "NUMBER"]


def thousands(n: int) -> str:
    """12345 → "12.345"."""
    return f"{n:,}".replace(",", ".")


# A number as the plans write it: "1.200" (thousands), "1,5" / "0,85" (decimals), "07" (zero-padded), "2.539".
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def parse(text: str) -> float:
    """ "1,5" → 1.5; "1.200" → 1200; "74.900" → 74900; "07" → 7; "0,85" → 0.85; "2.539,5" → 2539.5.

    A dot is a thousands separator only before groups of three digits ("1.5" is not a Vietnamese form and is
    refused, as is anything that is not one number)."""
    s = text.strip()
    if not re.fullmatch(NUMBER, s):
        raise ValueError(f"not a Vietnamese number: {text!r}")
    return float(s.replace(".", "").replace(",", "."))
