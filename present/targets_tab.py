"""The page's "Chỉ tiêu" tab and the answer card of the search tab (Streamlit; rendering in
``present.targets``). Called from app.py: ``targets_tab(lib)``, ``answer_card(lib, query)``."""

from __future__ import annotations

import altair as alt
import streamlit as st

from service import QueryError

from .targets import (
    CARD_STYLE,
    SORTS,
    card_html,
    comparable_keys,
    comparison_rows,
    csv_bytes,
    excel_bytes,
    plan_name,
    sort_rows,
    table_rows,
)

ALL = "Tất cả"


def answer_card(lib, query: str) -> bool:
    """The card first on the search tab when ``query`` asks for a target; True when one was shown."""
    try:
        card = lib.target_answer(query)
    except QueryError:
        return False
    if card is None:
        return False
    st.html(CARD_STYLE + card_html(card, lib.index().documents))
    return True


def targets_tab(lib) -> None:
    everything = lib.all_targets()
    if not everything:
        st.info("Chưa có chỉ tiêu nào: các kế hoạch trong kho không nêu con số mục tiêu, hoặc chỉ mục chưa được lập.")
        return
    st.markdown("Mọi chỉ tiêu định lượng của các kế hoạch: giá trị, năm, phạm vi, nguyên văn và trích dẫn. "
                "Lọc, sắp xếp, tải về; so sánh một chỉ tiêu giữa các kế hoạch ở cuối trang.")
    c1, c2, c3, c4, c5 = st.columns([3, 1, 2, 3, 2])
    words = c1.text_input("Chủ đề", key="t_words", placeholder="vd. nước sạch, BHXH, nhà ở xã hội")
    years = sorted({t.year for t in everything if t.year})
    year = c2.selectbox("Năm", [ALL, *years], key="t_year")
    places = sorted({t.locality for t in everything if t.locality})
    chosen_places = c3.multiselect("Địa phương", places, key="t_places", placeholder=ALL)
    names = {t.doc_id: plan_name(t) for t in everything}
    chosen_plans = c4.multiselect("Kế hoạch", sorted(names), key="t_plans", format_func=names.get, placeholder=ALL)
    how = c5.selectbox("Sắp xếp", list(SORTS), key="t_sort")
    try:
        rows = lib.targets(words, year=None if year == ALL else year, plan=chosen_plans)
    except QueryError as e:
        st.warning(str(e))
        return
    if chosen_places:
        rows = [t for t in rows if t.locality in chosen_places]
    rows = sort_rows(rows, how)
    st.caption(f"{len(rows)} / {len(everything)} chỉ tiêu")
    if rows:
        st.dataframe(table_rows(rows), hide_index=True, width="stretch", key="t_table",
                     column_config={"Nguyên văn": st.column_config.TextColumn(width="large"),
                                    "Chỉ tiêu": st.column_config.TextColumn(width="medium")})
        d1, d2, _ = st.columns([1, 1, 4])
        d1.download_button("Tải CSV", csv_bytes(rows), "chi-tieu.csv", "text/csv", icon=":material/download:")
        d2.download_button("Tải Excel", excel_bytes(rows), "chi-tieu.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/table_view:")
    else:
        st.info("Không có chỉ tiêu nào khớp bộ lọc. Hãy bỏ bớt từ hoặc bộ lọc.")
    st.subheader("So sánh một chỉ tiêu giữa các kế hoạch")
    keys = comparable_keys(everything)
    if not keys:
        st.caption("Chưa có chỉ tiêu nào được hai kế hoạch trở lên cùng nêu.")
        return
    labels = {k: f"{label} — {n} kế hoạch" for k, label, n in keys}
    key = st.selectbox("Chỉ tiêu", list(labels), format_func=labels.get, key="t_compare")
    bars = comparison_rows(everything, key)
    st.caption("Các cách diễn đạt khác nhau của cùng một chỉ tiêu được gộp theo khóa chỉ tiêu (khái niệm + cấp học + "
               f"thành thị/nông thôn): “{key}”. Đơn vị: {bars[0]['Đơn vị'] or '—'}.")
    chart = alt.Chart(alt.Data(values=bars)).mark_bar().encode(
        x=alt.X("Giá trị:Q", title=bars[0]["Đơn vị"] or "giá trị"),
        y=alt.Y("Kế hoạch:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420)),
        color=alt.Color("Năm:N"),
        tooltip=["Kế hoạch:N", "Nhãn:N", "Năm:N", "Nguyên văn:N"],
    ).properties(height=max(120, 46 * len(bars)))
    text = chart.mark_text(align="left", dx=4).encode(text="Nhãn:N", color=alt.value("#102a43"))
    st.altair_chart(chart + text, width="stretch")
    st.dataframe([{k: v for k, v in b.items() if k != "Nhãn"} for b in bars], hide_index=True, width="stretch")
