"""Tra cứu kế hoạch — the page: `streamlit run app.py` (or scripts/app.sh).

Search cited passages, find precedent wording, add plans. A door onto ``service.Library`` (folders from
$PLANS_CORPUS, $PLANS_INDEX, $PLANS_CACHE): the page only lays out what the service returns, rendered by
``present``. When the page is served beyond this machine, adding plans needs $PLANS_API_TOKEN.
"""

from __future__ import annotations

import html
import time
from urllib.parse import urlencode

import streamlit as st

from ingest.metadata import body_with_locality
from ingest.summary import lines_vi
from present import (
    PASSAGE_ID,
    STYLE,
    cite,
    diff_html,
    document_html,
    implements_label,
    locality_label,
    md_escape,
    passage,
    plan_label,
    section_label,
    usage_html,
)
from present.targets_tab import answer_card, targets_tab
from service import ACCEPTED, MAX_BYTES, MODES, Filters, IndexBusy, IndexLoadError, Library, Paths, QueryError
from service.auth import page_needs_token, token_ok
from service.library import serve_from_env
from service.places import locality_options
from service.precedent import usage
from vntext.numbers import thousands

EXAMPLES = ["mục tiêu nước sạch nông thôn 2030", "chỉ tiêu BHXH Đồng Nai 2025", "trach nhiem cua Ban Tuyen giao"]
MODE_LABELS = {"hybrid": "Kết hợp (khuyên dùng)", "bm25": "Theo từ khóa (BM25)", "dense": "Theo ý nghĩa (vector)"}
SCROLL = f"<script>document.getElementById('{PASSAGE_ID}')?.scrollIntoView({{block: 'center'}});</script>"

st.set_page_config(page_title="Tra cứu kế hoạch", page_icon="📑", layout="wide")
st.html(STYLE)
esc = html.escape


@st.cache_resource(show_spinner=False)
def library(paths: Paths) -> Library:
    """The library of ``paths``, one per process: its index and model are loaded once and shared by all
    sessions. Keyed by the folders, so a change of $PLANS_* (tests, staging) is not served the old one."""
    return Library(paths, serve=serve_from_env())


lib = library(Paths.from_env())


@st.cache_resource(max_entries=64, show_spinner=False)
def answer(query: str, k: int, mode: str, filters: Filters, places: bool, on_disk: str):
    """Passages for a question, ready to show; the same question is not searched twice per index version."""
    result = lib.search(query, k=k, mode=mode, filters=filters, places=places, group=True)
    return result.mode, [passage(h) for h in result.hits], result.scope


@st.cache_resource(max_entries=32, show_spinner=False)
def precedents(draft: str, mode: str, filters: Filters, on_disk: str) -> list:
    """The closest wordings of ``draft`` per plan, among the passages the index finds for it."""
    return lib.precedent(draft, mode, filters)


def progress_bar(bar):
    return lambda done, total: bar.progress(done / max(total, 1), text=f"Đang tính vector cho các đoạn văn: "
                                                                       f"{done}/{total}")


def progress_label(build: dict) -> str:
    """ "Đã tính vector 4.200/35.000 đoạn" from a build's status."""
    return f"Đã tính vector {thousands(build['done'])}/{thousands(build['total'])} đoạn"


def build(label: str, add: list | None = None):
    """Rebuild the index from the corpus folder (after storing ``add``: (name, bytes) files), with progress.
    Returns the service's report (``AddReport`` when adding)."""
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text="Đang đọc các văn bản…")
        if add is not None:
            result = lib.add(add, progress=progress_bar(bar))
            report = result.build
        else:
            result = report = lib.build(progress=progress_bar(bar))
        if report is not None:
            status.update(label=f"Đã lập chỉ mục {report.documents} văn bản, {report.passages} đoạn "
                          f"({report.seconds:.0f} giây).", state="complete", expanded=False)
        else:
            status.update(label="Chưa lập lại chỉ mục.", state="error", expanded=False)
    return result


def document_view(doc, start: int, end: int, query: str = "") -> None:
    st.html(f'<div class="kh-cite">{esc(cite(doc))}</div>'
            f'<div class="kh-section">{esc(doc.meta.title)}</div>')
    st.html(f'<div class="kh-doc kh-text">{document_html(doc.text, start, end, query)}</div>{SCROLL}',
            unsafe_allow_javascript=True)


