"""Who may add plans: holders of the token in ``$PLANS_API_TOKEN``.

The API always asks for it on writes; the page asks for it only when it is served beyond this machine.
Without a token configured, writes through the API (and a public page) are refused.
"""

from __future__ import annotations

import hmac
import os

__all__ = ["TOKEN_VARIABLE", "token_ok", "page_needs_token", "LOCAL_ADDRESSES"]

TOKEN_VARIABLE = "PLANS_API_TOKEN"
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1")


def token_ok(given: str | None) -> bool:
    """True when a token is configured and ``given`` is it (compared in constant time)."""
    expected = os.environ.get(TOKEN_VARIABLE, "")
    return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())


def page_needs_token(address: str | None) -> bool:
    """The page listens on ``address``: anything but loopback (an empty address is every interface)."""
    return (address or "").strip() not in LOCAL_ADDRESSES
