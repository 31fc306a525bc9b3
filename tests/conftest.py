"""Personas and shared fixtures.

The persona set (see the house style): a unit team member, a unit leader, an assigned TPI
assessor, an unassigned TPI assessor, leadership, an administrator and a member of another unit.
"""

import time
from types import SimpleNamespace

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from assessments.services import ensure_bundled_instrument
from tests.factories import (
    AssessmentFactory,
    InstansiFactory,
    InstansiRoleFactory,
    MembershipFactory,
    PeriodFactory,
    TpiAssignmentFactory,
    UserFactory,
    WorkUnitFactory,
    bundled_instrument,
)
from units.models import InstansiRole, TpiAssignment, UnitMembership
from zi_portal.celery import app


@pytest.fixture(autouse=True)
def _bundled_instrument(request):
    """Every database test sees the published PermenPANRB 90/2021 instrument that migrate loads.

    A transactional test (browser, Celery worker) flushes the tables afterwards, migrated rows
    included; this puts the instrument back for whatever runs next."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not ({"db", "transactional_db"} & set(request.fixturenames)):
        return
    request.getfixturevalue("db")

    ensure_bundled_instrument()


@pytest.fixture
def world(db):
    """Two units of one instansi and one persona of every kind."""
    instansi = InstansiFactory(name="Pemerintah Kota Uji")
    unit_a = WorkUnitFactory(instansi=instansi, code="UNIT-A", name="Dinas Alfa")
    unit_b = WorkUnitFactory(instansi=instansi, code="UNIT-B", name="Dinas Beta")
    p = SimpleNamespace(instansi=instansi, unit_a=unit_a, unit_b=unit_b)
    p.team_a = MembershipFactory(unit=unit_a, user=UserFactory(username="tim.a")).user
    p.leader_a = MembershipFactory(
        unit=unit_a, role=UnitMembership.Role.LEADER, user=UserFactory(username="pimpinan.a")
    ).user
    p.team_b = MembershipFactory(unit=unit_b, user=UserFactory(username="tim.b")).user
    p.tpi_a = TpiAssignmentFactory(unit=unit_a, user=UserFactory(username="tpi.a")).user
    p.tpi_lead = TpiAssignmentFactory(
        unit=unit_b, role=TpiAssignment.Role.LEAD, user=UserFactory(username="tpi.lead")
    ).user
    p.tpi_unassigned = UserFactory(username="tpi.lain")
    p.leadership = InstansiRoleFactory(instansi=instansi, user=UserFactory(username="pimpinan.kota")).user
    p.admin = InstansiRoleFactory(
        instansi=instansi, role=InstansiRole.Role.ADMIN, user=UserFactory(username="admin.kota")
    ).user
    return p


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="units.backends.UsernameOrNipBackend")
        return client

    return _login


@pytest.fixture(scope="session")
def _celery_worker_session():
    """A real Celery worker (a thread of this process) when a broker is configured.

    Without a broker the portal runs tasks in-process after commit, so there is nothing to start.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"):
        yield app


@pytest.fixture
def run_tasks(_celery_worker_session):
    """Wait for the side effect of enqueued tasks: ``run_tasks.until(lambda: ..., timeout=10)``.

    Tests using it must run with ``django_db(transaction=True)``: the worker reads committed rows
    through its own database connection.
    """
    class Waiter:
        broker = _celery_worker_session is not None

        @staticmethod
        def until(predicate, timeout: float = 15.0) -> bool:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if predicate():
                    return True
                time.sleep(0.05)
            return predicate()

    return Waiter()


@pytest.fixture
def lke(world):
    """An assessment of UNIT-A for 2026 (target WBK) with a TPI lead assigned to UNIT-A too."""
    world.period = PeriodFactory(instansi=world.instansi, year=2026)
    world.instrument = bundled_instrument()
    world.tpi_lead_a = TpiAssignmentFactory(
        unit=world.unit_a, role=TpiAssignment.Role.LEAD, user=UserFactory(username="tpi.ketua.a")
    ).user
    world.assessment = AssessmentFactory(unit=world.unit_a, period=world.period, instrument=world.instrument)
    world.assessment_b = AssessmentFactory(unit=world.unit_b, period=world.period, instrument=world.instrument)
    return world
