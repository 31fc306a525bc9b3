"""Every URL module of the project's apps is namespaced, and nothing uses our URL names bare.

The names gained a namespace (``units:``, ``accounts:``, ``assessments:``, ``evidence:``); the
paths did not change — they are contracts (links in e-mails, bookmarks, API clients), so the
exact old path of every name is pinned here.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

ROOT = Path(settings.BASE_DIR).resolve()

EXPECTED_NAMESPACES = {
    "units.urls": "units",
    "units.auth_urls": "accounts",
    "assessments.urls": "assessments",
    "evidence.urls": "evidence",
    "programme.urls": "programme",
    "reminders.urls": "reminders",
    "surveys.urls": "surveys",
    "packs.urls": "packs",
}

# (namespaced name, args, the exact path it had before the names were namespaced)
PATHS = [
    ("units:home", [], "/"),
    ("units:unit_list", [], "/units/"),
    ("units:unit_create", [], "/units/baru/"),
    ("units:unit_detail", ["RSUD"], "/units/RSUD/"),
    ("units:unit_edit", ["RSUD"], "/units/RSUD/ubah/"),
    ("units:unit_members", ["RSUD"], "/units/RSUD/anggota/"),
    ("units:unit_member_remove", ["RSUD", 3], "/units/RSUD/anggota/3/hapus/"),
    ("units:unit_tpi_remove", ["RSUD", 4], "/units/RSUD/tpi/4/hapus/"),
    ("units:unit_fact_new", ["RSUD"], "/units/RSUD/data/"),
    ("units:unit_fact_edit", ["RSUD", 2026], "/units/RSUD/data/2026/"),
    ("units:unit_predicate_add", ["RSUD"], "/units/RSUD/predikat/baru/"),
    ("units:instansi_detail", [1], "/instansi/1/"),
    ("units:instansi_fact_edit", [1, 2026], "/instansi/1/data/2026/"),
    ("accounts:login", [], "/accounts/login/"),
    ("accounts:logout", [], "/accounts/logout/"),
    ("accounts:password_change", [], "/accounts/password_change/"),
    ("accounts:password_change_done", [], "/accounts/password_change/done/"),
    ("accounts:twofactor", [], "/accounts/2fa/"),
    ("accounts:twofactor_setup", [], "/accounts/2fa/setup/"),
    ("accounts:twofactor_verify", [], "/accounts/2fa/verify/"),
    ("accounts:twofactor_remove", [], "/accounts/2fa/remove/"),
    ("assessments:assessment_list", [], "/penilaian/"),
    ("assessments:assessment_create", [], "/penilaian/baru/"),
    ("assessments:assessment_detail", [1], "/penilaian/1/"),
    ("assessments:assessment_worksheet", [1], "/penilaian/1/lke/"),
    ("assessments:assessment_score_bar", [1], "/penilaian/1/skor/"),
    ("assessments:item_save", [1, "P.1.i.a"], "/penilaian/1/butir/P.1.i.a/simpan/"),
    ("assessments:item_comment", [1, "P.1.i.a"], "/penilaian/1/butir/P.1.i.a/komentar/"),
    ("assessments:assessment_transition", [1, "submit"], "/penilaian/1/status/submit/"),
    ("assessments:assessment_revision", [1], "/penilaian/1/perbaikan/"),
    ("assessments:assessment_audit", [1], "/penilaian/1/audit/"),
    ("assessments:assessment_rounds", [1], "/penilaian/1/putaran/"),
    ("assessments:assessment_audit_csv", [1], "/penilaian/1/audit.csv"),
    ("assessments:assessment_lke_xlsx", [1], "/penilaian/1/lke.xlsx"),
    ("assessments:assessment_lke_import", [1], "/penilaian/1/impor/"),
    ("assessments:assessment_lke_import_confirm", [1], "/penilaian/1/impor/terapkan/"),
    ("assessments:report_recap_xlsx", [], "/laporan/rekap.xlsx"),
    ("assessments:assessment_reports", [1], "/penilaian/1/laporan/"),
    ("assessments:report_recap", [], "/laporan/rekap/"),
    ("assessments:report_status", [7], "/laporan/7/"),
    ("assessments:report_status_partial", [7], "/laporan/7/status/"),
    ("assessments:report_download", [7], "/laporan/7/unduh/"),
    ("assessments:api_assessment_list", [], "/api/v1/assessments/"),
    ("assessments:api_assessment_detail", [1], "/api/v1/assessments/1/"),
    ("assessments:api_openapi", [], "/api/v1/openapi.json"),
    ("assessments:api_docs", [], "/api/v1/docs/"),
    ("assessments:dashboard", [], "/dasbor/"),
    ("assessments:notification_list", [], "/notifikasi/"),
    ("assessments:notification_read", [], "/notifikasi/baca/"),
    ("evidence:item", [1, "P.1.i.a"], "/penilaian/1/butir/P.1.i.a/bukti/"),
    ("evidence:upload", [1, "P.1.i.a"], "/penilaian/1/butir/P.1.i.a/bukti/unggah/"),
    ("evidence:review", [1, "P.1.i.a", 5], "/penilaian/1/butir/P.1.i.a/bukti/5/tinjau/"),
    ("evidence:download", [9], "/bukti/versi/9/unduh/"),
    ("programme:plan", ["RSUD", 2026], "/units/RSUD/rencana-aksi/2026/"),
    ("programme:activity_add", ["RSUD", 2026], "/units/RSUD/rencana-aksi/2026/kegiatan/baru/"),
    ("programme:activity_edit", ["RSUD", 2026, 7], "/units/RSUD/rencana-aksi/2026/kegiatan/7/ubah/"),
    ("programme:realisation", ["RSUD", 2026, 7], "/units/RSUD/rencana-aksi/2026/kegiatan/7/realisasi/"),
    ("programme:activity_delete", ["RSUD", 2026, 7], "/units/RSUD/rencana-aksi/2026/kegiatan/7/hapus/"),
    ("programme:pencanangan", ["RSUD", 2026], "/units/RSUD/pencanangan/2026/"),
    ("programme:api_programme", ["RSUD", 2026], "/api/v1/units/RSUD/programme/2026/"),
    ("programme:plan_xlsx", ["RSUD", 2026], "/units/RSUD/rencana-aksi/2026/rencana-aksi.xlsx"),
    ("programme:plan_import", ["RSUD", 2026], "/units/RSUD/rencana-aksi/2026/impor/"),
    ("surveys:results", ["RSUD", 2026], "/units/RSUD/survei/2026/"),
    ("surveys:import", ["RSUD", 2026], "/units/RSUD/survei/2026/impor/"),
    ("surveys:close", ["RSUD", 2026], "/units/RSUD/survei/2026/tutup/"),
    ("surveys:public_form", ["Ab3-x_9z"], "/s/Ab3-x_9z/"),
    ("surveys:settings", ["RSUD", 2026], "/units/RSUD/survei/2026/atur/"),
    ("surveys:responses", ["RSUD", 2026], "/units/RSUD/survei/2026/jawaban/"),
    ("surveys:response_exclude", ["RSUD", 2026, 5], "/units/RSUD/survei/2026/jawaban/5/kecualikan/"),
    ("surveys:response_include", ["RSUD", 2026, 5], "/units/RSUD/survei/2026/jawaban/5/sertakan/"),
]


def _local_app_dirs() -> list[Path]:
    """The folders of the project's own apps (not Django's, not installed packages)."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and "site-packages" not in path.parts:
            found.append(path)
    return found


