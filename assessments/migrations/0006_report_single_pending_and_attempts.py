import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


PENDING = ("queued", "running")


def fail_duplicate_pending_reports(apps, schema_editor):
    """Before the one-pending-report constraints: of several pending reports of one requester and
    assessment (or recap instansi and year), keep the newest and mark the older ones failed."""
    Report = apps.get_model("assessments", "Report")
    seen = set()
    for report in Report.objects.filter(status__in=PENDING).order_by("-created_at", "-pk"):
        if report.requested_by_id is None:
            continue
        key = (report.kind, report.assessment_id, report.instansi_id if report.kind == "recap" else None,
               report.year if report.kind == "recap" else None, report.requested_by_id)
        if key in seen:
            Report.objects.filter(pk=report.pk).update(
                status="failed", finished_at=django.utils.timezone.now(),
                error="Digantikan oleh permintaan yang lebih baru.",
            )
        seen.add(key)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0005_figures_cache'),
        ('units', '0003_api_token'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='report',
            name='enqueued_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(fail_duplicate_pending_reports, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'assessment'), ('status__in', ('queued', 'running'))), fields=('assessment', 'requested_by'), name='report_one_pending_per_requester', violation_error_message='Laporan penilaian ini yang Anda minta masih diproses.'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'recap'), ('status__in', ('queued', 'running'))), fields=('instansi', 'year', 'requested_by'), name='report_one_pending_recap_per_requester', violation_error_message='Rekap instansi tahun ini yang Anda minta masih diproses.'),
        ),
    ]
