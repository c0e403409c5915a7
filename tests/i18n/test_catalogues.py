"""The shipped translation catalogues are complete, and what runs (the .mo) is what was reviewed (the .po).

`.ci/run` first runs `makemessages` over the code, so a string added without its translations shows here as
an untranslated entry and fails CI; the quick path checks the catalogues as committed.
"""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]


def catalogue(code: str) -> Path:
    return LOCALE / code.replace("-", "_").replace("_br", "_BR") / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_of_the_catalogue_is_translated(code):
    po = polib.pofile(str(catalogue(code)))
    missing = [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or entry.fuzzy)]
    assert len(po) > 50, "the catalogue holds hardly any messages: was makemessages run?"
    assert not missing, f"{len(missing)} untranslated or fuzzy in {code}: {missing[:10]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_the_compiled_catalogue_matches_its_source(code):
    source = catalogue(code)
    po, mo = polib.pofile(str(source)), polib.mofile(str(source.with_suffix(".mo")))
    compiled = {(entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural) for entry in mo}
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if compiled.get((entry.msgctxt, entry.msgid)) != (entry.msgstr, entry.msgstr_plural)
    ]
    assert not stale, f"{code}: the .mo is older than the .po; run bin/translations compile ({stale[:5]})"
