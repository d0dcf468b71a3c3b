"""The Chinese catalogue is complete and its compiled form is in step with the source."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
CATALOGUES = sorted(LOCALE.glob("*.po"))


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.name)
def test_every_message_is_translated_and_none_is_fuzzy(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path.name}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {po_path.name}: {fuzzy[:20]}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.name)
def test_compiled_catalogue_matches_the_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run `make messages` to compile {po_path.name}"
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.pofile(str(po_path))
        if not e.obsolete
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.mofile(str(mo_path))
        if e.msgid
    }
    assert source == compiled, "the .mo file is stale: run `make messages`"


def test_there_is_a_chinese_catalogue():
    assert CATALOGUES, "locale/zh_Hans/LC_MESSAGES/django.po is missing"