@st.dialog("Toàn văn", width="large")
def show_document(doc_id: str, start: int, end: int, query: str) -> None:
    document_view(lib.document(doc_id), start, end, query)
    link = "?" + urlencode({"doc": doc_id, "start": start, "end": end})
    st.markdown(f":material/link: [Liên kết tới đoạn này]({link})")


def first_build() -> None:
    """Start the first build in the background and wait until the library is searchable: by keywords
    within a minute for a large library (the vectors follow, see ``vector_progress``), completely for a
    small one. Another process already building it is waited for too."""
    lib.build_in_background()
    with st.status(f"Lần chạy đầu: đang lập chỉ mục các kế hoạch trong {lib.paths.corpus} …",
                   expanded=True) as status:
        bar = st.progress(0.0, text="Đang đọc các văn bản…")
        while not lib.exists() and (lib.building() or "writer" in lib.status()):
            b = lib.status().get("build", {})
            if b.get("total"):
                bar.progress(b["done"] / b["total"], text=progress_label(b))
            time.sleep(0.3)
        p = lib.progress
        if not lib.exists():
            status.update(label="Chưa lập được chỉ mục.", state="error")
            st.error(md_escape(f"Chưa lập được chỉ mục từ thư mục {lib.paths.corpus}: "
                               f"{p.error if p else 'không rõ lý do'}"))
            st.stop()
        done = p.report if p is not None and p.report is not None else None
        label = (f"Đã lập chỉ mục {done.documents} văn bản, {done.passages} đoạn ({done.seconds:.0f} giây)."
                 if done else "Đã lập chỉ mục theo từ khóa; đang tính vector cho các đoạn văn.")
        status.update(label=label, state="complete", expanded=False)


def build_notes() -> None:
    """What the last build in this process read and left out ("Bỏ qua: …"), shown on every run until the next
    build, so a rerun does not erase it."""
    done = lib.progress.report if lib.progress is not None else None
    if done is None or not (done.errors or done.summary):
        return
    if done.summary:
        st.caption(md_escape(lines_vi(done.summary)))
    for error in done.errors:
        st.warning(md_escape(f"Bỏ qua: {error}"))


@st.fragment(run_every=3)
def vector_progress(version: str) -> None:
    """While the vectors of a keyword-only index are computed: how far, and which search serves. When the
    complete index is swapped in, the page reruns on it (no restart)."""
    if lib.version != version:
        st.rerun()
    build = lib.status().get("build", {})
    if build.get("running") and build.get("total"):
        st.caption(f"{progress_label(build)} — đang tìm theo từ khóa.")


# -- the index: built on first start, loaded once per process ------------------------------------
if not lib.exists():
    first_build()
try:
    with st.spinner("Đang mở chỉ mục…"):
        idx = lib.index()
except IndexLoadError as e:
    st.error(md_escape(f"Không mở được chỉ mục: {e}"))
    if st.button("Lập lại chỉ mục"):
        build("Đang lập lại chỉ mục…")
        st.rerun()
    st.stop()
on_disk = lib.version  # the caches below follow the index on disk
if idx.modes == ("bm25",):
    with st.sidebar:
        vector_progress(on_disk)

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
    bodies = st.multiselect("Cơ quan ban hành", sorted({body_with_locality(d.meta) for d in docs} - {""}),
                            key="f_bodies", placeholder="Tất cả cơ quan")
    years = st.multiselect("Năm ban hành", sorted({d.meta.year for d in docs} - {""}, reverse=True),
                           key="f_years", placeholder="Mọi năm",
                           help="Văn bản không ghi ngày ban hành sẽ không hiện khi chọn năm.")
    localities = st.multiselect("Địa phương", locality_options(docs), key="f_localities",
                                placeholder="Mọi địa phương", format_func=locality_label,
                                help="Tỉnh gồm cả kế hoạch của các huyện, xã trong tỉnh; tên tỉnh mới (từ 1/7/2025) gồm "
                                     "cả kế hoạch của các tỉnh cũ sáp nhập vào. Văn bản không ghi địa phương sẽ không "
                                     "hiện khi chọn địa phương.")
    implementing = st.multiselect("Thực hiện văn bản", sorted({c for d in docs for c in d.meta.implements}),
                                  key="f_implements", placeholder="Mọi nghị quyết, kết luận",
                                  format_func=implements_label)
    k = st.slider("Số kết quả", 1, 30, 8, key="k")
    mode = st.radio("Cách tìm", MODES, key="mode", format_func=MODE_LABELS.get,
                    help="Kết hợp: từ khóa và ý nghĩa. Từ khóa: đúng chữ. Ý nghĩa: cả khi dùng từ khác.")
    st.divider()
    st.caption(f"Kho gồm {len(idx.documents)} văn bản, {len(idx.chunks)} đoạn. "
               f"Chỉ mục lập lúc {getattr(idx, 'manifest', {}).get('created', '')[:16].replace('T', ' ')}.")
    if st.button("Cập nhật chỉ mục", help=f"Đọc lại thư mục {lib.paths.corpus}: văn bản mới, sửa hay bị xoá."):
        try:
            build("Đang cập nhật chỉ mục…")
        except IndexBusy as e:
            st.warning(md_escape(f"Đang có tiến trình khác cập nhật chỉ mục, hãy thử lại sau ({e})."))
        else:
            st.rerun()
    build_notes()
