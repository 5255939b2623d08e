"""The REST API: a thin door onto ``service.Library``; argument parsing and JSON only.

    python -m api [--host 127.0.0.1] [--port 8000]      # or scripts/api.sh
    GET  /search?q=…&k=&mode=&plan=&body=&year=&implements=&locality=&group=
    GET  /documents, /documents/{id}?start=&end=
    GET  /targets?q=&year=&place=&plan=&key=, /targets/answer?q=   the plans' targets; a target question's card
    POST /precedent                 {"text": "…"}
    POST /documents                 multipart plan files; Authorization: Bearer $PLANS_API_TOKEN
    GET  /status, /health           OpenAPI docs at /docs

Every error is JSON ``{"detail": "…"}`` with a 4xx status that says what was wrong (5xx only when the
server cannot answer: no index yet, or a fault, and then without a traceback).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from service import MAX_BYTES, Filters, IndexBusy, IndexLoadError, Library, NotFound, QueryError
from service.auth import TOKEN_VARIABLE, token_ok
from service.places import locality_key
from service.precedent import usage
from vntext.query import MAX_CHARS

__all__ = ["create_app", "MAX_FILES"]

log = logging.getLogger("plans.api")
MAX_FILES = 20  # plans in one upload request
Mode = Literal["hybrid", "bm25", "dense"]

EXAMPLES = {
    "q": ["mục tiêu nước sạch nông thôn 2030", "chi tieu BHXH Dong Nai 2025", "trách nhiệm của Ban Tuyên giáo"],
    "draft": "Tỷ lệ dân số được cấp nước sạch đạt chuẩn đạt 95%, trong đó khu vực nông thôn đạt 90%.",
}


class PrecedentRequest(BaseModel):
    text: str = Field(description="Câu hoặc đoạn văn đang soạn", examples=[EXAMPLES["draft"]],
                      max_length=MAX_CHARS)
    mode: Mode = "hybrid"
    per_plan: int = Field(2, ge=1, le=10, description="Số cách diễn đạt tối đa mỗi kế hoạch")
    plan: list[str] = Field(default_factory=list, description="Chỉ các kế hoạch này (id)")
    body: list[str] = Field(default_factory=list, description="Chỉ các cơ quan ban hành này")
    year: list[str] = Field(default_factory=list, description="Chỉ các năm ban hành này")
    implements: list[str] = Field(default_factory=list, description="Chỉ văn bản thực hiện các nghị quyết này",
                                  examples=[["42-NQ/TW"]])
    locality: list[str] = Field(default_factory=list, description="Chỉ kế hoạch của các địa phương này (mọi cấp)")


def filters(plan: Annotated[list[str], Query(description="Chỉ các kế hoạch này (id)")] = (),
            body: Annotated[list[str], Query(description="Chỉ các cơ quan ban hành này")] = (),
            year: Annotated[list[str], Query(description="Năm ban hành", examples=["2024"])] = (),
            implements: Annotated[list[str], Query(description="Nghị quyết được thực hiện",
                                                   examples=["42-NQ/TW"])] = (),
            locality: Annotated[list[str], Query(description="Địa phương ban hành, mọi cấp (tỉnh gồm cả các huyện, "
                                                             "xã của tỉnh; tên tỉnh mới gồm cả các tỉnh cũ sáp nhập)",
                                                 examples=["Đồng Nai", "Đồng Nai/thành phố Biên Hòa"])] = ()
            ) -> Filters:
    return Filters.of(doc_ids=plan, issuers=body, years=year, implements=implements,
                      localities=[locality_key(n) for n in locality])


def _document(doc) -> dict:
    return {"id": doc.id, "citation": doc.meta.citation, "meta": doc.meta.to_dict(), "path": doc.path,
            "format": doc.format, "characters": len(doc.text)}


def create_app(library: Library | None = None) -> FastAPI:
    """The API over ``library`` (default: the one of $PLANS_CORPUS/$PLANS_INDEX/$PLANS_CACHE).

    With no index on disk, the first build starts in the background at start-up; until it is done,
    reads answer 503 and ``/status`` shows its progress.
    """
    lib = library or Library.from_env()

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        if not lib.exists():
            lib.build_in_background()
        yield

    api = FastAPI(title="Tra cứu kế hoạch — API", version="1", lifespan=lifespan,
                  description="Tìm đoạn văn trả lời câu hỏi trong các kế hoạch, chương trình hành động — kèm trích "
                              "dẫn (số, ngày, cơ quan ban hành, mục) và vị trí chính xác trong văn bản.")
    api.state.library = lib
    _error_handlers(api)
    _read_routes(api, lib)
    _write_routes(api, lib)
    return api


def _need_token(authorization: Annotated[str | None, Header(description="Bearer <PLANS_API_TOKEN>")] = None):
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token_ok(given.strip()):
        raise HTTPException(401, f"adding plans needs the token of ${TOKEN_VARIABLE}: "
                                 "send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})


def _error_handlers(api: FastAPI) -> None:
    """Every error as {"detail": …} with a status that says what was wrong; never a traceback."""

    @api.exception_handler(QueryError)
    @api.exception_handler(ValueError)
    async def bad_request(_: Request, e: Exception):
        return JSONResponse({"detail": str(e)}, status_code=400)

    @api.exception_handler(NotFound)
    async def not_found(_: Request, e: NotFound):
        return JSONResponse({"detail": str(e.args[0] if e.args else e)}, status_code=404)

    @api.exception_handler(IndexBusy)
    async def busy(_: Request, e: IndexBusy):
        return JSONResponse({"detail": str(e)}, status_code=409)

    @api.exception_handler(IndexLoadError)
    async def no_index(_: Request, e: IndexLoadError):
        return JSONResponse({"detail": str(e)}, status_code=503, headers={"Retry-After": "30"})

    @api.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors())
        return JSONResponse({"detail": problems}, status_code=422)

    @api.exception_handler(Exception)
    async def fault(request: Request, e: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": f"internal error ({type(e).__name__}); the server log has the details"},
                            status_code=500)


def _read_routes(api: FastAPI, lib: Library) -> None:
    @api.get("/health", summary="Máy chủ có đang trả lời được không")
    def health():
        status = lib.status()
        ok = status.get("ready", False)
        return JSONResponse({"status": "ok" if ok else "unavailable",
                             **{k: status[k] for k in ("documents", "passages", "modes") if k in status}},
                            status_code=200 if ok else 503)

    @api.get("/status", summary="Kho, chỉ mục và việc lập chỉ mục đang chạy")
    def status():
        return lib.status()

    @api.get("/search", summary="Tìm đoạn văn trả lời câu hỏi")
    def search(where: Annotated[Filters, Depends(filters)],
               q: Annotated[str, Query(description="Câu hỏi, có dấu hay không dấu", examples=EXAMPLES["q"],
                                       max_length=MAX_CHARS)],
               k: Annotated[int, Query(ge=1, le=100, description="Số đoạn văn")] = 10,
               mode: Annotated[Mode, Query(description="hybrid: kết hợp; bm25: từ khóa; dense: ý nghĩa")] = "hybrid",
               places: Annotated[bool, Query(description="Câu hỏi nêu địa danh thì chỉ tìm trong kế hoạch của "
                                                         "địa phương đó (false: tìm mọi kế hoạch)")] = True,
               group: Annotated[bool, Query(description="Gộp các đoạn cùng câu chữ ở nhiều kế hoạch thành một kết "
                                                        "quả, các bản khác trong \"copies\" (false: không gộp)")] = True):
        return lib.search(q, k, mode, where, places=places, group=group).to_dict()

    @api.post("/precedent", summary="Câu chữ tiền lệ: cách diễn đạt gần nhất trong từng kế hoạch")
    def precedent(body: PrecedentRequest):
        where = Filters.of(doc_ids=body.plan, issuers=body.body, years=body.year, implements=body.implements,
                           localities=[locality_key(n) for n in body.locality])
        groups = lib.precedent(body.text, body.mode, where, body.per_plan)
        common = usage(groups)
        return {"text": body.text, "usage": common.to_dict() if common else None, "plans": [
            {"doc_id": g.document.id, "citation": g.document.meta.citation, "best": round(g.best, 4),
             "wordings": [{"start": w.start, "end": w.end, "text": w.text, "similarity": round(w.similarity, 4),
                           "section": w.chunk.section, "section_no": w.chunk.section_no} for w in g.wordings]}
            for g in groups]}

    @api.get("/targets", summary="Chỉ tiêu của các kế hoạch (giá trị, năm, phạm vi, trích dẫn)")
    def targets(q: Annotated[str, Query(description="Từ chủ đề: mọi từ phải có trong chỉ tiêu",
                                        examples=["nước sạch", "BHXH"], max_length=200)] = "",
                year: Annotated[str | None, Query(pattern=r"^\d{4}$", description="Năm mục tiêu",
                                                  examples=["2030"])] = None,
                place: Annotated[str | None, Query(max_length=100, description="Địa phương",
                                                   examples=["Đồng Nai"])] = None,
                plan: Annotated[list[str], Query(description="Chỉ các kế hoạch này (id)")] = (),
                key: Annotated[str | None, Query(max_length=100, description="Khóa chỉ tiêu, vd. nuoc_sach")] = None):
        rows = lib.targets(q, year=year, place=place, plan=plan, key=key)
        return {"count": len(rows), "targets": [{**t.to_dict(), "value_text": t.value_text} for t in rows]}

    @api.get("/targets/answer", summary="Thẻ trả lời khi câu hỏi hỏi một chỉ tiêu (null nếu không)")
    def target_answer(q: Annotated[str, Query(description="Câu hỏi", examples=EXAMPLES["q"][:2],
                                              max_length=MAX_CHARS)]):
        card = lib.target_answer(q)
        return {"question": q, "answer": card.to_dict() if card is not None else None}

    @api.get("/documents", summary="Các văn bản trong kho")
    def documents():
        return {"documents": [_document(d) for d in sorted(lib.documents(), key=lambda d: d.id)]}

    @api.get("/documents/{doc_id}", summary="Một văn bản, hoặc một đoạn của nó")
    def document(doc_id: str, start: Annotated[int | None, Query(ge=0)] = None,
                 end: Annotated[int | None, Query(ge=0)] = None):
        doc, s, e = lib.span(doc_id, start, end)
        return {**_document(doc), "start": s, "end": e, "text": doc.text[s:e]}


def _write_routes(api: FastAPI, lib: Library) -> None:
    @api.post("/documents", status_code=202, dependencies=[Depends(_need_token)],
              summary="Thêm kế hoạch (.docx, .pdf, .txt, .md); lập chỉ mục chạy nền, xem /status")
    def add(request: Request, files: Annotated[list[UploadFile], File(description="Tệp kế hoạch")]):
        if len(files) > MAX_FILES:
            raise HTTPException(413, f"at most {MAX_FILES} files a request, not {len(files)}")
        received = []
        for f in files:
            data = f.file.read(MAX_BYTES + 1)  # never more than the limit in memory
            received.append((f.filename or "tệp", data))
        report = lib.add(received, background=True)
        body = {"stored": [{"filename": c.filename, "doc_id": c.document.id, "citation": c.citation,
                            "passages": c.passages} for c in report.stored],
                "refused": [{"filename": name, "reason": reason} for name, reason in report.refused],
                "status": str(request.url_for("status"))}
        return JSONResponse(body, status_code=202 if report.stored else 400)
