"""The Django admin shows the work rows read-only and lets administrators adjust period dates."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Period, Report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user, backend="units.backends.UsernameOrNipBackend")
    return client


@pytest.mark.parametrize("model", [Period, Assessment, AuditEvent, Report])
def test_changelists_load(lke, superuser_client, model):
    url = reverse(f"admin:assessments_{model._meta.model_name}_changelist")
    assert superuser_client.get(url).status_code == 200


def test_work_rows_are_read_only(lke, superuser_client):
    assert superuser_client.get(reverse("admin:assessments_assessment_add")).status_code == 403
    url = reverse("admin:assessments_assessment_change", args=[lke.assessment.pk])
    response = superuser_client.post(url, {"state": "final"})
    assert response.status_code == 403
    lke.assessment.refresh_from_db()
    assert lke.assessment.state == "draft"
    assert superuser_client.post(reverse("admin:assessments_assessment_delete", args=[lke.assessment.pk]),
                                 {"post": "yes"}).status_code == 403
    assert Assessment.objects.filter(pk=lke.assessment.pk).exists()


def test_period_dates_are_editable_but_not_its_year(lke, superuser_client):
    url = reverse("admin:assessments_period_change", args=[lke.period.pk])
    response = superuser_client.post(url, {
        "opens_on": "2026-02-01", "closes_on": "2026-11-30", "proposal_deadline": "2026-06-15",
        "year": "2031",
    })
    assert response.status_code == 302
    period = Period.objects.get(pk=lke.period.pk)
    assert period.proposal_deadline == dt.date(2026, 6, 15) and period.year == 2026
    # a period with assessments cannot be deleted
    assert superuser_client.post(reverse("admin:assessments_period_delete", args=[lke.period.pk]),
                                 {"post": "yes"}).status_code == 403
