"""The main dashboard as a web page: Voila serves it, a real Chromium uses it.

Playwright drives Debian's chromium (installed by .ci/run with apt-get; no browser is
downloaded). The test types into the number boxes, moves a slider and the plot menu,
checks that labels fit on a desktop and a phone, switches to large text, exports the brief
through its download link, prints the brief to an A4 PDF, and saves screenshots to out/:
dashboard.png (desktop), dashboard_projector.png (large text), dashboard_phone.png
(390 px wide), brief.png and brief.pdf.
"""

import re
import time
from pathlib import Path

import pytest
from served_pages import in_khmer, sync_api

from labsim.analysis.catalog import CATALOG

pytestmark = pytest.mark.slow

OUT = Path(__file__).resolve().parent.parent / "out"
A4_POINTS = (595, 842)

DOES_NOT_FIT = """() => Array.from(document.querySelectorAll(
    '.labsim-dashboard .widget-label, .labsim-dashboard button, .labsim-dashboard h3, '
    + '.labsim-dashboard h4, .labsim-dashboard .lm-AccordionPanel-title, .labsim-control-label, '
    + '.labsim-control-note, .labsim-status, .labsim-headline, .labsim-verdict li'))
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}.${e.className}: "${e.innerText.slice(0, 50)}" `
            + `${e.scrollWidth} > ${e.clientWidth}`)"""
"""Labels, buttons and titles whose text is wider than their box (cut off)."""

BEYOND_THE_SCREEN = """() => Array.from(document.querySelectorAll(
    '.labsim-dashboard p, .labsim-dashboard li, .labsim-dashboard h3, .labsim-dashboard h4, '
    + '.labsim-dashboard button, .labsim-dashboard .widget-label, .labsim-dashboard input'))
  .filter(e => e.offsetParent !== null && !e.closest('.labsim-scroll')
               && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => `${e.tagName}.${e.className}: "${(e.innerText || e.value || '').slice(0, 50)}" `
            + `ends at ${Math.round(e.getBoundingClientRect().right)}`)"""
"""Text outside a scrolling table that runs past the right edge of the screen."""

FIGURES_CUT = """() => Array.from(document.querySelectorAll('.labsim-figure svg'))
  .filter(e => e.getBoundingClientRect().width > e.parentElement.clientWidth + 1)
  .map(e => `a figure ${Math.round(e.getBoundingClientRect().width)} px wide in `
            + `${e.parentElement.clientWidth} px`)"""
"""Figures wider than their box (a phone would see only part of them)."""


def _open(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height},
                            accept_downloads=True)
    page.goto(url, timeout=120_000)
    page.locator(".labsim-kpi-table").first.wait_for(state="attached", timeout=120_000)
    page.locator(".labsim-dashboard .labsim-figure svg").first.wait_for(timeout=60_000)
    return page


def _wait_for_change(read, before, timeout_s=90):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = read()
        if now and now != before:
            return now
        time.sleep(0.25)
    raise AssertionError("the view did not change")


def _control(page, label: str):
    """The number control whose label reads ``label``."""
    return page.locator(".widget-vbox", has=page.locator(
        ".labsim-control-label", has_text=re.compile(f"^{re.escape(label)}$"))).last


def _type(page, label: str, text: str) -> None:
    box = _control(page, label).locator("input[type=text]")
    box.fill(text)
    box.press("Enter")


def _settled(page) -> None:
    page.locator(".labsim-status", has_text="Updated").wait_for(timeout=90_000)


def test_dashboard_page_reacts_fits_and_exports(dashboard_url, chromium):
    page = _open(chromium, dashboard_url, 1280, 4400)
    body = page.inner_text("body")
    assert "from labsim.workshop.dashboards import" not in body
    shown = page.inner_text(".labsim-dashboard")
    assert "_first" not in shown and "nan" not in shown.split() and "-0%" not in shown
    page.get_by_text("All indicators, with 95% confidence intervals").click()
    table = page.locator(".labsim-kpi-table").first
    first_table = table.inner_text()
    assert CATALOG["strike_days_per_year"].label in first_table
    assert page.evaluate(DOES_NOT_FIT) == []

    # a percentage box takes 0-100: 30 means 30%
    _type(page, "Resolution first: share of the extra money on prevention", "30")
    second_table = _wait_for_change(table.inner_text, first_table)
    _settled(page)
    control = _control(page, "Resolution first: share of the extra money on prevention")
    assert control.locator("input[type=text]").input_value() == "30"
    assert control.locator(".labsim-control-note").inner_text().strip() == ""

    # a value beyond the range is used at the limit, and the note beside the box says so
    _type(page, "Extra money for each policy", "50000000")
    _wait_for_change(table.inner_text, second_table)
    _settled(page)
    note = _control(page, "Extra money for each policy").locator(".labsim-control-note")
    sync_api.expect(note).to_contain_text("the most allowed is 1,000,000", timeout=10_000)
    _type(page, "Labour inspectors today", "many")
    sync_api.expect(_control(page, "Labour inspectors today").locator(
        ".labsim-control-note")).to_contain_text("is not a number", timeout=10_000)

    figure = page.locator(".labsim-dashboard .labsim-figure").first  # SVG the browser shapes
    current = figure.inner_html()
    page.locator(".widget-dropdown select").first.select_option(
        label=CATALOG["grievances_per_year"].label)
    _wait_for_change(figure.inner_html, current)
    assert "Resolution first" in page.inner_text(".labsim-purchases")

    # the brief: the group's own words (escaped), downloaded through the page's link
    page.get_by_placeholder("e.g. Group 3").fill("Group 3 <b>Kampot</b>")
    page.get_by_placeholder("What your group recommends").fill("Train workplace committees.")
    page.get_by_role("button", name="Export policy brief").click()
    link = page.locator("a.labsim-download")
    link.wait_for(timeout=60_000)
    note = page.locator(".labsim-download + .note").inner_text()
    assert "policy_brief_" in note and "/" not in note  # the file's name, not the server's path
    with page.expect_download() as download:
        link.click()
    saved = OUT / "brief.html"
    OUT.mkdir(exist_ok=True)
    download.value.save_as(saved)
    assert re.fullmatch(r"policy_brief_Group-3-b-Kampot-b_\d{4}-\d\d-\d\d_\d{6}\.html",
                        download.value.suggested_filename)
    brief = saved.read_text(encoding="utf-8")
    assert "Group 3 &lt;b&gt;Kampot&lt;/b&gt;" in brief and "<b>Kampot" not in brief
    assert "Train workplace committees." in brief
    assert "1,000,000" in brief  # the extra money the group chose is in its settings
    page.screenshot(path=str(OUT / "dashboard.png"), full_page=True)

    # projector: large text, nothing cut off
    page.get_by_role("button", name="Large text (projector)").click()
    page.locator(".labsim-dashboard.labsim-large").wait_for(state="attached", timeout=30_000)
    assert page.evaluate(DOES_NOT_FIT) == []
    page.set_viewport_size({"width": 1024, "height": 5200})
    page.screenshot(path=str(OUT / "dashboard_projector.png"), full_page=True)
    page.close()

    _print_brief(chromium, saved)


