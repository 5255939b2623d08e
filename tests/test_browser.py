"""The real page in a real browser: `streamlit run app.py` as a subprocess, driven by headless Chromium.

Runs on temporary copies of the corpus, the embedding cache and an index built from them. Saves
docs/screenshot.png. Skipped (saying why) only when /usr/bin/chromium or the playwright package is missing.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from service import Paths

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
QUERY = "mục tiêu nước sạch nông thôn 2030"
WATER = "Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn đạt 92%"
CITATION_004 = "Kế hoạch của Ban Thường vụ Tỉnh ủy, mục II.2"
# A small plan that is not in the corpus, for uploads and incremental updates.
NEW_PLAN = (Path(__file__).parent / "fixtures" / "new_plan_binh_phuoc.txt").read_text(encoding="utf-8")

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
playwright_api.expect.set_options(timeout=120_000)  # a shared 2-core machine can be slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def plans(plans_copy) -> Paths:
    return plans_copy("browser")


@pytest.fixture(scope="module")
def server(plans, tmp_path_factory):
    """The page served by `streamlit run` on a free port; stopped at the end."""
    port = free_port()
    env = {**os.environ, "PLANS_CORPUS": str(plans.corpus), "PLANS_INDEX": str(plans.index),
           "PLANS_CACHE": str(plans.cache)}
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    pg.goto(server)
    pg.get_by_placeholder("Gõ câu hỏi").wait_for()
    yield pg
    context.close()


@contextlib.contextmanager
def screenshot_on_failure(page, tmp_path):
    try:
        yield
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"))
        print(f"screenshot of the failure: {tmp_path / 'failure.png'}")
        raise


def test_search_shows_cited_passage_and_opens_the_document(page, tmp_path):
    expect = playwright_api.expect
    with screenshot_on_failure(page, tmp_path):
        box = page.get_by_placeholder("Gõ câu hỏi")
        box.fill(QUERY)
        box.press("Enter")
        page.get_by_text("92%").first.wait_for()
        card = page.locator(".kh-text", has_text=WATER).first
        expect(card).to_be_visible()
        expect(card.locator(".best .hit, .best.hit").first).to_have_text("nước sạch")
        citation = page.get_by_text(CITATION_004, exact=True).first
        citation.wait_for()
        expect(page.get_by_role("button", name="Xem toàn văn").first).to_be_visible()
        time.sleep(1)  # let fonts and code blocks settle for the picture
        for target in (ROOT / "docs" / "screenshot.png", tmp_path / "search.png"):
            target.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(target))

        # The whole document, the passage marked and scrolled into view.
        page.get_by_role("button", name="Xem toàn văn").first.click()
        dialog = page.get_by_role("dialog")
        dialog.wait_for()
        passage = dialog.locator("#doan-trich")
        expect(passage).to_contain_text("Tỉ lệ dân số được cấp")
        expect(passage).to_be_in_viewport()
        page.screenshot(path=str(tmp_path / "document.png"))


def test_upload_from_the_page(page, tmp_path):
    expect = playwright_api.expect
    with screenshot_on_failure(page, tmp_path):
        page.get_by_role("tab", name="Thêm kế hoạch").click()
        add = page.get_by_role("button", name="Thêm vào kho")
        expect(add).to_be_disabled()  # nothing chosen yet

        page.locator("input[type=file]").set_input_files(
            files=[{"name": "hong.txt", "mimeType": "text/plain", "buffer": bytes(range(256)) * 40}])
        expect(add).to_be_enabled()
        add.click()
        page.get_by_text("nhị phân").first.wait_for()
        expect(add).to_be_disabled()  # the page is back, with an empty chooser

        page.locator("input[type=file]").set_input_files(
            files=[{"name": "kho-lanh.txt", "mimeType": "text/plain", "buffer": NEW_PLAN.encode()}])
        expect(add).to_be_enabled()
        add.click()
        page.get_by_text("Đã thêm “kho-lanh.txt”").first.wait_for()
        page.screenshot(path=str(tmp_path / "upload.png"))

        page.get_by_role("tab", name="Tra cứu").click()
        box = page.get_by_placeholder("Gõ câu hỏi")
        box.fill("kho lạnh bảo quản nông sản")
        box.press("Enter")
        page.get_by_text("Kế hoạch số 123/KH-UBND ngày 5/3/2025 của Ủy ban nhân dân tỉnh Bình Phước, mục I.1").first.wait_for()
