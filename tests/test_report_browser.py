"""The site report opened in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

What a person sees is checked: as many highlighted spans as the scan found, every page in the summary table,
no error in the browser's console. A screenshot of the whole report is saved as a test artefact
(``EXCISE_ARTIFACTS``, default ``build/test-artifacts/`` in the repository) and checked to be a real picture.

Skipped with a message when Playwright or Chromium is missing, unless ``EXCISE_REQUIRE_BROWSER=1`` (as in CI,
whose ``.ci/run`` installs Chromium), where a missing browser fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import pytest

from excise.cli import main

REPO = Path(__file__).resolve().parents[1]
REQUIRED = os.environ.get("EXCISE_REQUIRE_BROWSER") == "1"


def _chromium() -> str:
    """The Chromium executable, or skip (fail when the browser is required)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright is not installed: pip install '.[test]'"
    else:
        path = os.environ.get("EXCISE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
        if path:
            return path
        reason = "Chromium is not installed (Debian: apt-get install chromium; or set EXCISE_CHROMIUM)"
    if REQUIRED:
        pytest.fail(f"EXCISE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


SPAM_PAGE = """<!DOCTYPE html><html><head><title>Allotment diary</title></head><body>
<h1>Allotment diary</h1>
<p>The broad beans went in on Saturday, two rows along the fence, with a mulch of last year's leaves to keep
the soil damp while they take. The onions from the autumn planting are up and look strong.</p>
<div style="display:none"><a href="http://rx-discount.example/buy-cialis">buy cialis online</a>
<a href="http://rx-discount.example/viagra">cheap viagra no prescription needed</a>
<a href="http://bonus-casino.example/">best online casino no deposit bonus</a></div>
<p>Next week: earthing up the potatoes, and a new frame for the runner beans before the wind gets at them.</p>
</body></html>"""

CLEAN_PAGE = """<!DOCTYPE html><html><head><title>About</title></head><body>
<p>We are a group of neighbours who share three plots at the end of Mill Lane and write down what we grow.</p>
</body></html>"""


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG file"
    return struct.unpack(">II", data[16:24])


def test_report_in_headless_chromium(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    site = tmp_path / "site"
    (site / "diary").mkdir(parents=True)
    (site / "diary" / "week-12.html").write_text(SPAM_PAGE, encoding="utf-8")
    (site / "about.html").write_text(CLEAN_PAGE, encoding="utf-8")
    report = tmp_path / "report.html"
    assert main(["scan", str(site), "--json", "--report", str(report)]) == 1
    pages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    spans = sum(len(p["spans"]) for p in pages)
    assert spans > 0

    artifacts = Path(os.environ.get("EXCISE_ARTIFACTS") or REPO / "build" / "test-artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    screenshot = artifacts / "report.png"
    screenshot.unlink(missing_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            marks = page.locator("mark.cut")
            assert marks.count() == spans
            for k in range(marks.count()):
                assert marks.nth(k).is_visible()
            rows = page.locator("#pages tbody tr")
            assert rows.count() == len(pages)
            table = page.locator("#pages").inner_text()
            for p_ in pages:
                assert Path(p_["path"]).name in table
            summary = page.locator("#summary").inner_text()
            assert "pages with spam" in summary and "display" in summary
            # the link in the table leads to the page's section
            page.locator("#pages a").first.click()
            assert page.evaluate("location.hash").startswith("#page-")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    assert errors == []
    width, height = _png_size(screenshot)
    assert width >= 1200 and height >= 400
    assert screenshot.stat().st_size > 20_000  # a page with text and colour, not a blank one
