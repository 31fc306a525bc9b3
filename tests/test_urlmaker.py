"""``UrlMaker``: one ``reverse`` per view name, then the same URLs as ``reverse`` for every row."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from zi_portal.common.urlmaker import Slot, UrlMaker, url_maker

CODES = ["P.1.i.a", "B.I.a", "R.6.ii", "a b", "kode%20", "ä-é", "x;y=z", "~:@!$&'()*+,", "?#"]


@pytest.mark.parametrize("code", CODES)
def test_same_url_as_reverse(code):
    maker = UrlMaker("assessments:item_save", 42, Slot())
    assert maker(code) == reverse("assessments:item_save", args=[42, code])
    shared = url_maker("evidence:replace", int, str, int)
    assert shared(7, code, 1234) == reverse("evidence:replace", args=[7, code, 1234])


@pytest.mark.parametrize("code", ["", "P/1"])
def test_what_reverse_refuses_is_still_refused(code):
    maker = UrlMaker("assessments:item_save", 42, Slot())
    with pytest.raises(NoReverseMatch):
        maker(code)


def test_every_slot_must_be_given():
    with pytest.raises(TypeError):
        UrlMaker("assessments:item_save", 42, Slot())()


def test_shared_makers_follow_the_script_prefix():
    """Behind a path prefix (SCRIPT_NAME) the URLs carry it, as reverse's do."""
    try:
        set_script_prefix("/zi/")
        prefixed = url_maker("evidence:history", int, str)(3, "P.1.i.a")
        assert prefixed == reverse("evidence:history", args=[3, "P.1.i.a"])
        assert prefixed == "/zi/penilaian/3/butir/P.1.i.a/bukti/riwayat/"
    finally:
        set_script_prefix("/")
    assert url_maker("evidence:history", int, str)(3, "P.1.i.a") == "/penilaian/3/butir/P.1.i.a/bukti/riwayat/"
