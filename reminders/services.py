"""Every write of the reminders: send the day's reminders, send the week's leadership digest, and
save a person's preferences. The Celery tasks and the management commands call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.services.notifications import notifications_without_email, notify
from units.models import User

from . import collectors, digest, selectors
from .models import DigestSent, ReminderKind, ReminderPreference, ReminderSent

NOTIFICATION_KIND = "reminder"
DIGEST_NOTIFICATION_KIND = "leadership_digest"


@dataclass(frozen=True)
class Planned:
    """What one person is (or, in a dry run, would be) told: one message a day whatever the kinds."""

    user: User
    candidates: tuple[collectors.Candidate, ...]
    in_app: bool
    email: bool

    @property
    def kinds(self) -> list[str]:
        return sorted({c.kind for c in self.candidates})

    def lines(self) -> list[str]:
        """One line per kind: ``username <address>: kind: message; message``."""
        who = f"{self.user.username} <{self.user.email or '-'}>"
        return [
            f"{who} {kind}: " + "; ".join(c.message for c in self.candidates if c.kind == kind) for kind in self.kinds
        ]


def _preference(prefs: dict[int, ReminderPreference], user) -> ReminderPreference:
    return prefs.get(user.pk) or ReminderPreference(user=user)


def _send(user, *, subject: str, body_lines: Sequence[str], url: str, in_app: bool, email: bool, kind: str) -> None:
    if in_app:
        # the e-mail (if wanted) goes out below, in full: the notification's own e-mail would repeat it
        with notifications_without_email():
            notify(users=[user], assessment=None, kind=kind, message=subject, url=url)
    if email and user.email:
        send_mail(
            f"[ZI Portal] {subject}",
            "\n".join(body_lines) + f"\n\n{settings.ZI_PORTAL_BASE_URL}{reverse('reminders:preferences')}\n",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )


def reminders_send(*, today: dt.date, dry_run: bool = False) -> list[Planned]:
    """Collect every kind's candidates, group them into one message per person, leave out the
    kinds a person switched off and the people already reminded ``today``, and (unless
    ``dry_run``) send: in-app and/or by e-mail as each person chose. Returns what was planned.

    At most once a day per person: the ``ReminderSent`` row of (person, day) is written before
    anything is sent, in its own transaction; a second run the same day, or one running alongside,
    finds it and sends nothing to that person."""
    by_user: dict[int, list[collectors.Candidate]] = {}
    users = {}
    for candidate in collectors.collect(today):
        user = candidate.user
        users[user.pk] = user
        by_user.setdefault(user.pk, []).append(candidate)
    prefs = selectors.preferences_of(by_user)
    already = selectors.reminded_on(today, by_user)
    planned = []
    for pk in sorted(by_user, key=lambda k: users[k].username):
        user = users[pk]
        if pk in already or not user.is_active:
            continue
        pref = _preference(prefs, user)
        seen: set[tuple[str, str]] = set()
        wanted = []
        for c in by_user[pk]:
            if pref.wants(c.kind) and (c.kind, c.message) not in seen:
                seen.add((c.kind, c.message))
                wanted.append(c)
        if not wanted:
            continue
        planned.append(Planned(user, tuple(wanted), pref.in_app, pref.email))
    if dry_run:
        return planned
    sent = []
    for item in planned:
        try:
            with transaction.atomic():
                record = ReminderSent(user=item.user, date=today, kinds=item.kinds)
                record.full_clean(validate_constraints=False)
                record.save()
                count = len(item.candidates)
                subject = (
                    item.candidates[0].message
                    if count == 1
                    else _("%(n)s hal perlu perhatian Anda: %(first)s")
                    % {"n": count, "first": item.candidates[0].message}
                )
                url = item.candidates[0].url if count == 1 else reverse("assessments:notification_list")
                body = [_("Pengingat ZI Portal %(date)s:") % {"date": today.isoformat()}, ""]
                body += [f"- {c.message}\n  {settings.ZI_PORTAL_BASE_URL}{c.url}" for c in item.candidates]
                _send(
                    item.user,
                    subject=subject,
                    body_lines=body,
                    url=url,
                    in_app=item.in_app,
                    email=False,
                    kind=NOTIFICATION_KIND,
                )
        except IntegrityError:
            continue  # reminded already by a run alongside this one
        # after the commit: the day's row stands, so a failed e-mail is not sent twice by a retry
        _send(
            item.user, subject=subject, body_lines=body, url=url, in_app=False, email=item.email, kind=NOTIFICATION_KIND
        )
        sent.append(item)
    return sent


@dataclass(frozen=True)
class PlannedDigest:
    user: User
    rows: tuple[digest.DigestRow, ...]
    in_app: bool
    email: bool

    def lines(self) -> list[str]:
        who = f"{self.user.username} <{self.user.email or '-'}>"
        return [f"{who} {ReminderKind.LEADERSHIP_DIGEST.value}: {digest_line(row)}" for row in self.rows]


def digest_line(row: digest.DigestRow) -> str:
    parts = []
    if row.misses_minimum:
        parts.append(
            _("proyeksi nilai belum memenuhi minimum %(target)s (%(rules)s)")
            % {"target": row.target, "rules": ", ".join(row.unmet)}
        )
    if row.plan_behind:
        parts.append(_("rencana aksi tertinggal (realisasi %(pct)s%%)") % {"pct": row.plan_pct})
    return f"{row.unit_code} {row.unit_name}: " + "; ".join(parts)


def week_of(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday())


def digest_send(*, today: dt.date, dry_run: bool = False) -> list[PlannedDigest]:
    """To each instansi-wide viewer (leadership, administrators) of an instansi with units to flag:
    the list of those units, at most once a week (the Monday of ``today``'s week), unless the person
    switched the digest off. ``dry_run`` writes nothing."""
    rows = digest.digest_rows(today)
    viewers = selectors.leadership_by_instansi()
    by_user: dict[int, list[digest.DigestRow]] = {}
    users = {}
    for instansi_pk, instansi_rows in rows.items():
        for user in viewers.get(instansi_pk, []):
            users[user.pk] = user
            by_user.setdefault(user.pk, []).extend(instansi_rows)
    prefs = selectors.preferences_of(by_user)
    week = week_of(today)
    already = set(DigestSent.objects.filter(week=week, user_id__in=list(by_user)).values_list("user_id", flat=True))
    planned = []
    for pk in sorted(by_user, key=lambda k: users[k].username):
        pref = _preference(prefs, users[pk])
        if pk in already or not pref.wants(ReminderKind.LEADERSHIP_DIGEST):
            continue
        planned.append(PlannedDigest(users[pk], tuple(by_user[pk]), pref.in_app, pref.email))
    if dry_run:
        return planned
    sent = []
    subject = ""
    for item in planned:
        subject = _("Ringkasan mingguan ZI: %(n)s unit perlu perhatian") % {"n": len(item.rows)}
        body = [subject, ""] + [f"- {digest_line(row)}" for row in item.rows]
        try:
            with transaction.atomic():
                record = DigestSent(user=item.user, week=week, units=len(item.rows))
                record.full_clean(validate_constraints=False)
                record.save()
                _send(
                    item.user,
                    subject=subject,
                    body_lines=body,
                    url=reverse("assessments:dashboard"),
                    in_app=item.in_app,
                    email=False,
                    kind=DIGEST_NOTIFICATION_KIND,
                )
        except IntegrityError:
            continue
        _send(
            item.user,
            subject=subject,
            body_lines=body,
            url="",
            in_app=False,
            email=item.email,
            kind=DIGEST_NOTIFICATION_KIND,
        )
        sent.append(item)
    return sent


@transaction.atomic
def preference_update(*, actor, in_app: bool, email: bool, disabled_kinds: Sequence[str]) -> ReminderPreference:
    """Save ``actor``'s own reminder preferences (created on first save)."""
    pref = ReminderPreference.objects.select_for_update().filter(user=actor).first() or ReminderPreference(user=actor)
    pref.in_app = in_app
    pref.email = email
    pref.disabled_kinds = sorted(set(disabled_kinds))
    pref.full_clean()
    pref.save()
    return pref
