"""The pack's file names (pure, no database): ASCII-safe, at most 100 characters, never outside
their folder, never colliding (without case)."""

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from packs.names import MAX_PATH, PathAllocator, ascii_text, is_safe_path, roman, safe_component, safe_extension

AREA = ["AREA 1 - Manajemen Perubahan", "I. Penyusunan Tim Kerja"]


def _inside(path: str, folder: str) -> bool:
    normal = posixpath.normpath(path)
    return normal == path and normal.startswith(folder + "/") and not posixpath.isabs(normal)


def test_a_plain_title_keeps_its_words_and_code():
    paths = PathAllocator()
    assert paths.file(AREA, code="P.1.i.a", title="SK Tim ZI 2026", extension="pdf") == (
        "AREA 1 - Manajemen Perubahan/I. Penyusunan Tim Kerja/P.1.i.a SK Tim ZI 2026.pdf")


def test_accents_are_kept_as_letters_and_other_scripts_dropped():
    assert ascii_text("Pelayanan Prima — café naïve") == "Pelayanan Prima cafe naive"
    # Cyrillic look-alikes ("а", "е") and an RTL override vanish rather than pass as Latin
    assert ascii_text("SK \u0430\u0435 \u202egpj.exe") == "SK gpj.exe"


def test_traversal_and_absolute_names_stay_in_their_folder():
    paths = PathAllocator()
    for title in ("../../etc/passwd", "..\\..\\boot.ini", "/etc/shadow", "C:\\x", "C:x", "....", ".hidden",
                  "a/../../b", "\u202e../../etc", "NUL", "con", "LPT1.txt", "  . ", ""):
        path = paths.file(AREA, code="P.1.i.a", title=title, extension="pdf")
        assert is_safe_path(path), (title, path)
        assert _inside(path, "AREA 1 - Manajemen Perubahan/I. Penyusunan Tim Kerja"), (title, path)
    assert paths.file(AREA, code="", title="../../etc/passwd", extension="txt").endswith("/etc passwd.txt")
    assert safe_component("con") == "_con" and safe_component("NUL.tar") == "_NUL.tar"
    assert safe_component("C:\\x") == "C x" and safe_component("...") == "berkas"


def test_a_300_character_title_is_cut_to_100_keeping_code_and_extension():
    paths = PathAllocator()
    path = paths.file(AREA, code="P.1.i.a", title="Laporan " * 40, extension="pdf")
    assert len(path) == MAX_PATH
    name = path.rsplit("/", 1)[1]
    assert name.startswith("P.1.i.a Laporan Laporan") and name.endswith(".pdf")
    second = paths.file(AREA, code="P.1.i.a", title="Laporan " * 40, extension="pdf")
    assert len(second) <= MAX_PATH and second.endswith(" (2).pdf") and second != path


def test_long_folders_are_shortened_and_collisions_numbered_without_case():
    paths = PathAllocator()
    folders = ["AREA 3 - Penataan Sistem Manajemen SDM Aparatur",
               "I. Perencanaan Kebutuhan Pegawai sesuai Kebutuhan Organisasi"]
    first = paths.file(folders, code="P.3.i.a", title="Analisis Jabatan", extension="pdf")
    assert first == "AREA 3 - Penataan Sistem Mana/I. Perencanaan Kebutuhan Pega/P.3.i.a Analisis Jabatan.pdf"
    assert paths.file(folders, code="P.3.i.a", title="ANALISIS JABATAN", extension="PDF").endswith(
        "P.3.i.a ANALISIS JABATAN (2).pdf")
    assert paths.file(folders, code="P.3.i.a", title="analisis jabatan", extension="pdf").endswith(" (3).pdf")


def test_reserved_paths_are_not_handed_out_again():
    paths = PathAllocator()
    paths.reserve("index.csv")
    paths.reserve("SPTJM - RSUD.pdf")
    assert paths.file([], code="", title="INDEX", extension="csv") == "INDEX (2).csv"
    try:
        paths.reserve("../x.pdf")
    except ValueError:
        pass
    else:
        raise AssertionError("a traversal path was reserved")


def test_extension_and_roman():
    assert safe_extension("PDF") == "pdf" and safe_extension("p/df") == "bin" and safe_extension("") == "bin"
    assert safe_extension(".xlsx") == "xlsx" and safe_extension("tar.gz") == "bin"
    assert [roman(s) for s in ("i", "iv", "vi", "4", "9", "x")] == ["I", "IV", "VI", "IV", "IX", "X"]


_titles = st.text(st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["../../etc/passwd", "C:\\x", "\u202eexe.pdf", "CON", "a" * 300, ".", "..", "/", "\\\\server\\share"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_titles, _titles, st.text(max_size=10)), min_size=1, max_size=30))
def test_property_no_path_escapes_its_folder_and_none_collide(entries):
    paths = PathAllocator()
    seen = set()
    for folder, title, ext in entries:
        area = paths.folder(folder)
        path = paths.file([area, "I. Indikator"], code="P.1.i.a", title=title, extension=ext)
        assert len(path) <= MAX_PATH
        assert is_safe_path(path)
        assert _inside(path, f"{area}/I. Indikator")
        assert path.lower() not in seen
        seen.add(path.lower())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=1, max_value=120))
def test_property_a_component_is_safe_and_bounded(text, max_len):
    name = safe_component(text, max_len=max_len)
    assert 1 <= len(name) <= max_len
    assert is_safe_path(name)


def test_the_names_and_the_zip_writer_import_no_django():
    import ast  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    for module in ("names.py", "zipbuild.py"):
        tree = ast.parse((Path(__file__).resolve().parents[2] / "packs" / module).read_text())
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(name.split(".")[0] == "django" for name in imported), (module, imported)
