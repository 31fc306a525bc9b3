"""The shared parsers of input: numbers from a URL and bounded free text (no database)."""

import pytest
from django.core.exceptions import ValidationError

from zi_portal.common.params import InvalidNumber, int_or_default, is_plain_decimal, parse_int, parse_year
from zi_portal.common.text import TEXT_MAX_CHARS, clean_text


@pytest.mark.parametrize("raw", ["²", "¹²", "١٢", " 12", "12 ", "1_2", "+12", "-1", "12.0", "0x10", "\x00", "12\x00",
                                 "9" * 19, "２０２６"])
def test_anything_but_ascii_digits_is_not_a_number(raw):
    with pytest.raises(InvalidNumber):
        parse_int(raw)


def test_ascii_digits_within_bounds_are_numbers():
    assert parse_int("0") == 0
    assert parse_int("2026") == 2026
    assert parse_int(None) is None and parse_int("") is None
    with pytest.raises(InvalidNumber):
        parse_int("5", min_value=6)
    with pytest.raises(InvalidNumber):
        parse_int("2147483648")


def test_years_name_their_parameter_in_the_message():
    assert parse_year("2026") == 2026
    assert parse_year("1999") == 1999  # a year, if not one of ours: the page finds nothing
    with pytest.raises(InvalidNumber) as exc:
        parse_year("²", name="period")
    assert exc.value.message == "Parameter 'period' harus tahun, mis. 2026."
    with pytest.raises(InvalidNumber):
        parse_year("10000")
    with pytest.raises(InvalidNumber):
        parse_year("0")


def test_int_or_default_falls_back_for_missing_and_malformed():
    assert int_or_default("3", 1, min_value=1) == 3
    assert int_or_default("", 1) == 1
    assert int_or_default("²", 1) == 1
    assert int_or_default("0", 1, min_value=1) == 1


def test_plain_decimal():
    assert is_plain_decimal("3.60") and is_plain_decimal("4")
    assert not is_plain_decimal("²") and not is_plain_decimal("3.6.0") and not is_plain_decimal("")


def test_clean_text_strips_and_bounds():
    assert clean_text("  catatan  ") == "catatan"
    assert clean_text(None) == ""
    assert clean_text("a" * TEXT_MAX_CHARS) == "a" * TEXT_MAX_CHARS
    assert clean_text(" " + "a" * TEXT_MAX_CHARS + "\n") == "a" * TEXT_MAX_CHARS
    with pytest.raises(ValidationError) as exc:
        clean_text("a" * (TEXT_MAX_CHARS + 1), field="note")
    assert exc.value.message_dict == {"note": [
        "Teks terlalu panjang: 5001 karakter, paling banyak 5000 karakter. "
        "Persingkat teks atau lampirkan sebagai data dukung."]}
    with pytest.raises(ValidationError) as exc:
        clean_text("a\x00b")
    assert exc.value.messages == [
        "Teks memuat karakter NUL (kode 0) yang tidak diizinkan; hapus karakter itu lalu kirim lagi."]
