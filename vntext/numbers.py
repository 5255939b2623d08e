"""Numbers as Vietnamese writes them: "." between thousands, "," before decimals (12.345; 1,5)."""

from __future__ import annotations

__all__ = ["thousands"]


def thousands(n: int) -> str:
    """12345 → "12.345"."""
    return f"{n:,}".replace(",", ".")
