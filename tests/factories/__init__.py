"""factory_boy factories for the portal's models."""

import datetime as dt

import factory

from units.models import (
    Instansi,
    InstansiFact,
    InstansiRole,
    TpiAssignment,
    UnitFact,
    UnitMembership,
    User,
    WorkUnit,
)

PASSWORD = "Rahasia-Uji-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Pegawai Uji {n}")
    nip = factory.Sequence(lambda n: f"19800101200501{n:04d}")
    jabatan = "Analis"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    password = factory.django.Password(PASSWORD)


class InstansiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instansi
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Pemerintah Kabupaten Uji {n}")
    kind = Instansi.Kind.PEMDA
    address = "Jl. Uji No. 1"


class InstansiFactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstansiFact

    instansi = factory.SubFactory(InstansiFactory)
    year = 2026
    bpk_opinion = "WTP"
    sakip_grade = "BB"
    indeks_rb_grade = "B"
    spip_level = 3


class WorkUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkUnit

    instansi = factory.SubFactory(InstansiFactory)
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    code = factory.Sequence(lambda n: f"UNIT-{n}")
    core_service = True
    pencanangan_date = dt.date(2024, 1, 15)


class UnitFactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitFact

    unit = factory.SubFactory(WorkUnitFactory)
    year = 2026
    findings_followup_pct = 100
    lhkpn_pct = 100
    lhkasn_pct = 100
    internal_sakip_grade = "BB"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitMembership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(WorkUnitFactory)
    role = UnitMembership.Role.TEAM


class TpiAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TpiAssignment

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(WorkUnitFactory)
    year = 2026
    role = TpiAssignment.Role.MEMBER


class InstansiRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstansiRole

    user = factory.SubFactory(UserFactory)
    instansi = factory.SubFactory(InstansiFactory)
    role = InstansiRole.Role.LEADERSHIP
