"""The uploaded workbook kept between preview and confirmation: a cap per user, and the sweep."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.excel_data import lke_export_data
from assessments.models import Answer
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import build_lke_workbook
from assessments.services import lke_import
from assessments.tasks import sweep_lke_import_stash
from zi_portal.celery import app

from .helpers import cell, load, save

pytestmark = pytest.mark.django_db


def kept(settings) -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "private" / "lke-import"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def preview(client, assessment, content: bytes):
    response = client.post(reverse("assessments:assessment_lke_import", args=[assessment.pk]),
                           {"berkas": SimpleUploadedFile("lke.xlsx", content)})
    assert response.status_code == 200
    return response.context["token"], response.context["digest"]


def edited(assessment) -> tuple[bytes, str]:
    wb = load(build_lke_workbook(lke_export_data(assessment)))
    old = Answer.objects.get(assessment=assessment, item__code="P.1.iv.a").unit_answer
    new = "Tidak" if old == "Ya" else "Ya"
    cell(wb[layout.SHEET_LKE], "P.1.iv.a", "unit_answer").value = new
    return save(wb), new


def test_each_user_keeps_at_most_the_cap_the_oldest_replaced(filled, login, settings):
    settings.LKE_IMPORT_STASH_PER_USER = 3
    a = filled.assessment
    content, new = edited(a)
    client = login(filled.team_a)
    tokens = []
    for n in range(5):
        token, digest = preview(client, a, content)
        tokens.append((token, digest))
        assert len(kept(settings)) == 2 * min(n + 1, 3)
    assert kept(settings) == {f"{t}{suffix}" for t, _ in tokens[-3:] for suffix in (".xlsx", ".json")}
    # another user's uploads neither count against nor replace the team member's
    leader_token, _ = preview(login(filled.leader_a), a, content)
    assert len(kept(settings)) == 8
    # a replaced preview says so; a kept one still applies
    client = login(filled.team_a)
    response = client.post(reverse("assessments:assessment_lke_import_confirm", args=[a.pk]),
                           {"token": tokens[0][0], "digest": tokens[0][1]}, follow=True)
    assert "sudah kedaluwarsa atau tidak ditemukan" in response.content.decode()
    assert Answer.objects.get(assessment=a, item__code="P.1.iv.a").unit_answer != new
    response = client.post(reverse("assessments:assessment_lke_import_confirm", args=[a.pk]),
                           {"token": tokens[-1][0], "digest": tokens[-1][1]})
    assert response.status_code == 302 and response["Location"] == reverse("assessments:assessment_detail", args=[a.pk])
    assert Answer.objects.get(assessment=a, item__code="P.1.iv.a").unit_answer == new
    assert f"{leader_token}.xlsx" in kept(settings)


def test_the_beat_task_sweeps_expired_stashes(filled, settings):
    token, _ = lke_import.stash_upload(user_id=filled.team_a.pk, assessment_id=filled.assessment.pk, data=b"x")
    fresh, _ = lke_import.stash_upload(user_id=filled.team_b.pk, assessment_id=filled.assessment.pk, data=b"y")
    folder = Path(settings.MEDIA_ROOT) / "private" / "lke-import"
    old = time.time() - settings.LKE_IMPORT_TTL_SECONDS - 60
    for suffix in (".xlsx", ".json"):
        os.utime(folder / f"{token}{suffix}", (old, old))
    assert sweep_lke_import_stash.apply().get() == 2
    assert kept(settings) == {f"{fresh}.xlsx", f"{fresh}.json"}
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-lke-import-stash"]
    assert entry["task"] in app.tasks and entry["schedule"] <= settings.LKE_IMPORT_TTL_SECONDS
