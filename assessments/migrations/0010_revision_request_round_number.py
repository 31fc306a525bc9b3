"""Number the revision requests of each assessment (review rounds 1, 2, …) by their creation time."""

import django.core.validators
from django.db import migrations, models


def number_requests(apps, schema_editor):
    RevisionRequest = apps.get_model("assessments", "RevisionRequest")
    counters: dict[int, int] = {}
    for request in RevisionRequest.objects.order_by("assessment_id", "created_at", "pk").only("pk", "assessment_id"):
        counters[request.assessment_id] = counters.get(request.assessment_id, 0) + 1
        RevisionRequest.objects.filter(pk=request.pk).update(number=counters[request.assessment_id])


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0009_tpn_figures_and_disparity_cache"),
    ]

    operations = [
        migrations.AddField(
            model_name="revisionrequest",
            name="number",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="putaran"),
        ),
        migrations.RunPython(number_requests, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="revisionrequest",
            name="number",
            field=models.PositiveSmallIntegerField(
                validators=[django.core.validators.MinValueValidator(1)], verbose_name="putaran"),
        ),
        migrations.AddConstraint(
            model_name="revisionrequest",
            constraint=models.UniqueConstraint(fields=("assessment", "number"), name="revisionrequest_unique_number"),
        ),
        migrations.AddConstraint(
            model_name="revisionrequest",
            constraint=models.CheckConstraint(condition=models.Q(("number__gte", 1)),
                                              name="revisionrequest_number_positive"),
        ),
    ]
