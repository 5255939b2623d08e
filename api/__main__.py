"""python -m api [--host 127.0.0.1] [--port 8000]: serve the REST API on the library of $PLANS_CORPUS."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    ap.add_argument("--log-level", default="info")
    args = ap.parse_args(argv)
    import uvicorn

    from service.auth import LOCAL_ADDRESSES, TOKEN_VARIABLE

    from .app import create_app

    if args.host not in LOCAL_ADDRESSES and not os.environ.get(TOKEN_VARIABLE):
        print(f"note: serving on {args.host} without ${TOKEN_VARIABLE}: adding plans is refused (401)",
              file=sys.stderr)
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
