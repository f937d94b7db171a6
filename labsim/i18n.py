"""Every word a participant reads goes through ``_()``: English, or Khmer from a catalogue.

``_()`` is gettext's: the catalogue ``labsim/locale/km/LC_MESSAGES/labsim.po`` (compiled to
``labsim.mo`` beside it by ``make translations``, which also extracts every ``_()``,
``N_()`` and ``ngettext()`` call, every template string and the scenario files' assumption
words) translates a message; without one, the English text is returned unchanged. Labels
kept as data (the KPI catalog, the stage registry, scenario files' assumptions, display
names) are marked with ``N_`` where they are written and passed through ``_()`` where they
are shown. The language is the process's own (each dashboard visit is a kernel of its own):
``LABSIM_LANG=km`` chooses it at start, ``use_language("km")`` changes it.
"""

from __future__ import annotations

import gettext
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "labsim"
LANGUAGES = {"en": "English", "km": "ខ្មែរ"}
"""The languages labsim speaks, each named in itself (for a language switch)."""
_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def use_language(code: str) -> None:
    """Translate from now on into ``code`` ("km" for Khmer, "en" for English)."""
    global _translation, _language
    code = (code or "en").strip().lower().split("_")[0].split(".")[0]
    if code not in LANGUAGES:
        raise ValueError(f"language {code!r}: expected one of {', '.join(LANGUAGES)}")
    _translation = _catalogue(code)
    _language = code


def language() -> str:
    """The language in use: "en" or "km"."""
    return _language


@contextmanager
def in_language(code: str) -> Iterator[None]:
    """Speak ``code`` inside the block, then the language in use before it."""
    before = _language
    use_language(code)
    try:
        yield
    finally:
        use_language(before)


@cache
def _catalogue(code: str) -> gettext.NullTranslations:
    if code == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def _(message: str) -> str:
    """``message`` in the language in use (a template's ``{placeholders}`` are kept)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` (``'{count} panel'``, ``'{count} panels'``) in the
    language in use; a language with other plural rules chooses its own form."""
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message kept as data for translation where it is shown (``pybabel extract -k
    N_`` finds it); returns it unchanged."""
    return message


def translations_of(message: str) -> set[str]:
    """``message`` in every language labsim speaks (for reading what a participant typed,
    in whichever language)."""
    return {_catalogue(code).gettext(message) for code in LANGUAGES}


KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
"""Western digits to Khmer digits (Python reads both back: ``float("១២")`` is 12.0)."""


def khmer_digits(text: str) -> str:
    """``text`` with Khmer digits: '250,000' -> '២៥០,០០០'."""
    return text.translate(KHMER_DIGITS)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
KHMER_MONTHS = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា",
                "តុលា", "វិច្ឆិកា", "ធ្នូ")
"""The months of the solar calendar as Cambodian official documents name them."""


def date_words(moment: datetime) -> str:
    """A date and time as read in the language in use: '4 December 2026, 18:42', or in
    Khmer 'ថ្ងៃទី 4 ខែធ្នូ ឆ្នាំ 2026 ម៉ោង 18:42' (digits are localised with the page)."""
    months = KHMER_MONTHS if _language == "km" else MONTHS
    return _("{day} {month} {year}, {time}").format(
        day=moment.day, month=months[moment.month - 1], year=moment.year,
        time=f"{moment:%H:%M}")


DISPLAY_NAMES = {
    "prevention_first": N_("Prevention first"),
    "resolution_first": N_("Resolution first"),
    "balanced": N_("Balanced"),
    "cambodia_baseline": N_("Today's system"),
    "cambodia_2014": N_("Cambodia in 2014"),
    "migrant_grievances": N_("Migrant workers' route"),
    "korea_inspired": N_("Korea-inspired route"),
    "textbook_network": N_("Textbook network"),
    "garment_footwear": N_("Garment and footwear"),
    "other": N_("Other sectors"),
}
"""How scenarios and policies the presets name read on a page."""


def display_name(name: str) -> str:
    """A scenario or policy name as a participant reads it: 'resolution_first' -> 'Resolution
    first'; a name of the user's own keeps its words, without underscores."""
    if name in DISPLAY_NAMES:
        return _(DISPLAY_NAMES[name])
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else _("(unnamed)")


def in_sentence(name: str) -> str:
    """A display name inside a sentence: 'Resolution first' -> 'resolution first'."""
    text = display_name(name)
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def extract_assumption_words(fileobj, keywords, comment_tags, options):
    """Babel extractor (babel.cfg) for a scenario file: the label and reason of every
    assumption, which the brief and the "How sure are we?" panel show."""
    text = fileobj.read().decode("utf-8")
    data = tomllib.loads(text)
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        lines.setdefault(line.split("=", 1)[0].strip(), number)
    for path, entry in data.get("assumptions", {}).items():
        if not isinstance(entry, dict):
            continue
        for key in ("label", "reason"):
            if isinstance(entry.get(key), str):
                yield lines.get(f'"{path}"', 0), "N_", entry[key], [f"assumption {path}"]


def _language_at_start() -> str:
    """LABSIM_LANG's language, or English for one labsim does not speak."""
    wanted = os.environ.get("LABSIM_LANG", "").strip().lower()[:2]
    return wanted if wanted in LANGUAGES else "en"


use_language(_language_at_start())
