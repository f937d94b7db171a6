"""Khmer drawn right: the font goes with every page, and figures leave their text to the browser.

matplotlib places one glyph after another, so Khmer vowel signs and subscript consonants land
in the wrong place or not at all. A browser shapes Khmer with any Khmer font, so figures are
written as SVG whose text stays text (``svg.fonttype = none``) and is drawn by the page:
inline in the dashboard and the brief, or as an SVG output in a notebook. matplotlib still
lays the figure out, measuring Khmer with Noto Sans Khmer (``labsim/fonts``), which every
page also carries as ``@font-face`` data, so nothing is fetched from another host.
(Measured for a dashboard move's figure: SVG 70 ms against PNG 80 ms.)
"""

from __future__ import annotations

import base64
import io
import re
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
KHMER_FAMILY = "Noto Sans Khmer"
FONT_FACES = (("noto-sans-khmer-khmer-400-normal.woff2", 400),
              ("noto-sans-khmer-khmer-700-normal.woff2", 700))
KHMER_RANGE = "U+1780-17FF, U+19E0-19FF, U+200C-200D, U+25CC"
"""The Khmer blocks the font is used for; other text keeps the page's own font."""
FIGURE_RC = {"svg.fonttype": "none", "svg.hashsalt": "labsim"}
"""SVG text as text, and ids that are the same for the same figure."""


@cache
def use_khmer_font_in_figures() -> None:
    """Let matplotlib measure Khmer text with Noto Sans Khmer (after its own default font,
    which has no Khmer, so Latin text looks as before)."""
    for weight in ("Regular", "Bold"):
        font_manager.fontManager.addfont(str(FONT_DIR / f"NotoSansKhmer-{weight}.ttf"))
    families = matplotlib.rcParams["font.family"]
    if families == ["sans-serif"]:  # matplotlib falls back only along font.family
        matplotlib.rcParams["font.family"] = [matplotlib.rcParams["font.sans-serif"][0],
                                              KHMER_FAMILY, "sans-serif"]
    matplotlib.rcParams.update(FIGURE_RC)


@cache
def font_face_css() -> str:
    """``@font-face`` rules carrying the Khmer font itself (about 64 kB), for a stylesheet."""
    rules = []
    for name, weight in FONT_FACES:
        data = base64.b64encode((FONT_DIR / name).read_bytes()).decode("ascii")
        rules.append(f"@font-face {{ font-family: '{KHMER_FAMILY}'; font-style: normal; "
                     f"font-weight: {weight}; font-display: swap; src: url(data:font/woff2;"
                     f"base64,{data}) format('woff2'); unicode-range: {KHMER_RANGE}; }}")
    return "\n".join(rules)


XML_HEAD = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def figure_svg(fig: Figure) -> str:
    """A figure as SVG markup to put inside a page: its text left as text for the browser to
    shape, no XML header, the same markup for the same figure."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(FIGURE_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return XML_HEAD.sub("", buffer.getvalue().decode("utf-8"), count=1)


use_khmer_font_in_figures()
