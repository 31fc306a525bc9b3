"""factory_boy factories of the `units` app: users, instansi, work units, their facts and roles."""

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


class ValidatedFactory(factory.django.DjangoModelFactory):
    """Runs ``full_clean()`` before saving, so a factory cannot write a row the model refuses
    (a conflict of interest, a duplicate, a state the workflow does not know). With
    ``django_get_or_create`` an existing row is returned (and checked) instead of a duplicate."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if cls._meta.django_get_or_create:
            obj = super()._create(model_class, *args, **kwargs)
            obj.full_clean()
            return obj
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj


class UserFactory(ValidatedFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Pegawai Uji {n}")
    nip = factory.Sequence(lambda n: f"19800101200501{n:04d}")
    jabatan = "Analis"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    password = factory.django.Password(PASSWORD)


class InstansiFactory(ValidatedFactory):
    class Meta:
        model = Instansi
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Pemerintah Kabupaten Uji {n}")
    kind = Instansi.Kind.PEMDA
    address = "Jl. Uji No. 1"


class InstansiFactFactory(ValidatedFactory):
    class Meta:
        model = InstansiFact

    instansi = factory.SubFactory(InstansiFactory)
    year = 2026
    bpk_opinion = "WTP"
    sakip_grade = "BB"
    indeks_rb_grade = "B"
    spip_level = 3


class WorkUnitFactory(ValidatedFactory):
    class Meta:
        model = WorkUnit

    instansi = factory.SubFactory(InstansiFactory)
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    code = factory.Sequence(lambda n: f"UNIT-{n}")
    core_service = True
    pencanangan_date = dt.date(2024, 1, 15)


class UnitFactFactory(ValidatedFactory):
    class Meta:
        model = UnitFact

    unit = factory.SubFactory(WorkUnitFactory)
    year = 2026
    findings_followup_pct = 100
    lhkpn_pct = 100
    lhkasn_pct = 100
    internal_sakip_grade = "BB"


class MembershipFactory(ValidatedFactory):
    class Meta:
        model = UnitMembership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(WorkUnitFactory)
    role = UnitMembership.Role.TEAM


class TpiAssignmentFactory(ValidatedFactory):
    class Meta:
        model = TpiAssignment

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(WorkUnitFactory)
    year = 2026
    role = TpiAssignment.Role.MEMBER


class InstansiRoleFactory(ValidatedFactory):
    class Meta:
        model = InstansiRole

    user = factory.SubFactory(UserFactory)
    instansi = factory.SubFactory(InstansiFactory)
    role = InstansiRole.Role.LEADERSHIP
