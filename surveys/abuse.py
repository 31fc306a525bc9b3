"""The public form's defences against abuse (no database): the signed time a form was served, the
signed once-a-day cookie, and the reason a submission is suspicious.

A suspicious response is stored, flagged with its reason and excluded from the indices by default
(the team can count it again); a second response from the same browser the same day is refused."""

from __future__ import annotations

import datetime as dt

from django.core import signing

STAMP_SALT = "surveys.public_form.stamp"
COOKIE_SALT = "surveys.public_form.done"
COOKIE_PREFIX = "zi_survei_"


def form_stamp(slug: str, now: dt.datetime) -> str:
    """The value of the form's hidden ``stempel``: when it was served, signed for this campaign."""
    return signing.dumps({"s": slug, "t": now.timestamp()}, salt=STAMP_SALT, compress=True)


def fill_seconds(stamp: str, slug: str, now: dt.datetime) -> float | None:
    """Seconds since the form carrying ``stamp`` was served; None when the stamp is missing, forged
    or of another campaign (or older than a day)."""
    try:
        data = signing.loads(stamp, salt=STAMP_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != slug or not isinstance(data.get("t"), int | float):
        return None
    return now.timestamp() - float(data["t"])


def suspicion(*, honeypot: str, stamp: str, slug: str, now: dt.datetime, min_seconds: int) -> str:
    """Why a submission looks automated ("" when it does not)."""
    reasons = []
    if honeypot.strip():
        reasons.append("honeypot terisi")
    seconds = fill_seconds(stamp, slug, now)
    if seconds is None:
        reasons.append("stempel waktu formulir tidak sah atau kedaluwarsa")
    elif seconds < min_seconds:
        reasons.append(f"diisi terlalu cepat ({max(seconds, 0):.1f} detik < {min_seconds} detik)")
    return "; ".join(reasons)


def cookie_name(slug: str) -> str:
    return COOKIE_PREFIX + slug


def answered_today(signed_value: str | None, today: dt.date) -> bool:
    """Whether the browser's (already unsigned) cookie says it answered this campaign ``today``."""
    return signed_value == today.isoformat()