def _url_modules() -> list[str]:
    """Dotted names of every URL module inside the project's apps (the root URLconf aside)."""
    modules = set()
    for app_dir in _local_app_dirs():
        for path in [*app_dir.rglob("urls.py"), *app_dir.rglob("*_urls.py")]:
            if "migrations" in path.parts:
                continue
            modules.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return sorted(modules - {settings.ROOT_URLCONF})


def _our_names() -> set[str]:
    """Every URL name inside the project's namespaces (Django's admin aside)."""
    names: set[str] = set()

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(entry.name)

    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in set(EXPECTED_NAMESPACES.values()):
            walk(entry.url_patterns)
    return names


_QUOTED = r"""(['"])([\w-]+)\1"""
_BARE_USES = [
    re.compile(r"\{%-?\s*url\s+" + _QUOTED),
    re.compile(r"(?<![\w])(?:reverse|reverse_lazy|redirect|resolve_url)\(\s*(?:viewname\s*=\s*|to\s*=\s*)?" + _QUOTED),
    re.compile(r"\b(?:LOGIN_URL|LOGIN_REDIRECT_URL|LOGOUT_REDIRECT_URL)\s*=\s*" + _QUOTED),
    re.compile(r"\b(?:next_page|success_url|pattern_name)\s*=\s*" + _QUOTED),
    # resolve(...).url_name never carries the namespace: compare view_name with the full name
    re.compile(r"\.url_name\s*[!=]=\s*" + _QUOTED),
]


