"""The Vietnamese catalogue is complete, reviewed (no fuzzy) and compiled from the current .po."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "binhyen" / "locale"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entries(lang: str) -> None:
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert not po.metadata_is_fuzzy
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert len(po.translated_entries()) > 150


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_mo_matches_po(lang: str) -> None:
    folder = LOCALE / lang / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo if e.msgid}
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        for e in po.translated_entries()
    }
    stale = sorted(k[1] for k in source if compiled.get(k) != source[k])
    assert stale == [], "run `binhyen compilemessages`: the .mo is older than the .po"
    assert set(compiled) == set(source)


def test_vietnamese_translations_keep_placeholders() -> None:
    import re

    po = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))
    pattern = re.compile(r"%\(\w+\)[sd]")
    for e in po.translated_entries():
        wanted = set(pattern.findall(e.msgid))
        got = set(pattern.findall(e.msgstr or e.msgstr_plural.get(0, "")))
        assert wanted == got, e.msgid


def test_django_loads_the_vietnamese_catalogue() -> None:
    with translation.override("vi"):
        assert translation.gettext("Audit log") == "Nhật ký hệ thống"
        assert translation.gettext("Villages and residential groups") == "Thôn, tổ dân phố"
        assert translation.gettext("Two-factor authentication") == "Xác thực hai bước"
    with translation.override("en"):
        assert translation.gettext("Audit log") == "Audit log"
    # The .mo is readable by the standard library too (a valid, complete file).
    catalog = gettext.GNUTranslations(open(LOCALE / "vi" / "LC_MESSAGES" / "django.mo", "rb"))  # noqa: SIM115
    assert catalog.gettext("Log out") == "Đăng xuất"


def test_vn_number_follows_the_language() -> None:
    from binhyen.web.templatetags.binhyen import percent_of, vn_number

    with translation.override("vi"):
        assert vn_number(3321) == "3.321"
        assert vn_number(1234567) == "1.234.567"
        assert vn_number(12.5) == "12,5"
        assert vn_number(2.0) == "2"
        assert vn_number(1234.567, 2) == "1.234,57"
        assert vn_number(None) == "–"
        assert percent_of(1, 8) == "12,5 %"
        assert percent_of(1, 0) == "–"
    with translation.override("en"):
        assert vn_number(3321) == "3,321"
        assert vn_number(1234.5) == "1,234.5"
        assert percent_of(1, 8) == "12.5%"


@pytest.mark.django_db
def test_vietnamese_even_when_the_browser_asks_for_english(client: Any) -> None:
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r.status_code == 200 and '<html lang="vi"' in r.content.decode()