def _print_brief(browser, saved: Path, name: str = "brief") -> None:
    """The brief printed to A4 by Chromium: a few pages, each A4, and a picture of it."""
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    page.goto(saved.as_uri())
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    pdf = page.pdf(path=str(OUT / f"{name}.pdf"), prefer_css_page_size=True,
                   print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert 2 <= len(boxes) <= 6, f"{len(boxes)} pages"
    assert all(abs(float(w) - A4_POINTS[0]) < 2 and abs(float(h) - A4_POINTS[1]) < 2
               for w, h in boxes), boxes
    page.close()


def test_dashboard_fits_a_phone(dashboard_url, chromium):
    page = _open(chromium, dashboard_url, 390, 9000)
    assert page.evaluate(DOES_NOT_FIT) == []
    assert page.evaluate(BEYOND_THE_SCREEN) == []
    assert page.evaluate(FIGURES_CUT) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(OUT / "dashboard_phone.png"), full_page=True)
    page.close()


KHMER = re.compile("[\u1780-\u17ff]")
KHMER_DIGITS = re.compile("[\u17e0-\u17e9]")


def _khmer(text: str) -> str:
    """``text`` as the Khmer catalogue has it."""
    from labsim import i18n
    i18n.use_language("km")
    try:
        return i18n._(text)
    finally:
        i18n.use_language("en")


def test_the_dashboard_in_khmer_reacts_fits_and_exports_a_khmer_brief(dashboard_url, chromium):
    """The same page in Khmer: its words in Khmer script, a move answered, nothing cut off on
    a desktop, a projector or a phone, and a brief in Khmer with Khmer digits printed to A4.
    Screenshots: dashboard_km.png, dashboard_km_projector.png, dashboard_km_phone.png,
    brief_km.png and brief_km.pdf."""
    page = _open(chromium, dashboard_url, 1280, 4400)
    in_khmer(page)
    shown = page.inner_text(".labsim-dashboard")
    assert len(KHMER.findall(shown)) > 0.5 * len(re.findall(r"[A-Za-z\u1780-\u17ff]", shown))
    assert page.evaluate(DOES_NOT_FIT) == []
    table = page.locator(".labsim-kpi-table").first
    before = table.inner_text()
    box = page.locator(".labsim-dashboard input[type=text]").first
    box.fill("500,000")
    box.press("Enter")
    _wait_for_change(table.inner_text, before)
    updated = _khmer("Updated in {seconds:.1f} s").split("{")[0].strip()
    page.locator(".labsim-status", has_text=updated).wait_for(timeout=90_000)
    assert page.evaluate(DOES_NOT_FIT) == []

    page.locator(".labsim-dashboard textarea").first.fill("ក្រុមទី ៣")
    page.get_by_role("button", name=_khmer("Export policy brief")).click()
    link = page.locator("a.labsim-download")
    link.wait_for(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    OUT.mkdir(exist_ok=True)
    saved = OUT / "brief_km.html"
    download.value.save_as(saved)
    brief = saved.read_text(encoding="utf-8")
    assert 'lang="km"' in brief and KHMER_DIGITS.search(brief) and "ក្រុមទី ៣" in brief
    page.screenshot(path=str(OUT / "dashboard_km.png"), full_page=True)

    page.get_by_role("button", name=_khmer("Large text (projector)")).click()
    page.locator(".labsim-dashboard.labsim-large").wait_for(state="attached", timeout=30_000)
    assert page.evaluate(DOES_NOT_FIT) == []
    page.set_viewport_size({"width": 1024, "height": 5200})
    page.screenshot(path=str(OUT / "dashboard_km_projector.png"), full_page=True)
    page.close()
    _print_brief(chromium, saved, "brief_km")

    phone = _open(chromium, dashboard_url, 390, 9000)
    in_khmer(phone)
    assert phone.evaluate(DOES_NOT_FIT) == []
    assert phone.evaluate(BEYOND_THE_SCREEN) == [] and phone.evaluate(FIGURES_CUT) == []
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(OUT / "dashboard_km_phone.png"), full_page=True)
    phone.close()