chosen = Filters.of(doc_ids=plans, issuers=bodies, years=years, implements=implementing, localities=localities)

# -- main ------------------------------------------------------------------------------------------
st.title(":material/manage_search: Tra cứu kế hoạch")
st.caption("Tìm đoạn văn trả lời câu hỏi trong các kế hoạch, chương trình hành động — kèm trích dẫn: "
           "số, ngày, cơ quan ban hành, mục.")
tab_search, tab_targets, tab_precedent, tab_upload = st.tabs(
    [":material/search: Tra cứu", ":material/table_chart: Chỉ tiêu", ":material/compare: Câu chữ tiền lệ",
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
        places = st.session_state.get("places_off") != query  # the chip was removed for this question
        try:
            served, shown, scope = answer(query, k, mode, chosen, places, on_disk)
        except QueryError as e:
            st.warning(md_escape(str(e)))
            served, shown, scope = mode, None, None
        if scope is not None and scope.docs:
            st.button(f"Chỉ kế hoạch của: {', '.join(scope.names)} ✕", key="place_chip", type="tertiary",
                      help="Bỏ giới hạn địa phương: tìm trong mọi kế hoạch",
                      on_click=lambda q=query: st.session_state.update(places_off=q))
        elif scope is not None:
            st.caption(md_escape(f"Kho chưa có kế hoạch của {', '.join(scope.names)}: đang tìm trong mọi kế hoạch."))
        if shown is not None:
            answer_card(lib, query)  # a question asking for a target: its figures first (present/targets_tab.py)
        if served != mode:
            st.caption("Chỉ mục chưa có vector: đang tìm theo từ khóa.")
        if shown is None:
            pass
        elif not shown:
            tips = ["dùng ít từ hơn hoặc từ khái quát hơn (ví dụ “nước sạch” thay vì cả câu)",
                    "kiểm tra chính tả — gõ không dấu cũng được"]
            if chosen:
                tips.insert(0, "bỏ bớt bộ lọc ở thanh bên trái")
            if mode != "hybrid":
                tips.append(f"chuyển cách tìm sang “{MODE_LABELS['hybrid']}”")
            st.info("**Không tìm thấy đoạn văn nào phù hợp.** Hãy thử: " + "; ".join(tips) + ".")
        else:
            st.caption(f"{len(shown)} đoạn phù hợp nhất. Câu trả lời sát nhất được tô nền vàng, từ khớp in đậm.")
        for p in shown or ():
            h = p.hit
            with st.container(border=True):
                st.html(f'<div class="kh-cite">{h.rank}. {esc(cite(h.document))}</div>'
                        f'<div class="kh-section">{esc(p.section)}</div><div class="kh-text">{p.html}</div>')
                left, right = st.columns([4, 1], vertical_alignment="center")
                left.code(p.citation, language=None, wrap_lines=True)
                if right.button("Xem toàn văn", key=f"open_{h.chunk.id}", icon=":material/description:"):
                    show_document(h.document.id, h.chunk.start, h.chunk.end, query)
                if p.copies:
                    with st.expander(p.copies_label, icon=":material/content_copy:"):
                        for c in p.copies:
                            st.html(f'<div class="kh-cite">{esc(c.citation)}</div><div class="kh-text">{c.html}</div>'
                                    f'<div class="kh-copies">{esc(c.changes)}</div>')

with tab_targets:
    targets_tab(lib)

with tab_precedent:
    st.markdown("Dán một câu hoặc đoạn văn đang soạn: trang tìm cách diễn đạt gần nhất trong từng kế hoạch "
                "và đánh dấu từng chữ khác nhau.")
    draft = st.text_area("Câu hoặc đoạn văn cần đối chiếu", key="draft", height=110,
                         placeholder="Ví dụ: Tỷ lệ dân số được cấp nước sạch đạt chuẩn đạt 95%, trong đó khu vực "
                                     "nông thôn đạt 90%.")
    if draft.strip():
        try:
            groups = precedents(draft, mode, chosen, on_disk)
        except QueryError as e:
            st.warning(md_escape(str(e)))
            groups = None
        if groups is None:
            pass
        elif not groups:
            st.info("Chưa thấy câu chữ tương tự trong các kế hoạch. Hãy thử dán một câu ngắn hơn hoặc bỏ bớt bộ lọc.")
        else:
            common = usage(groups)
            if common is not None and len(common.plans) > 1:
                st.html(usage_html(common))
            st.html('<div class="kh-legend">So với đoạn của bạn: <span class="kh-text"><ins>chữ có trong văn bản '
                    'cũ</ins></span> · <span class="kh-text"><del>chữ của bạn mà văn bản cũ không có</del></span></div>')
        for group in groups or ():
            with st.container(border=True):
                st.html(f'<div class="kh-cite">{esc(cite(group.document))}</div>')
                for w in group.wordings:
                    st.html(f'<div class="kh-section">{esc(section_label(w.chunk))} · giống {w.similarity:.0%}</div>'
                            f'<div class="kh-text">{diff_html(draft, w.text)}</div>')
                    st.code(cite(w.document, w.chunk), language=None, wrap_lines=True)

with tab_upload:
    st.markdown(f"Thêm kế hoạch mới vào kho: tệp {', '.join(ACCEPTED)} (bản quét PDF được nhận dạng chữ bằng OCR), tối đa "
                f"{MAX_BYTES // 2**20} MB. Tệp được kiểm tra, lưu vào thư mục kho và lập chỉ mục ngay — "
                "tìm được luôn, không cần khởi động lại.")
    for kind, message in st.session_state.pop("upload_messages", []):
        getattr(st, kind)(md_escape(message))
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader("Chọn tệp", type=[s.lstrip(".") for s in ACCEPTED], accept_multiple_files=True,
                             key=f"uploads_{round_}", max_upload_size=MAX_BYTES // 2**20)
    token = ""
    if page_needs_token(st.get_option("server.address")):
        token = st.text_input("Mã quyền thêm kế hoạch", type="password", key="upload_token",
                              help="Trang đang mở cho mạng ngoài: cần mã do quản trị viên cấp (PLANS_API_TOKEN).")
    if st.button("Thêm vào kho", type="primary", disabled=not files, icon=":material/upload:"):
        messages = []
        if page_needs_token(st.get_option("server.address")) and not token_ok(token):
            messages.append(("error", "Mã quyền không đúng hoặc máy chủ chưa đặt PLANS_API_TOKEN: chưa thêm tệp nào."))
        else:
            try:
                result = build(f"Đang thêm {len(files)} tệp và lập chỉ mục…", [(f.name, f.getvalue()) for f in files])
            except IndexBusy as e:
                messages.append(("error", f"Đang có tiến trình khác cập nhật chỉ mục; hãy thử lại sau ({e})."))
            else:
                messages += [("error", reason) for _, reason in result.refused]
                if result.build_error:
                    names = ", ".join(c.filename for c in result.stored)
                    messages.append(("error", f"Lập chỉ mục thất bại ({result.build_error}). Chỉ mục cũ vẫn đang "
                                              f"phục vụ tìm kiếm. Tệp {names} đã được lưu trong thư mục kho "
                                              f"{lib.paths.corpus} và sẽ được đưa vào ở lần “Cập nhật chỉ mục” sau."))
                elif result.build is not None:
                    messages += [("success", f"Đã thêm “{c.filename}”: {c.citation} — {c.passages} đoạn. "
                                             "Có thể tìm ngay.") for c in result.stored]
        st.session_state.update(upload_messages=messages, upload_round=round_ + 1)
        st.rerun()
