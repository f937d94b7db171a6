"""Every word a participant reads goes through ``_()``: English today, ready for Khmer.

``_()`` is gettext's: a catalogue ``labsim/locale/<language>/LC_MESSAGES/labsim.mo`` (made
from a ``.po`` file with the usual tools, ``pybabel extract`` finds every ``_()`` call)
translates a message; without one, the English text is returned unchanged. Labels that
live as data (the KPI catalog, scenario files' assumptions, display names) are passed
through ``_()`` where they are shown, so a catalogue translates them too.
"""

from __future__ import annotations

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_translation: gettext.NullTranslations = gettext.NullTranslations()


def use_language(code: str) -> None:
    """Translate from now on into ``code`` ("km" for Khmer); English where no catalogue is."""
    global _translation
    _translation = gettext.translation("labsim", LOCALE_DIR, languages=[code], fallback=True)


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


DISPLAY_NAMES = {
    "prevention_first": "Prevention first",
    "resolution_first": "Resolution first",
    "balanced": "Balanced",
    "cambodia_baseline": "Today's system",
    "cambodia_2014": "Cambodia in 2014",
    "migrant_grievances": "Migrant workers' route",
    "korea_inspired": "Korea-inspired route",
    "textbook_network": "Textbook network",
    "garment_footwear": "Garment and footwear",
    "other": "Other sectors",
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
