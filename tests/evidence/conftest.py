"""Evidence fixtures: a private MEDIA_ROOT per test and an assessment of unit A on the published
instrument (files and other helpers are in ``helpers.py``)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from pytest_django.plugin import blocking_manager_key

from assessments.models import InstrumentItem
from tests.factories import AssessmentFactory, PeriodFactory, bundled_instrument


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.EVIDENCE_MAX_UPLOAD_MB = 25
    settings.EVIDENCE_MAX_FILES_PER_UPLOAD = 20
    return root


@pytest.fixture
def lke(world) -> SimpleNamespace:
    """``world`` plus a 2026 period, a draft WBK assessment of unit A and a few of its items."""
    world.instrument = bundled_instrument()
    world.period = PeriodFactory(instansi=world.instansi, year=2026)
    world.assessment = AssessmentFactory(
        unit=world.unit_a, period=world.period, instrument=world.instrument, created_by=world.leader_a
    )
    world.items = list(InstrumentItem.objects.filter(instrument=world.instrument).order_by("position")[:6])
    world.item = world.items[0]
    return world


def ensure_published_instrument() -> None:
    """Load the bundled instrument the way its data migration does, if a flush removed it."""
    importlib.import_module("assessments.migrations.0002_load_permenpanrb_90_2021").load(apps, None)


@pytest.fixture
def published_instrument(transactional_db) -> None:
    """For transactional (browser) tests: an earlier one may have flushed the migrated rows."""
    ensure_published_instrument()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a browser test (transactional: its teardown flushes every table), load the instrument
    back, so the tests after it find the database as they would without it."""
    yield
    if item.get_closest_marker("e2e") is None:
        return

    with item.config.stash[blocking_manager_key].unblock():
        ensure_published_instrument()
