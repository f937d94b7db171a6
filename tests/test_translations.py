"""The Khmer catalogue covers every word labsim shows, in Khmer script, with the official terms.

The messages are extracted afresh from the code, the templates and the scenario files
(babel.cfg, as ``make translations`` does), so a string added or changed since the catalogue
was last kept fails here, by name. An entry copied from the English, left fuzzy or empty
counts as missing; a placeholder must be the same on both sides.
"""

import csv
import gettext
import re
import string
from pathlib import Path

import pytest

babel = pytest.importorskip("babel")
from babel.messages import frontend  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from labsim.i18n import DOMAIN, LOCALE_DIR  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PO = LOCALE_DIR / "km" / "LC_MESSAGES" / "labsim.po"
GLOSSARY = ROOT / "docs" / "glossary_km.csv"
KHMER = re.compile(r"[\u1780-\u17ff]")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _mapping():
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        return parse(cfg)


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """Every message the code, templates and scenario files hold now (singulars for plurals)."""
    method_map, options_map = _mapping()
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found - {""}


@pytest.fixture(scope="module")
def catalogue():
    with open(PO, "rb") as po:
        return read_po(po)


def _translation(message) -> str:
    return message.string if isinstance(message.string, str) else message.string[0]


def _placeholders(text: str) -> list[str]:
    return sorted(f"{name}!{conversion}:{spec}" for _lit, name, spec, conversion
                  in string.Formatter().parse(text) if name is not None)


def _words_outside_placeholders(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}", "", text)))


def test_every_message_shown_has_a_khmer_translation(extracted, catalogue):
    entries = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue if m.id}
    missing = sorted(
        text for text in extracted
        if text not in entries or entries[text].fuzzy or not _translation(entries[text])
        or (_words_outside_placeholders(text) and (
            _translation(entries[text]) == text or not KHMER.search(_translation(entries[text])))))
    assert missing == [], (f"{len(missing)} messages without a Khmer translation (run make "
                           "translations, then translate them in " + str(PO.relative_to(ROOT))
                           + "):\n  " + "\n  ".join(missing))


def test_placeholders_are_the_same_in_both_languages(catalogue):
    differ = [(m.id, _translation(m)) for m in catalogue if m.id and _translation(m)
              and _placeholders(m.id if isinstance(m.id, str) else m.id[0])
              != _placeholders(_translation(m))]
    assert differ == []


def test_the_compiled_catalogue_is_the_one_kept(catalogue):
    """labsim.mo (what runs) says what labsim.po (what people edit) says."""
    with open(PO.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [m.id for m in catalogue if m.id and not m.fuzzy and (
        compiled.gettext(m.id) if isinstance(m.id, str) else compiled.ngettext(*m.id, 1))
        != _translation(m)]
    assert stale == [], "run make translations: labsim.mo is older than labsim.po"
    assert gettext.find(DOMAIN, LOCALE_DIR, languages=["km"])


def test_the_catalogue_says_it_is_machine_made_and_not_yet_reviewed(catalogue):
    assert "MACHINE-MADE" in catalogue.header_comment
    assert "NOT YET REVIEWED by a native Khmer speaker" in catalogue.header_comment
    assert "not yet reviewed" in catalogue.last_translator


def _glossary() -> list[dict]:
    with open(GLOSSARY, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_glossary_says_where_each_term_was_seen():
    for row in _glossary():
        assert KHMER.search(row["khmer"]) and row["seen_in"], row
        assert row["status"] in ("official", "press", "unconfirmed", "labsim"), row


def _occurrences(text: str, terms: list[str]) -> set[str]:
    """Glossary terms ``text`` uses as whole terms (a plural 's' allowed), a term inside a
    longer one found there ('worker' in 'migrant worker') counting as the longer only."""
    found, taken = set(), []
    for term in sorted(terms, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w-]){re.escape(term)}s?(?![\w])", text, re.IGNORECASE):
            if not any(a <= match.start() < b for a, b in taken):
                found.add(term)
                taken.append(match.span())
    return found


def test_the_catalogue_uses_the_glossary_term_wherever_its_english_occurs(catalogue):
    khmer = {row["english"]: row["khmer"] for row in _glossary()}
    wrong = []
    for m in catalogue:
        if not m.id:
            continue
        english = m.id if isinstance(m.id, str) else m.id[0]
        for term in _occurrences(english, list(khmer)):
            if khmer[term] not in _translation(m):
                wrong.append(f"{term} -> {khmer[term]}: {english!r} = {_translation(m)!r}")
    assert wrong == [], "\n".join(wrong)


def test_a_term_inside_a_longer_one_follows_the_longer():
    terms = ["worker", "migrant worker", "prevention", "prevention officer"]
    assert _occurrences("Migrant workers' complaints", terms) == {"migrant worker"}
    assert _occurrences("Workers per strike", terms) == {"worker"}
    assert _occurrences("worker-days/year", terms) == {"worker"}
    assert _occurrences("prevention officers avert; prevention first", terms) == {
        "prevention officer", "prevention"}
