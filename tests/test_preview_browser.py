"""The preview and index.html in a real browser: Debian's chromium driven by Playwright
for Python. Skipped, saying why, where either is missing (.ci/run installs chromium)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_preview import PACK, SCENARIO, TITLE, Preview, edit_title, make_site

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install playwright); "
                    "the browser tests need it")
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM}: install Debian's chromium "
                    "(apt-get install chromium) to run the browser tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


def test_the_open_pack_page_follows_the_files_on_disk(page, tmp_path):
    server = Preview(make_site(tmp_path))
    try:
        page.goto(server.url + "/")
        assert page.locator("h1").inner_text() == "Session packs: preview"
        page.get_by_role("link", name="Open the pack").click()
        page.wait_for_url(server.url + PACK)
        assert page.locator("h1").inner_text() == "Who's really there?: Key Stage 2"
        first = page.locator('img[alt="worksheet.pdf, page 1"]')
        first.scroll_into_view_if_needed()  # pages load as they come into view
        page.wait_for_function("""() => {
            const img = document.querySelector('img[alt="worksheet.pdf, page 1"]');
            return img && img.complete && img.naturalWidth > 100; }""")
        page.evaluate("window.notReloaded = true")  # gone if the page were loaded again

        edit_title(tmp_path, TITLE, "Isla and the drawing app")
        page.get_by_text("Isla and the drawing app").first.wait_for(state="attached")
        assert page.evaluate("window.notReloaded") is True

        scenario = tmp_path / "lessons" / "scenarios" / f"{SCENARIO}.yaml"
        good = scenario.read_text(encoding="utf-8")
        scenario.write_text(good + "summary: [never closed\n", encoding="utf-8")
        line = good.count("\n") + 1
        alert = page.get_by_role("alert").filter(has_text=f"{SCENARIO}.yaml:{line}: YAML syntax")
        alert.first.wait_for()
        assert page.locator('img[alt="worksheet.pdf, page 1"]').count() == 1  # last good pages
        assert page.evaluate("window.notReloaded") is True

        response = page.goto(server.url + "/%2e%2e/%2e%2e/etc/passwd")
        assert response.status == 404
    finally:
        server.stop()


def test_index_html_opens_from_the_file_system_and_every_link_resolves(page, tmp_path):
    from conftest import LESSONS, run_cli

    output = tmp_path / "output"
    result = run_cli("build", "--lessons", str(LESSONS), "--output", str(output), "--lesson",
                     "whos-really-there", "--band", "ks2")
    assert result.exit_code == 0, result.output
    stick = tmp_path / "usb-stick"  # copied elsewhere, it still works
    shutil.copytree(output, stick)
    page.goto(stick.joinpath("index.html").as_uri())
    assert page.locator("h2").first.inner_text() == "Packs"
    thumbnail = page.locator("td img").first
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 180
    hrefs = page.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert len(hrefs) >= 11
    for href in hrefs:
        assert href.startswith(stick.as_uri() + "/")
        assert Path(href.removeprefix("file://")).is_file(), href
