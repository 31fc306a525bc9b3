"""Hostile titles through the whole pack, and the queries of a build at two sizes."""

import posixpath

import pytest

from packs import selectors, services
from packs.names import is_safe_path
from packs.zipbuild import MODE_FILES
from tests.evidence.helpers import pdf_bytes

from .conftest import attach_file, open_zip

pytestmark = pytest.mark.django_db

HOSTILE = [
    "../../etc/passwd", "..\\..\\windows\\system32", "C:\\x", "/etc/shadow", "\u202efdp.exe",
    "\uff33\uff2b \uff34\uff29\uff2d",  # full-width "SK TIM"
    "\u0430dmin \u0440\u0430ss",  # Cyrillic look-alikes of "admin pass"
    "CON", "nul.txt", ".htaccess", "x" * 250, "tab\there\nnewline", "\x00nul\x7f",
    "SK Tim ZI", "sk tim zi", "SK TIM ZI",
]


def test_hostile_titles_never_leave_their_folder_and_never_collide(packed, tmp_path):
    item = packed.items["R.1.i.a"]
    for n, title in enumerate(HOSTILE):
        attach_file(packed.assessment, item, title.replace("\x00", ""), pdf_bytes(f"hostile {n}"))
    out = tmp_path / "hostile.zip"
    services.pack_write(out, [selectors.unit_pack(packed.assessment, base_url="https://zi.example.go.id")],
                        mode=MODE_FILES)
    names = open_zip(out).namelist()
    assert len({n.lower() for n in names}) == len(names)
    folder = "AREA 1 - Manajemen Perubahan/I. Komitmen dalam Perubahan/"
    hostile = [n for n in names if n.startswith(folder)]
    assert len(hostile) == len(HOSTILE)
    for name in names:
        assert is_safe_path(name) and len(name) <= 100 and posixpath.normpath(name) == name
    assert f"{folder}R.1.i.a SK TIM.pdf" in names  # full-width letters become ASCII
    assert f"{folder}R.1.i.a dmin ss.pdf" in names  # the Cyrillic letters are dropped, not passed as Latin
    assert f"{folder}R.1.i.a fdp.exe.pdf" in names  # no RTL override: the real extension shows last
    assert {f"{folder}R.1.i.a SK Tim ZI.pdf", f"{folder}R.1.i.a sk tim zi (2).pdf",
            f"{folder}R.1.i.a SK TIM ZI (3).pdf"} <= set(names)


@pytest.mark.parametrize("extra", [0, 12])
def test_a_build_runs_the_same_queries_whatever_the_number_of_files(packed, tmp_path, extra,
                                                                    django_assert_max_num_queries):
    for n in range(extra):
        attach_file(packed.assessment, packed.items["R.1.i.a"], f"Tambahan {n}", pdf_bytes(f"tambahan {n}"))
    with django_assert_max_num_queries(8):
        unit = selectors.unit_pack(packed.assessment, base_url="https://zi.example.go.id")
        services.pack_write(tmp_path / "q.zip", [unit], mode=MODE_FILES)
    assert len(open_zip(tmp_path / "q.zip").namelist()) == 3 + 4 + extra


def test_the_admin_shows_packs_read_only(packed, client, django_user_model):
    from django.urls import reverse  # noqa: PLC0415

    services.pack_request(actor=packed.team_a, assessment=packed.assessment)
    root = django_user_model.objects.create_superuser("root.pack", "root@example.go.id", "Root-Pass-1")
    client.force_login(root, backend="units.backends.UsernameOrNipBackend")
    page = client.get(reverse("admin:packs_submissionpack_changelist"))
    assert page.status_code == 200 and "UNIT-A" in page.content.decode()
    assert client.get(reverse("admin:packs_submissionpack_add")).status_code == 403
