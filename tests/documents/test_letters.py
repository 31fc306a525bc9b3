"""The letters' placeholder substitution (pure: no database)."""

from documents import letters


def test_fill_replaces_known_names_and_leaves_everything_else():
    values = {"unit": "Dinas Alfa", "period": "2026"}
    text = "Unit {unit} {period} {unknown} {unit.__class__} {{unit}} {0} {unit!r} {"
    assert letters.fill(text, values) == "Unit Dinas Alfa 2026 {unknown} {unit.__class__} {Dinas Alfa} {0} {unit!r} {"


def test_values_are_inserted_as_text_not_re_expanded():
    assert letters.fill("{unit}", {"unit": "{period}", "period": "2026"}) == "{period}"


def test_unknown_placeholders_are_reported_for_the_editor():
    assert letters.unknown_placeholders("{unit} {unitt} {periode} {date}") == ["periode", "unitt"]


def test_every_default_template_uses_known_placeholders_only():
    for template in letters.DEFAULTS.values():
        for text in template.values():
            assert letters.unknown_placeholders(text) == []
