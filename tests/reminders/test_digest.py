"""The weekly leadership digest: the units that miss their minimums or whose plan is behind."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

from django.core import mail
from django.core.management import call_command

from assessments.models import Notification
from programme import services as programme_services
from reminders.digest import digest_rows, plan_behind_pct
from reminders.models import DigestSent, ReminderPreference
from reminders.services import digest_send
from tests.factories import AssessmentFactory

from .conftest import APRIL_15

MONDAY = dt.date(2026, 4, 13)


def test_digest_rows_name_the_unmet_minimums_and_the_late_plan(scene):
    rows = digest_rows(APRIL_15)
    assert list(rows) == [scene.instansi.pk]
    unit_a, unit_b = rows[scene.instansi.pk]
    assert (unit_a.unit_code, unit_a.target, unit_a.plan_pct) == ("UNIT-A", "WBK", D("0.00"))
    assert unit_a.misses_minimum and unit_a.plan_behind
    assert unit_a.unmet and all(isinstance(label, str) and label for label in unit_a.unmet)
    assert (unit_b.unit_code, unit_b.plan_behind, unit_b.misses_minimum) == ("UNIT-B", False, True)


def test_a_plan_on_track_is_not_behind(scene):
    programme_services.realisation_record(
        actor=scene.team_a, activity=scene.late, quarter=1, value=D("2"), realised_on=dt.date(2026, 3, 30), note=""
    )
    row = digest_rows(APRIL_15)[scene.instansi.pk][0]
    assert row.unit_code == "UNIT-A" and not row.plan_behind
    # before any quarter has ended no plan is behind
    assert plan_behind_pct([], year=2026, today=dt.date(2026, 3, 31)) is None


def test_a_unit_with_its_result_recorded_is_left_out(scene):
    scene.draft_a.delete()
    AssessmentFactory(unit=scene.unit_a, period=scene.period, result_recorded=True)
    row = digest_rows(APRIL_15)[scene.instansi.pk][0]
    assert row.unit_code == "UNIT-A" and not row.misses_minimum and row.plan_behind


def test_digest_goes_to_leadership_once_a_week(scene):
    sent = digest_send(today=MONDAY)
    assert sorted(p.user.username for p in sent) == ["admin.kota", "pimpinan.kota"]
    note = Notification.objects.get(user=scene.leadership)
    assert note.kind == "leadership_digest" and note.message == "Ringkasan mingguan ZI: 2 unit perlu perhatian"
    body = next(m for m in mail.outbox if m.to == ["pimpinan.kota@example.go.id"]).body
    assert "- UNIT-A Dinas Alfa: proyeksi nilai belum memenuhi minimum WBK (" in body
    assert "rencana aksi tertinggal (realisasi 0.00%)" in body
    assert "- UNIT-B Dinas Beta: proyeksi nilai belum memenuhi minimum WBK (" in body
    assert set(DigestSent.objects.values_list("week", flat=True)) == {MONDAY}
    mail.outbox.clear()
    assert digest_send(today=MONDAY + dt.timedelta(days=3)) == []  # same week
    assert mail.outbox == [] and Notification.objects.count() == 2
    assert len(digest_send(today=MONDAY + dt.timedelta(days=7))) == 2


def test_digest_respects_the_preference_and_dry_run(scene):
    ReminderPreference.objects.create(user=scene.admin, disabled_kinds=["leadership_digest"])
    out = StringIO()
    call_command("send_reminders", "--digest", "--dry-run", "--date", "2026-04-13", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "pimpinan.kota <pimpinan.kota@example.go.id> leadership_digest",
    ] * 2
    assert lines[-1] == "1 person(s) would be reminded on 2026-04-13."
    assert not DigestSent.objects.exists() and not Notification.objects.exists() and mail.outbox == []


def test_no_digest_when_nothing_to_flag(world):
    assert digest_send(today=MONDAY) == []
