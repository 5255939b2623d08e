"""Rows read on demand (index/table.py): the same chunks and documents as reading every line, the rows of
each document, and a saved index opened without parsing its lines."""

import json

import numpy as np
import pytest

import ingest
from index.hybrid import _FIELD_VALUES, Filters, HybridIndex
from index.table import DocRows, DocumentTable, Table, offsets_path, write_table


def _rows(n):
    return [{"i": i, "text": f"dòng {i} — Đồng Nai", "empty": ""} for i in range(n)]


def test_table_reads_every_row_as_written(tmp_path):
    path = tmp_path / "t.jsonl"
    assert write_table(path, _rows(50)) == 50
    t = Table(path, lambda r: r["text"])
    assert len(t) == 50
    assert t[0] == "dòng 0 — Đồng Nai" and t[-1] == "dòng 49 — Đồng Nai" and t[17] == "dòng 17 — Đồng Nai"
    assert list(t) == [r["text"] for r in _rows(50)]
    assert t[3:6] == ["dòng 3 — Đồng Nai", "dòng 4 — Đồng Nai", "dòng 5 — Đồng Nai"]
    with pytest.raises(IndexError):
        t[50]


def test_table_without_saved_offsets_finds_the_lines(tmp_path):
    """An index written before offsets were saved: the lines are found by one scan."""
    path = tmp_path / "t.jsonl"
    write_table(path, _rows(7))
    offsets_path(path).unlink()
    assert [r["i"] for r in Table(path, dict)] == list(range(7))


def test_empty_table(tmp_path):
    path = tmp_path / "t.jsonl"
    write_table(path, [])
    assert len(Table(path, dict)) == 0 and list(Table(path, dict)) == []


def test_offsets_not_matching_the_file_are_an_error(tmp_path):
    path = tmp_path / "t.jsonl"
    write_table(path, _rows(5))
    with open(path, "ab") as f:
        f.write(b'{"i": 5}\n')
    with pytest.raises(ValueError, match="does not match"):
        Table(path, dict)


def test_document_table_maps_ids(tmp_path):
    path = tmp_path / "d.jsonl"
    write_table(path, [{"id": f"d{i}", "v": i} for i in range(4)])
    docs = DocumentTable(Table(path, lambda r: r["v"]), [f"d{i}" for i in range(4)])
    assert len(docs) == 4 and list(docs) == ["d0", "d1", "d2", "d3"]
    assert docs["d2"] == 2 and "d3" in docs and "x" not in docs
    assert list(docs.values()) == [0, 1, 2, 3] and dict(docs.items())["d1"] == 1
    with pytest.raises(KeyError):
        docs["x"]
    with pytest.raises(ValueError):
        DocumentTable(Table(path, dict), ["d0"])


@pytest.mark.parametrize("seed", range(5))
def test_doc_rows_against_a_plain_grouping(seed):
    rng = np.random.default_rng(seed)
    n_docs = int(rng.integers(1, 40))
    doc_of_row = rng.integers(0, n_docs, int(rng.integers(0, 300)))
    rows = DocRows.of(doc_of_row, n_docs)
    for _ in range(20):
        docs = rng.choice(n_docs, int(rng.integers(0, n_docs + 1)), replace=False)
        expected = np.sort(np.flatnonzero(np.isin(doc_of_row, docs)))
        assert np.array_equal(rows.rows(docs), expected)
    assert len(rows.rows(np.zeros(0, np.int64))) == 0


@pytest.fixture(scope="module")
def tiny():
    return ingest.load("tests/fixtures/tiny")


def _keyword_index(corpus):
    return HybridIndex.keywords(corpus)


def test_saved_index_reads_the_same_rows_on_demand(tiny, tmp_path):
    idx = _keyword_index(tiny)
    idx.save(tmp_path / "index")
    loaded = HybridIndex.load(tmp_path / "index")
    assert isinstance(loaded.chunks, Table) and isinstance(loaded.documents, DocumentTable)
    assert list(loaded.chunks) == list(idx.chunks)
    assert list(loaded.documents) == list(idx.documents)
    assert all(loaded.documents[d] == idx.documents[d] for d in idx.documents)
    for q in ("mục tiêu", "bao hiem y te", "Đồng Nai"):
        assert [(h.chunk, h.document.id) for h in loaded.search(q, 5, "bm25")] == \
            [(h.chunk, h.document.id) for h in idx.search(q, 5, "bm25")]


def test_saved_facets_give_the_same_filters(tiny, tmp_path):
    idx = _keyword_index(tiny)
    idx.save(tmp_path / "index")
    saved = json.loads((tmp_path / "index" / "facets.json").read_text("utf-8"))
    assert set(saved) == set(_FIELD_VALUES)
    loaded = HybridIndex.load(tmp_path / "index")
    docs = list(idx.documents.values())
    cases = [Filters.of(doc_ids=[docs[0].id]), Filters.of(years=[docs[0].meta.year]),
             Filters.of(issuers=[docs[-1].meta.issuer]), Filters.of(implements=list(docs[0].meta.implements)),
             Filters.of(years=[docs[0].meta.year], issuers=[docs[-1].meta.issuer]), Filters.of(years=["1900"]),
             Filters.of(doc_ids=["no such plan"])]
    for f in cases:
        expected = sorted(i for i, c in enumerate(idx.chunks) if f.accepts(idx.documents[c.doc_id]))
        assert loaded.allowed_rows(f).tolist() == expected == idx.allowed_rows(f).tolist()
        assert loaded.matching_documents(f) == {d.id for d in docs if f.accepts(d)}


def test_index_saved_without_the_new_files_still_loads(tiny, tmp_path):
    """An index written before offsets, ids, facets and document rows were saved is read as before."""
    idx = _keyword_index(tiny)
    idx.save(tmp_path / "index")
    d = tmp_path / "index"
    for name in ("documents.jsonl.offsets.npy", "chunks.jsonl.offsets.npy", "documents.ids.json", "facets.json",
                 "doc_rows.order.npy", "doc_rows.start.npy"):
        (d / name).unlink()
    loaded = HybridIndex.load(d)
    assert list(loaded.chunks) == list(idx.chunks)
    f = Filters.of(years=[next(iter(idx.documents.values())).meta.year])
    assert loaded.allowed_rows(f).tolist() == idx.allowed_rows(f).tolist()

