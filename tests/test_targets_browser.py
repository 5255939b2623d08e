"""The "Chỉ tiêu" tab and the answer card in a real browser (headless Chromium driving `streamlit run`)."""

from __future__ import annotations

import time

import pytest
from test_browser import (  # noqa: F401 — fixtures: the served page over a copy of the plans
    CHROMIUM,
    ROOT,
    browser,
    page,
    plans,
    playwright_api,
    screenshot_on_failure,
    server,
)

pytestmark = pytest.mark.browser


def test_answer_card_then_targets_tab(page, tmp_path):  # noqa: F811
    expect = playwright_api.expect
    with screenshot_on_failure(page, tmp_path):
        box = page.get_by_placeholder("Gõ câu hỏi")
        box.fill("mục tiêu nước sạch nông thôn 2030")
        box.press("Enter")
        card = page.locator(".kh-card").first
        card.wait_for()
        expect(card).to_contain_text("90%")
        expect(card).to_contain_text("80%")
        expect(card.locator(".kh-card-table")).to_be_visible()  # two plans: a small table
        time.sleep(1)
        page.screenshot(path=str(ROOT / "docs" / "answer_card.png"))
        page.get_by_role("tab", name="Chỉ tiêu").click()
        page.get_by_text("So sánh một chỉ tiêu giữa các kế hoạch").first.wait_for()
        expect(page.get_by_role("button", name="Tải Excel")).to_be_visible()
        page.locator("[data-testid='stVegaLiteChart'], .vega-embed").first.wait_for()
        time.sleep(1)
        target = ROOT / "docs" / "targets.png"
        page.screenshot(path=str(target), full_page=True)
