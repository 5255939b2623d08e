"""The same wording in many plans, and the locality filter, on the real page in headless Chromium.

A keyword-only library (nothing to embed): the five plans and the Đồng Nai plan re-issued by Bình Dương and
Long An (their own names, number and figures). The page is served by `streamlit run` (``test_browser``'s
fixtures, over this module's ``plans``). Saves docs/screenshot-groups.png.
"""

from __future__ import annotations

import time

import pytest
import test_browser
from test_browser import ROOT, playwright_api, screenshot_on_failure
from test_groups import reissued_library

from service import Paths

pytestmark = pytest.mark.browser
browser, server, app_page = test_browser.browser, test_browser.server, test_browser.page  # over ``plans`` below


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> Paths:
    return reissued_library(tmp_path_factory.mktemp("browser-groups"))


def ask(page, question: str) -> None:
    box = page.get_by_placeholder("Gõ câu hỏi")
    box.fill(question)
    box.press("Enter")


def test_a_grouped_card_expands_to_the_other_plans_with_differences(app_page, tmp_path):
    expect, page = playwright_api.expect, app_page
    with screenshot_on_failure(page, tmp_path):
        ask(page, "tỷ lệ tham gia bảo hiểm y tế")
        group = page.get_by_text("cùng câu chữ trong 2 kế hoạch khác").first
        group.wait_for()
        group.click()
        copies = page.locator("[data-testid=stExpander]").first
        expect(copies.get_by_text("Ủy ban nhân dân tỉnh Bình Dương", exact=False).first).to_be_visible()
        expect(copies.get_by_text("Ủy ban nhân dân tỉnh Long An", exact=False).first).to_be_visible()
        mark = copies.locator(".kh-text .diff").first
        expect(mark).to_be_visible()
        expect(mark).to_have_css("background-color", "rgb(255, 227, 194)")
        expect(copies.locator(".kh-copies").first).to_contain_text("số liệu")
        # ten answers, none of them another plan's copy of one above
        cards = page.locator(".kh-cite").filter(has_text=". ")
        expect(cards.first).to_be_visible()
        time.sleep(1)
        mark.scroll_into_view_if_needed()
        for target in (ROOT / "docs" / "screenshot-groups.png", tmp_path / "groups.png"):
            page.screenshot(path=str(target))


def test_the_locality_filter_lists_levels_and_limits_the_results(app_page, tmp_path):
    expect, page = playwright_api.expect, app_page
    with screenshot_on_failure(page, tmp_path):
        sidebar = page.locator("[data-testid=stSidebar]")
        sidebar.locator("[data-testid=stMultiSelect]").filter(has_text="Địa phương").locator("input").click()
        options = page.locator("[role=option]")
        expect(options.filter(has_text="Cấp huyện · thành phố Biên Hòa (Đồng Nai)")).to_have_count(1)
        expect(options.filter(has_text="Cấp tỉnh · Bình Dương (cũ → Hồ Chí Minh)")).to_have_count(1)
        page.screenshot(path=str(tmp_path / "localities.png"))
        options.filter(has_text="Cấp huyện · thành phố Biên Hòa (Đồng Nai)").click()
        page.keyboard.press("Escape")
        ask(page, "bảo hiểm y tế")
        page.get_by_text("đoạn phù hợp nhất").first.wait_for()
        cites = page.locator(".kh-cite")
        expect(cites.first).to_be_visible()
        texts = cites.all_inner_texts()
        assert texts and all("Biên Hòa" in t for t in texts), texts


def test_the_precedent_tab_counts_the_plans_sharing_a_wording(app_page, tmp_path):
    expect, page = playwright_api.expect, app_page
    with screenshot_on_failure(page, tmp_path):
        page.get_by_role("tab", name="Câu chữ tiền lệ").click()
        box = page.get_by_placeholder("Ví dụ: Tỷ lệ dân số")
        box.fill("Tỷ lệ bao phủ bảo hiểm y tế đạt 95% dân số")
        box.press("Control+Enter")
        usage = page.locator(".kh-usage")
        expect(usage).to_contain_text("Câu chữ chung của 3 kế hoạch")
        expect(usage).to_contain_text("Bình Dương")
        expect(usage.locator(".diff").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "precedent.png"))
