"""Tra cứu kế hoạch — the page: `streamlit run app.py`.

Search cited passages, find precedent wording, add plans. Folders: $PLANS_CORPUS, $PLANS_INDEX,
$PLANS_CACHE (see present/indexing.py). All logic worth testing lives in present/.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from index import MODES, Filters, HybridIndex, IndexLoadError
from ingest import issuer
from present import (
    ACCEPTED,
    MAX_BYTES,
    PASSAGE_ID,
    STYLE,
    Paths,
    UploadError,
    check_upload,
    cite,
    closest_wordings,
    diff_html,
    document_html,
    implements_label,
    index_exists,
    passages,
    plan_label,
    rebuild,
    section_label,
    store_upload,
    version,
)
from present.indexing import load as load_index
from present.render import md_escape
from present.results import warm_up

EXAMPLES = ["mục tiêu nước sạch nông thôn 2030", "chỉ tiêu BHXH Đồng Nai 2025", "trach nhiem cua Ban Tuyen giao"]
MODE_LABELS = {"hybrid": "Kết hợp (khuyên dùng)", "bm25": "Theo từ khóa (BM25)", "dense": "Theo ý nghĩa (vector)"}
SCROLL = f"<script>document.getElementById('{PASSAGE_ID}')?.scrollIntoView({{block: 'center'}});</script>"

st.set_page_config(page_title="Tra cứu kế hoạch", page_icon="📑", layout="wide")
st.html(STYLE)
paths = Paths.from_env()
esc = html.escape


@st.cache_resource(max_entries=4, show_spinner="Đang mở chỉ mục…")
def serving_index(index_dir: str, on_disk: str) -> HybridIndex:
    """The index and its model, loaded once per process and version on disk (``on_disk``)."""
    index = load_index(Path(index_dir))
    warm_up(index)
    return index


@st.cache_resource(max_entries=64, show_spinner=False)
def answer(query: str, k: int, mode: str, filters: tuple, index_dir: str, on_disk: str) -> list:
    """Passages for a question, ready to show; the same question is not searched twice."""
    idx = serving_index(index_dir, on_disk)
    return passages(idx.search(query, k=k, mode=mode, filters=Filters(*map(set, filters))), query, idx.embedder)


@st.cache_resource(max_entries=32, show_spinner=False)
def precedents(draft: str, mode: str, filters: tuple, index_dir: str, on_disk: str) -> list:
    """The closest wordings of ``draft`` per plan, among the passages the index finds for it."""
    idx = serving_index(index_dir, on_disk)
    candidates = [idx.chunks[i] for i in idx.scores(draft, mode, Filters(*map(set, filters)))]
    return closest_wordings(draft, candidates, idx.documents)


def build(label: str, embedder=None):
    """Rebuild the index from the corpus folder, showing progress."""
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text="Đang đọc các văn bản…")
        report = rebuild(paths, embedder, progress=lambda done, total: bar.progress(
            done / max(total, 1), text=f"Đang tính vector cho các đoạn văn: {done}/{total}"))
        status.update(label=f"Đã lập chỉ mục {report.documents} văn bản, {report.passages} đoạn "
                      f"({report.seconds:.0f} giây).", state="complete", expanded=False)
    for error in report.errors:
        st.warning(md_escape(f"Bỏ qua: {error}"))
    return report


def document_view(doc, start: int, end: int, query: str = "") -> None:
    st.html(f'<div class="kh-cite">{esc(cite(doc))}</div>'
            f'<div class="kh-section">{esc(doc.meta.get("title", ""))}</div>')
    st.html(f'<div class="kh-doc kh-text">{document_html(doc.text, start, end, query)}</div>{SCROLL}',
            unsafe_allow_javascript=True)


@st.dialog("Toàn văn", width="large")
def show_document(doc_id: str, start: int, end: int, query: str) -> None:
    document_view(idx.documents[doc_id], start, end, query)
    link = "?" + urlencode({"doc": doc_id, "start": start, "end": end})
    st.markdown(f":material/link: [Liên kết tới đoạn này]({link})")


# -- the index: built on first start, loaded once per process ------------------------------------
if not index_exists(paths.index):
    try:
        build(f"Lần chạy đầu: đang lập chỉ mục các kế hoạch trong {paths.corpus} …")
    except (ValueError, OSError) as e:
        st.error(md_escape(f"Chưa lập được chỉ mục từ thư mục {paths.corpus}: {e}"))
        st.stop()
try:
    serving = (str(paths.index), version(paths.index))
    idx = serving_index(*serving)
except IndexLoadError as e:
    st.error(md_escape(f"Không mở được chỉ mục: {e}"))
    if st.button("Lập lại chỉ mục"):
        build("Đang lập lại chỉ mục…")
        st.rerun()
    st.stop()

# -- a whole document: ?doc=ID&start=&end= ---------------------------------------------------------
if "doc" in st.query_params:
    doc = idx.documents.get(st.query_params["doc"])
    start, end = (int(st.query_params.get(k, "")) if st.query_params.get(k, "").isdigit() else 0
                  for k in ("start", "end"))
    if st.button("← Quay lại tra cứu"):
        st.query_params.clear()
        st.rerun()
    if doc is None:
        st.warning("Không tìm thấy văn bản này trong kho (có thể đã bị xoá).")
    else:
        document_view(doc, start, end)
    st.stop()

# -- sidebar: filters ------------------------------------------------------------------------------
docs = sorted(idx.documents.values(), key=plan_label)
with st.sidebar:
    st.header("Bộ lọc")
    plans = st.multiselect("Kế hoạch", [d.id for d in docs], key="f_plans", placeholder="Tất cả kế hoạch",
                           format_func=lambda i: plan_label(idx.documents[i]))
    bodies = st.multiselect("Cơ quan ban hành", sorted({issuer(d.meta) for d in docs} - {""}), key="f_bodies",
                            placeholder="Tất cả cơ quan")
    years = st.multiselect("Năm ban hành", sorted({d.meta.get("year", "") for d in docs} - {""}, reverse=True),
                           key="f_years", placeholder="Mọi năm",
                           help="Văn bản không ghi ngày ban hành sẽ không hiện khi chọn năm.")
    implementing = st.multiselect("Thực hiện văn bản", sorted({c for d in docs for c in d.meta.get("implements", [])}),
                                  key="f_implements", placeholder="Mọi nghị quyết, kết luận",
                                  format_func=implements_label)
    k = st.slider("Số kết quả", 1, 30, 8, key="k")
    mode = st.radio("Cách tìm", MODES, key="mode", format_func=MODE_LABELS.get,
                    help="Kết hợp: từ khóa và ý nghĩa. Từ khóa: đúng chữ. Ý nghĩa: cả khi dùng từ khác.")
    st.divider()
    st.caption(f"Kho gồm {len(idx.documents)} văn bản, {len(idx.chunks)} đoạn. "
               f"Chỉ mục lập lúc {getattr(idx, 'manifest', {}).get('created', '')[:16].replace('T', ' ')}.")
    if st.button("Cập nhật chỉ mục", help=f"Đọc lại thư mục {paths.corpus}: văn bản mới, sửa hay bị xoá."):
        build("Đang cập nhật chỉ mục…", idx.embedder)
        st.rerun()
# Filters (doc_ids, issuers, years, implements), hashable for the caches below.
chosen = tuple(tuple(sorted(f)) for f in (plans, bodies, years, implementing))

# -- main ------------------------------------------------------------------------------------------
st.title(":material/manage_search: Tra cứu kế hoạch")
st.caption("Tìm đoạn văn trả lời câu hỏi trong các kế hoạch, chương trình hành động — kèm trích dẫn: "
           "số, ngày, cơ quan ban hành, mục.")
tab_search, tab_precedent, tab_upload = st.tabs([":material/search: Tra cứu", ":material/compare: Câu chữ tiền lệ",
                                                     ":material/upload_file: Thêm kế hoạch"])

with tab_search:
    query = st.text_input("Câu hỏi", key="q", placeholder="Gõ câu hỏi rồi nhấn Enter — có dấu hay không dấu đều được",
                          label_visibility="collapsed", icon=":material/search:")
    if not query.strip():
        st.markdown("**Thử một câu hỏi:**")
        for col, example in zip(st.columns(len(EXAMPLES)), EXAMPLES, strict=True):
            col.button(example, key=f"ex_{example}", width="stretch",
                       on_click=lambda e=example: st.session_state.update(q=e))
        st.caption("Gõ tắt quen dùng cũng được: BHXH, UBND, LĐTBXH… Mỗi kết quả kèm trích dẫn để dán vào văn bản.")
    else:
        shown = answer(query, k, mode, chosen, *serving)
        if not shown:
            tips = ["dùng ít từ hơn hoặc từ khái quát hơn (ví dụ “nước sạch” thay vì cả câu)",
                    "kiểm tra chính tả — gõ không dấu cũng được"]
            if any(chosen):
                tips.insert(0, "bỏ bớt bộ lọc ở thanh bên trái")
            if mode != "hybrid":
                tips.append(f"chuyển cách tìm sang “{MODE_LABELS['hybrid']}”")
            st.info("**Không tìm thấy đoạn văn nào phù hợp.** Hãy thử: " + "; ".join(tips) + ".")
        else:
            st.caption(f"{len(shown)} đoạn phù hợp nhất. Câu trả lời sát nhất được tô nền vàng, từ khớp in đậm.")
        for p in shown:
            h = p.hit
            with st.container(border=True):
                st.html(f'<div class="kh-cite">{h.rank}. {esc(cite(h.document))}</div>'
                        f'<div class="kh-section">{esc(p.section)}</div><div class="kh-text">{p.html}</div>')
                left, right = st.columns([4, 1], vertical_alignment="center")
                left.code(p.citation, language=None, wrap_lines=True)
                if right.button("Xem toàn văn", key=f"open_{h.chunk.id}", icon=":material/description:"):
                    show_document(h.document.id, h.chunk.start, h.chunk.end, query)

with tab_precedent:
    st.markdown("Dán một câu hoặc đoạn văn đang soạn: trang tìm cách diễn đạt gần nhất trong từng kế hoạch "
                "và đánh dấu từng chữ khác nhau.")
    draft = st.text_area("Câu hoặc đoạn văn cần đối chiếu", key="draft", height=110,
                         placeholder="Ví dụ: Tỷ lệ dân số được cấp nước sạch đạt chuẩn đạt 95%, trong đó khu vực "
                                     "nông thôn đạt 90%.")
    if draft.strip():
        groups = precedents(draft, mode, chosen, *serving)
        if not groups:
            st.info("Chưa thấy câu chữ tương tự trong các kế hoạch. Hãy thử dán một câu ngắn hơn hoặc bỏ bớt bộ lọc.")
        else:
            st.html('<div class="kh-legend">So với đoạn của bạn: <span class="kh-text"><ins>chữ có trong văn bản '
                    'cũ</ins></span> · <span class="kh-text"><del>chữ của bạn mà văn bản cũ không có</del></span></div>')
        for group in groups:
            with st.container(border=True):
                st.html(f'<div class="kh-cite">{esc(cite(group.document))}</div>')
                for w in group.wordings:
                    st.html(f'<div class="kh-section">{esc(section_label(w.chunk))} · giống {w.similarity:.0%}</div>'
                            f'<div class="kh-text">{diff_html(draft, w.text)}</div>')
                    st.code(cite(w.document, w.chunk), language=None, wrap_lines=True)

with tab_upload:
    st.markdown(f"Thêm kế hoạch mới vào kho: tệp {', '.join(ACCEPTED)} (PDF phải có lớp chữ), tối đa "
                f"{MAX_BYTES // 2**20} MB. Tệp được kiểm tra, lưu vào thư mục kho và lập chỉ mục ngay — "
                "tìm được luôn, không cần khởi động lại.")
    for kind, message in st.session_state.pop("upload_messages", []):
        getattr(st, kind)(md_escape(message))
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader("Chọn tệp", type=[s.lstrip(".") for s in ACCEPTED], accept_multiple_files=True,
                             key=f"uploads_{round_}", max_upload_size=MAX_BYTES // 2**20)
    if st.button("Thêm vào kho", type="primary", disabled=not files, icon=":material/upload:"):
        messages, accepted = [], []
        for f in files:
            try:
                checked = check_upload(f.name, f.getvalue(), paths.corpus, idx.documents.values())
                store_upload(checked, paths.corpus)
                accepted.append(checked)
            except (UploadError, OSError) as e:
                messages.append(("error", str(e)))
        if accepted:
            try:
                build(f"Đang lập chỉ mục {len(accepted)} văn bản mới…", idx.embedder)
                messages += [("success", f"Đã thêm “{c.filename}”: {c.citation} — {c.passages} đoạn. "
                                         "Có thể tìm ngay.") for c in accepted]
            except Exception as e:  # the old index stays on disk and in memory: keep serving it
                names = ", ".join(c.filename for c in accepted)
                messages.append(("error", f"Lập chỉ mục thất bại ({type(e).__name__}: {e}). Chỉ mục cũ vẫn đang "
                                          f"phục vụ tìm kiếm. Tệp {names} đã được lưu trong thư mục kho "
                                          f"{paths.corpus} và sẽ được đưa vào ở lần “Cập nhật chỉ mục” sau."))
        st.session_state.update(upload_messages=messages, upload_round=round_ + 1)
        st.rerun()
