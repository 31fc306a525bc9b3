"""Personas and shared fixtures.

The persona set (see the house style): a unit team member, a unit leader, an assigned TPI
assessor, an unassigned TPI assessor, leadership, an administrator and a member of another unit.
"""

from types import SimpleNamespace

import pytest

from tests.factories import (
    InstansiFactory,
    InstansiRoleFactory,
    MembershipFactory,
    TpiAssignmentFactory,
    UserFactory,
    WorkUnitFactory,
)
from units.models import InstansiRole, TpiAssignment, UnitMembership


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
