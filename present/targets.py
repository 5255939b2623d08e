"""Targets on the page: the table (and its CSV / Excel downloads), the comparison of one indicator across
plans, and the answer card of a target question. Presentation only: ``service`` finds the targets."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence

from targets import Target, label_of

from .render import to_html
from .xlsx import xlsx_bytes

__all__ = ["COLUMNS", "table_rows", "csv_bytes", "excel_bytes", "comparison_rows", "card_html", "comparable_keys",
           "SORTS", "sort_rows", "plan_name"]

COLUMNS = ("Địa phương", "Chỉ tiêu", "Mục tiêu", "Năm", "Phạm vi", "Kế hoạch", "Mục", "So sánh", "Giá trị", "Đến",
           "Đơn vị", "Giai đoạn", "Khóa chỉ tiêu", "Nguyên văn", "Mã kế hoạch", "Vị trí")
SORTS = {"Kế hoạch, thứ tự trong văn bản": lambda t: (t.doc_id, t.start),
         "Chỉ tiêu": lambda t: (t.key, t.locality, t.year),
         "Năm": lambda t: (t.year or "9999", t.key),
         "Địa phương": lambda t: (t.locality, t.doc_id, t.start),
         "Giá trị (giảm dần)": lambda t: (t.unit, -t.value)}
esc = html.escape


def sort_rows(rows: Iterable[Target], how: str) -> list[Target]:
    return sorted(rows, key=SORTS.get(how, SORTS["Kế hoạch, thứ tự trong văn bản"]))


def indicator(t: Target) -> str:
    return t.label


def plan_name(t: Target) -> str:
    """ "Bắc Giang — Kế hoạch của Ban Thường vụ Tỉnh ủy": the locality first, as a bar's label."""
    return f"{t.locality} — {t.citation}" if t.locality else t.citation


def _row(t: Target) -> list:
    return [t.locality, t.label, t.value_text, t.year, t.scope, t.citation, t.section_no, t.comparator, t.value,
            t.value_max, t.unit, t.period, t.key, t.text, t.doc_id, f"{t.start}:{t.end}"]


def table_rows(rows: Iterable[Target]) -> list[dict]:
    """One dict per target, keyed by ``COLUMNS`` (for ``st.dataframe``)."""
    return [dict(zip(COLUMNS, _row(t), strict=True)) for t in rows]


def csv_bytes(rows: Iterable[Target]) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel reads the Vietnamese letters."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(COLUMNS)
    for t in rows:
        w.writerow(["" if v is None else v for v in _row(t)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def excel_bytes(rows: Iterable[Target]) -> bytes:
    return xlsx_bytes(COLUMNS, (_row(t) for t in rows), sheet="Chỉ tiêu")


def comparable_keys(rows: Sequence[Target]) -> list[tuple[str, str, int]]:
    """(key, label, number of plans) of the indicators stated by at least two plans, most plans first."""
    plans: dict[str, set[str]] = {}
    for t in rows:
        plans.setdefault(t.key, set()).add(t.doc_id)
    keys = [(k, label_of(k), len(p)) for k, p in plans.items() if len(p) >= 2]
    return sorted(keys, key=lambda x: (-x[2], x[1]))


def comparison_rows(rows: Iterable[Target], key: str) -> list[dict]:
    """One bar per target of ``key``: its plan, value, unit, year (the first unit's targets only, so bars
    compare like with like)."""
    chosen = [t for t in rows if t.key == key]
    if not chosen:
        return []
    unit = chosen[0].unit
    return [{"Kế hoạch": plan_name(t), "Giá trị": t.value, "Đến": t.value_max, "Đơn vị": t.unit,
             "Năm": t.year or "—", "Nhãn": t.value_text, "Chỉ tiêu": indicator(t), "Nguyên văn": t.text}
            for t in chosen if t.unit == unit]


def _passage_html(t: Target, document_text: str) -> str:
    passage = document_text[t.passage_start:t.passage_end]
    return to_html(passage, [("best", [(t.start - t.passage_start, t.end - t.passage_start)])])


def card_html(answer, documents: dict) -> str:
    """The answer card: the figures first (one plan: a list; several: a small table), then each plan's
    passage with the target marked, and the citation."""
    rows = list(answer.rows)
    plans = answer.plans
    title = " · ".join(dict.fromkeys(label_of(t.key) for t in rows))
    parts = [f'<div class="kh-card"><div class="kh-card-title">Chỉ tiêu: {esc(title)}</div>']
    if len(plans) == 1:
        t0 = rows[0]
        parts.append(f'<div class="kh-cite">{esc(t0.citation)}{" — " + esc(t0.locality) if t0.locality else ""}'
                     f"</div><ul>")
        for t in rows:
            year = f" <span class='kh-year'>({esc(t.year)})</span>" if t.year else ""
            parts.append(f'<li><b class="kh-value">{esc(t.value_text)}</b>{year} — {esc(indicator(t))}'
                         f' <span class="kh-section">mục {esc(t.section_no)}</span></li>')
        parts.append("</ul>")
    else:
        parts.append('<table class="kh-card-table"><tr><th>Địa phương</th><th>Chỉ tiêu</th><th>Giá trị</th>'
                     "<th>Năm</th><th>Kế hoạch</th></tr>")
        for t in rows:
            parts.append(f"<tr><td>{esc(t.locality or '—')}</td><td>{esc(indicator(t))}</td>"
                         f'<td><b class="kh-value">{esc(t.value_text)}</b></td><td>{esc(t.year or "—")}</td>'
                         f"<td>{esc(t.citation)}, mục {esc(t.section_no)}</td></tr>")
        parts.append("</table>")
    shown = set()
    for t in rows:
        if t.doc_id in shown or t.doc_id not in documents:
            continue
        shown.add(t.doc_id)
        parts.append(f'<div class="kh-section">{esc(t.citation)}, mục {esc(t.section_no)}</div>'
                     f'<div class="kh-card-passage">{_passage_html(t, documents[t.doc_id].text)}</div>')
    parts.append("</div>")
    return "".join(parts)


CARD_STYLE = """<style>
.kh-card { border: 2px solid #f0b429; border-radius: 8px; padding: 0.8rem 1rem; margin-bottom: 1rem;
           background: #fffbea; }
.kh-card-title { font-weight: 700; font-size: 1.1rem; color: #8d2b0b; margin-bottom: 0.4rem; }
.kh-value { font-size: 1.1rem; color: #102a43; }
.kh-card-table { border-collapse: collapse; margin: 0.3rem 0 0.6rem 0; font-size: 0.95rem; }
.kh-card-table th, .kh-card-table td { border: 1px solid #e3d7a8; padding: 0.25rem 0.5rem; text-align: left; }
.kh-card-passage { white-space: pre-wrap; line-height: 1.6; font-size: 0.92rem; color: #1f2933;
                   margin-bottom: 0.5rem; }
.kh-card-passage .best { background: #fff1bf; font-weight: 600; border-radius: 3px; }
</style>"""
