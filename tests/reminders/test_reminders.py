"""Who is reminded of what and when, once a day, as each person chose; the command and the beat."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessments.models import AssessmentFigures, Notification
from programme import services_monitoring
from reminders import collectors
from reminders.models import ReminderKind, ReminderPreference, ReminderSent
from reminders.services import reminders_send
from reminders.tasks import send_daily_reminders, send_weekly_digest
from tests.factories import AssessmentFactory, MembershipFactory, WorkUnitFactory

from .conftest import APRIL_15

ITEMS = "items_open_near_deadline"


def _who(planned):
    return {p.user.username: p.kinds for p in planned}


def test_who_is_reminded_of_what(scene):
    planned = reminders_send(today=APRIL_15)
    assert _who(planned) == {
        "pimpinan.a": ["activity_overdue", ITEMS],
        "tim.a": ["activity_overdue", ITEMS],
        "tpi.lead": ["review_waiting"],
    }
    team = next(p for p in planned if p.user == scene.team_a)
    assert [c.message for c in team.candidates] == [
        "Rencana aksi UNIT-A 2026: 1 kegiatan terlambat (Sosialisasi ZI).",
        f"LKE UNIT-A 2026: {scene.draft_a.instrument.items.count()} butir belum dijawab, "
        f"{scene.draft_a.instrument.items.count()} butir tanpa eviden; "
        "batas penilaian mandiri 24 April 2026 (9 hari lagi).",
    ]
    assert [c.url for c in team.candidates] == [
        "/units/UNIT-A/rencana-aksi/2026/",
        f"/penilaian/{scene.draft_a.pk}/lke/",
    ]
    tpi = next(p for p in planned if p.user == scene.tpi_lead)
    assert tpi.candidates[0].message == (
        "Penilaian UNIT-B 2026 menunggu reviu TPI; batas reviu 24 Mei 2026 (39 hari lagi)."
    )
    # one in-app notification per person, and one e-mail to each address
    assert sorted(Notification.objects.filter(kind="reminder").values_list("user__username", flat=True)) == [
        "pimpinan.a",
        "tim.a",
        "tpi.lead",
    ]
    team_note = Notification.objects.get(user=scene.team_a)
    assert team_note.message.startswith("2 hal perlu perhatian Anda: Rencana aksi UNIT-A 2026")
    assert team_note.url == "/notifikasi/" and team_note.emailed_at is not None  # no second e-mail by the task
    assert sorted(m.to[0] for m in mail.outbox) == [
        "pimpinan.a@example.go.id",
        "tim.a@example.go.id",
        "tpi.lead@example.go.id",
    ]
    body = next(m for m in mail.outbox if m.to == ["tim.a@example.go.id"]).body
    assert "Sosialisasi ZI" in body and "batas penilaian mandiri 24 April 2026" in body
    assert "/akun/pengingat/" in body
    assert set(ReminderSent.objects.values_list("user__username", "date")) == {
        ("pimpinan.a", APRIL_15),
        ("tim.a", APRIL_15),
        ("tpi.lead", APRIL_15),
    }


def test_at_most_once_a_day(scene):
    assert len(reminders_send(today=APRIL_15)) == 3
    mail.outbox.clear()
    assert reminders_send(today=APRIL_15) == []
    assert Notification.objects.count() == 3 and mail.outbox == []
    assert len(reminders_send(today=APRIL_15 + dt.timedelta(days=1))) == 3  # the next day: again


def test_nothing_when_nothing_is_due(scene):
    # 1 March: no quarter has ended, the self-assessment deadline is 54 days away; only the TPI
    assert _who(reminders_send(today=dt.date(2026, 3, 1))) == {"tpi.lead": ["review_waiting"]}
    # after the self-assessment deadline the open items are no longer reminded of
    assert _who(reminders_send(today=dt.date(2026, 4, 25), dry_run=True))["tim.a"] == ["activity_overdue"]
    # on the deadline day itself they still are
    assert _who(reminders_send(today=dt.date(2026, 4, 24), dry_run=True))["tim.a"] == ["activity_overdue", ITEMS]


def test_unit_b_and_unassigned_people_are_not_told_of_unit_a(scene):
    names = _who(reminders_send(today=APRIL_15, dry_run=True))
    assert not {"tim.b", "tpi.a", "tpi.lain", "pimpinan.kota", "admin.kota"} & set(names)


def test_preferences_off_means_nothing(scene):
    ReminderPreference.objects.create(user=scene.team_a, in_app=False, email=False)
    ReminderPreference.objects.create(user=scene.leader_a, disabled_kinds=["activity_overdue"])
    ReminderPreference.objects.create(user=scene.tpi_lead, email=False)
    planned = reminders_send(today=APRIL_15)
    assert _who(planned) == {"pimpinan.a": [ITEMS], "tpi.lead": ["review_waiting"]}
    assert not Notification.objects.filter(user=scene.team_a).exists()
    assert [m.to for m in mail.outbox] == [["pimpinan.a@example.go.id"]]  # the TPI chose in-app only
    assert Notification.objects.filter(user=scene.tpi_lead).count() == 1


def test_email_only_sends_no_notification(scene):
    ReminderPreference.objects.create(user=scene.tpi_lead, in_app=False)
    reminders_send(today=APRIL_15)
    assert not Notification.objects.filter(user=scene.tpi_lead).exists()
    assert ["tpi.lead@example.go.id"] in [m.to for m in mail.outbox]


def test_preference_rejects_unknown_or_repeated_kinds(world):
    with pytest.raises(ValidationError, match="tidak dikenal: nope"):
        ReminderPreference(user=world.team_a, disabled_kinds=["nope"]).full_clean()
    with pytest.raises(ValidationError, match="berulang"):
        ReminderPreference(user=world.team_a, disabled_kinds=[ITEMS, ITEMS]).full_clean()
    with pytest.raises(ValidationError, match="daftar"):
        ReminderPreference(user=world.team_a, disabled_kinds={"a": 1}).full_clean()


def test_dry_run_writes_nothing_and_prints_one_line_per_person_and_kind(scene):
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--date", "2026-04-15", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("pimpinan.a <pimpinan.a@example.go.id> activity_overdue: Rencana aksi UNIT-A 2026")
    assert [line.split(" ")[2] for line in lines[:-1]] == [
        "activity_overdue:",
        f"{ITEMS}:",
        "activity_overdue:",
        f"{ITEMS}:",
        "review_waiting:",
    ]
    assert lines[-1] == "3 person(s) would be reminded on 2026-04-15."
    assert not ReminderSent.objects.exists() and not Notification.objects.exists()
    assert not AssessmentFigures.objects.exists() and mail.outbox == []


def test_the_command_sends(scene):
    out = StringIO()
    call_command("send_reminders", "--date", "2026-04-15", stdout=out)
    assert out.getvalue().splitlines()[-1] == "3 person(s) reminded on 2026-04-15."
    assert ReminderSent.objects.count() == 3 and len(mail.outbox) == 3


def test_a_registered_collector_joins_the_day_s_message(scene, monkeypatch):
    """How the TPI monitoring adds ``recommendation_overdue`` at the merge."""

    def recommendations(today):
        return [collectors.Candidate(scene.team_a, ReminderKind.RECOMMENDATION_OVERDUE, "Rekomendasi X lewat", "/x/")]

    monkeypatch.setattr(collectors, "COLLECTORS", [*collectors.COLLECTORS])
    collectors.register(recommendations)
    team = next(p for p in reminders_send(today=APRIL_15) if p.user == scene.team_a)
    assert team.kinds == ["activity_overdue", ITEMS, "recommendation_overdue"]
    assert Notification.objects.filter(user=scene.team_a).count() == 1


@pytest.mark.parametrize("units", [1, 4])
def test_collecting_takes_a_fixed_number_of_queries(scene, units, django_assert_max_num_queries):
    for n in range(units):
        unit = WorkUnitFactory(instansi=scene.instansi, code=f"EXTRA-{n}")
        MembershipFactory(unit=unit)
        AssessmentFactory(unit=unit, period=scene.period)
    with django_assert_max_num_queries(13):
        reminders_send(today=APRIL_15, dry_run=True)


def test_beat_runs_reminders_daily_and_the_digest_weekly():
    schedule = settings.CELERY_BEAT_SCHEDULE
    daily = schedule["send-daily-reminders"]
    weekly = schedule["send-weekly-digest"]
    assert daily["task"] == "reminders.tasks.send_daily_reminders"
    assert weekly["task"] == "reminders.tasks.send_weekly_digest"
    assert daily["schedule"].hour == {6} and daily["schedule"].minute == {0}
    assert weekly["schedule"].day_of_week == {1} and weekly["schedule"].hour == {6}
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"


def test_the_task_calls_the_service(world):
    assert send_daily_reminders() == 0
    assert send_weekly_digest() == 0


def test_overdue_monitoring_recommendations_remind_the_unit(scene):
    """A recommendation past its deadline and still open reminds the unit's members; one the unit has
    followed up (waiting for the TPI) and one not yet due do not."""
    visit = services_monitoring.visit_record(
        actor=scene.tpi_a, unit=scene.unit_a, year=2026, date=dt.date(2026, 2, 10), method="desk"
    )
    for text, deadline in [("Lengkapi SK tim", dt.date(2026, 3, 31)), ("Unggah notulen", dt.date(2026, 3, 1))]:
        services_monitoring.recommendation_create(
            actor=scene.tpi_a, visit=visit, area="1", text=text, deadline=deadline
        )
    services_monitoring.recommendation_create(
        actor=scene.tpi_a, visit=visit, area="2", text="Belum jatuh tempo", deadline=dt.date(2026, 5, 1)
    )
    answered = visit.recommendations.get(text="Unggah notulen")
    services_monitoring.follow_up_record(actor=scene.team_a, recommendation=answered, text="Sudah diunggah")
    found = [c for c in collectors.recommendation_overdue(APRIL_15)]
    assert sorted((c.user.username, c.kind) for c in found) == [
        ("pimpinan.a", "recommendation_overdue"),
        ("tim.a", "recommendation_overdue"),
    ]
    assert found[0].message == (
        "Pemantauan TPI UNIT-A 2026: 1 rekomendasi melewati tenggat tanpa tindak lanjut "
        "(tenggat paling awal 31 Maret 2026)."
    )
    assert found[0].url == "/units/UNIT-A/pemantauan/2026/"
    planned = reminders_send(today=APRIL_15)
    assert _who(planned)["tim.a"] == ["activity_overdue", ITEMS, "recommendation_overdue"]
