"""The "Chỉ tiêu" tab and the answer card on the page (Streamlit's AppTest over a copy of the bundled plans
and an index built from them), and the Excel file it offers (read back as XML)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from streamlit.testing.v1 import AppTest

from present.targets import COLUMNS, comparison_rows, excel_bytes
from present.xlsx import xlsx_bytes
from targets import extract_all

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def sheet_cells(data: bytes) -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(z.namelist())
        root = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    return [["".join(c.itertext()) for c in row.findall("x:c", NS)] for row in root.iter(f"{{{NS['x']}}}row")]


def test_excel_file_holds_the_table(corpus):
    rows = extract_all(corpus.documents)
    cells = sheet_cells(excel_bytes(rows))
    assert cells[0] == list(COLUMNS) and len(cells) == len(rows) + 1
    assert any("Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn đạt 92%" in c for row in cells for c in row)
    odd = sheet_cells(xlsx_bytes(["a", "b"], [["x\x01<&>", 1.5], [None, 2]]))
    assert odd == [["a", "b"], ["x<&>", "1.5"], ["2"]]


def test_comparison_takes_one_indicator_across_plans(corpus):
    bars = comparison_rows(extract_all(corpus.documents), "nuoc_sach/nong_thon")
    assert {b["Giá trị"] for b in bars} >= {90, 80} and {b["Đơn vị"] for b in bars} == {"%"}


@pytest.fixture(scope="module")
def env(plans_copy, tmp_path_factory):
    return plans_copy("targets_page")


@pytest.mark.slow
def test_targets_tab_and_answer_card(env, monkeypatch):
    monkeypatch.setenv("PLANS_CORPUS", str(env.corpus))
    monkeypatch.setenv("PLANS_INDEX", str(env.index))
    monkeypatch.setenv("PLANS_CACHE", str(env.cache))
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert len(table) > 100 and list(table.columns) == list(COLUMNS)
    at.text_input(key="t_words").set_value("nước sạch").run()
    at.selectbox(key="t_year").set_value("2030").run()
    table = at.dataframe[0].value
    assert set(table["Năm"]) == {"2030"} and 92 in set(table["Giá trị"])
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Tải CSV", "Tải Excel"]
    # A target question: the card comes first, with its figures and the passage.
    at.text_input(key="q").set_value("mục tiêu nước sạch nông thôn 2030").run()
    assert not at.exception, [e.value for e in at.exception]
    card = [h.value for h in at.get("html") if "kh-card" in h.value]
    assert card and "90%" in card[0] and "80%" in card[0] and "kh-card-table" in card[0]
    # A question that is not about a target: no card.
    at.text_input(key="q").set_value("trách nhiệm của Ban Tuyên giáo").run()
    assert not [h.value for h in at.get("html") if "kh-card-title" in h.value]
    assert not re.search("Traceback", str(at))
