"""``python -m index targets``: the plans' targets as a readable list, JSON lines or CSV."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from vntext.query import QueryError

from .store import IndexLoadError

CSV_FIELDS = ("doc_id", "locality", "citation", "section_no", "indicator", "key", "comparator", "value",
              "value_max", "unit", "year", "period", "scope", "text", "start", "end")


def run_targets(args) -> int:
    from service import Library, Paths

    library = Library(Paths(Path("corpus"), Path(args.index), Path("data/cache")), dense=False)
    try:
        rows = library.targets(args.query or "", year=args.year, place=args.place, plan=args.plan, key=args.key)
    except (IndexLoadError, QueryError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        for t in rows:
            print(json.dumps({**t.to_dict(), "value_text": t.value_text}, ensure_ascii=False))
    elif args.csv:
        sys.stdout.write("\ufeff")
        w = csv.writer(sys.stdout)
        w.writerow(CSV_FIELDS)
        for t in rows:
            w.writerow([getattr(t, f) if getattr(t, f) is not None else "" for f in CSV_FIELDS])
    else:
        if not rows:
            print("No target matches. Try fewer words, or no --year/--place.")
        plan = None
        for t in rows:
            if t.doc_id != plan:
                plan = t.doc_id
                print(f"\n{t.citation} — {t.locality or '?'} ({t.doc_id})")
            year = f" ({t.year})" if t.year else ""
            print(f"  {t.value_text:>24}{year:8} {t.label}  [mục {t.section_no}; {t.start}:{t.end}]")
        print(f"\n{len(rows)} targets")
    return 0