def bare_uses(text: str, names: set[str]) -> list[str]:
    """The names of ours that ``text`` uses without their namespace."""
    return [m.group(2) for pattern in _BARE_USES for m in pattern.finditer(text) if m.group(2) in names]


def _files_to_scan() -> list[Path]:
    template_dirs = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    template_dirs += [app_dir / "templates" for app_dir in _local_app_dirs()]
    files = [p for d in template_dirs if d.is_dir() for p in d.rglob("*") if p.suffix in {".html", ".txt", ".xml"}]
    for folder in [*_local_app_dirs(), ROOT / "zi_portal", ROOT / "tests"]:
        files += [p for p in folder.rglob("*.py") if "migrations" not in p.parts]
    return sorted({p.resolve() for p in files})


def test_every_url_module_of_the_apps_defines_app_name():
    modules = _url_modules()
    assert set(EXPECTED_NAMESPACES) <= set(modules)
    missing = [name for name in modules if not getattr(importlib.import_module(name), "app_name", "")]
    assert missing == []
    for module, namespace in EXPECTED_NAMESPACES.items():
        assert importlib.import_module(module).app_name == namespace


def test_every_include_of_the_root_urlconf_has_a_namespace():
    resolvers = [e for e in get_resolver().url_patterns if isinstance(e, URLResolver)]
    assert sorted(r.namespace for r in resolvers) == [
        "accounts", "admin", "assessments", "documents", "evidence", "packs", "programme", "proposals", "reminders",
        "surveys", "units"]


@pytest.mark.parametrize(("name", "args", "path"), PATHS)
def test_paths_stay_byte_identical(name, args, path):
    assert reverse(name, args=args) == path
    assert resolve(path).view_name == name


def test_auth_settings_name_the_namespaced_views():
    assert resolve_url(settings.LOGIN_URL) == "/accounts/login/"
    assert resolve_url(settings.LOGIN_REDIRECT_URL) == "/"
    assert resolve_url(settings.LOGOUT_REDIRECT_URL) == "/accounts/login/"


def test_the_scan_catches_a_bare_name_and_passes_a_namespaced_one():
    # Built from pieces so that neither the scan below nor the rename script sees a bare use here.
    names = set("home assessment_detail".split())
    sq, dq = "'", '"'
    bare = f"{{% url {sq}home{sq} %}} reverse({dq}assessment_detail{dq}, args=[1]) match.url_name == {sq}home{sq}"
    assert bare_uses(bare, names) == "home assessment_detail home".split()
    namespaced = """{% url 'units:home' %} reverse("assessments:assessment_detail", args=[1])
        match.view_name == 'units:home' reverse("evidence:item") {% url 'admin:index' %}"""
    assert bare_uses(namespaced, names | {"item", "index"}) == []


def test_no_template_or_python_file_uses_one_of_our_names_without_its_namespace():
    names = _our_names()
    assert {"home", "login", "assessment_detail", "item"} <= names
    files = _files_to_scan()
    assert ROOT / "templates" / "components" / "navbar.html" in files
    assert ROOT / "units" / "views.py" in files and ROOT / "zi_portal" / "settings" / "base.py" in files
    offences = {
        str(path.relative_to(ROOT)): found
        for path in files
        if (found := bare_uses(path.read_text(encoding="utf-8"), names))
    }
    assert offences == {}
