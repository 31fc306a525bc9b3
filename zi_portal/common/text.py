"""Bounds of the free text a user can post: notes, comments, revision notes, review reasons.

One ceiling, ``TEXT_MAX_CHARS``, for every long text field. It is enforced by the model fields'
validators (so ``full_clean`` refuses it whoever writes) and by ``clean_text``, which services
call on the text they receive so the refusal names the field before anything is written.
NUL is refused too: PostgreSQL cannot store it in a text column and raises instead.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# A page of a report holds about 3,000 characters; a note or a comment longer than two pages is
# not a note any more (a 1 MB comment made a 137-page PDF). Put long material in evidence files.
TEXT_MAX_CHARS = 5000


@deconstructible
class MaxCharsValidator(MaxLengthValidator):
    message = _("Teks terlalu panjang: %(show_value)d karakter, paling banyak %(limit_value)d karakter. "
                "Persingkat teks atau lampirkan sebagai data dukung.")
    code = "max_length"


@deconstructible
class NoNulValidator(ProhibitNullCharactersValidator):
    message = _("Teks memuat karakter NUL (kode 0) yang tidak diizinkan; hapus karakter itu lalu kirim lagi.")
    code = "null_characters_not_allowed"


no_nul = NoNulValidator()


def free_text_validators(max_chars: int = TEXT_MAX_CHARS) -> list:
    """Validators of a long free-text model field (a ``TextField``)."""
    return [MaxCharsValidator(max_chars), NoNulValidator()]


def clean_text(value: str | None, *, field: str | None = None, max_chars: int = TEXT_MAX_CHARS) -> str:
    """``value`` stripped, or ValidationError (keyed by ``field`` when given) if it holds NUL or is
    longer than ``max_chars`` characters."""
    text = (value or "").strip()
    errors = []
    for validator in (NoNulValidator(), MaxCharsValidator(max_chars)):
        try:
            validator(text)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError({field: errors} if field else errors)
    return text
