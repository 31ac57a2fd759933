"""Hostile files for the procedure-list import: every one is refused (or its bad rows skipped)
with a Vietnamese message, and a refused file changes nothing in the catalogue.

One register serves the whole module (creating one costs an argon2 hash per user); every test
compares the catalogue and the audit log before and after, and imports use codes of its own.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from core import filesafety
from core.catalogue import import_procedures, parse_procedures
from core.errors import MotCuaError
from core.register import Register
from core.users import SYSTEM_USER
from tests.hostile_helpers import is_vietnamese, mutate

HEADER = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Số ngày làm việc"]
BIG_ROWS = 100_000
TRIED = {"files": 0}


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    register = Register.open(tmp_path_factory.mktemp("hostile-files") / "motcua.sqlite3")
    register.initialise("UBND phường Tây Hồ", "000.17.22.H56")
    register.add_user(SYSTEM_USER, "quantri", "Lê Minh Quản", "admin", "matkhau123")
    yield register
    register.close()


@pytest.fixture(scope="module")
def admin(reg):
    return reg.user("quantri")


def _snapshot(register) -> tuple:
    db = register.store.db
    return (
        db.execute("SELECT COUNT(*), group_concat(code || name || field, '|') FROM procedures").fetchone(),
        db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0],
    )


def _refused(register, admin, path: Path) -> str:
    TRIED["files"] += 1
    before = _snapshot(register)
    with pytest.raises(MotCuaError) as caught:
        import_procedures(register, admin, path)
    assert is_vietnamese(caught.value.message, path.name, str(path)), caught.value.message
    assert _snapshot(register) == before  # nothing half-written
    return caught.value.message


def _xlsx(path: Path, rows: list[list], merge: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for cells in merge:
        ws.merge_cells(cells)
    wb.save(path)
    return path


def _xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _with_sheet(source: Path, target: Path, sheet_xml_parts, compresslevel: int = 6) -> Path:
    """Copy a real workbook, replacing sheet1.xml by the given byte chunks (streamed)."""
    with zipfile.ZipFile(source) as z:
        members = {name: z.read(name) for name in z.namelist()}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for name, data in members.items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_xml_parts:
                sheet.write(part)
    return target


SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_zero_byte_file(reg, admin, tmp_path, suffix):
    path = tmp_path / f"rong{suffix}"
    path.write_bytes(b"")
    _refused(reg, admin, path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_binary_garbage(reg, admin, tmp_path, suffix):
    path = tmp_path / f"rac{suffix}"
    path.write_bytes(os.urandom(64 * 1024))
    _refused(reg, admin, path)


def test_missing_file_directory_and_wrong_type(reg, admin, tmp_path):
    assert "Không tìm thấy" in _refused(reg, admin, tmp_path / "khong-co.xlsx")
    assert "Không tìm thấy" in _refused(reg, admin, tmp_path / "khong-co.csv")
    folder = tmp_path / "thu-muc.xlsx"
    folder.mkdir()
    assert "thư mục" in _refused(reg, admin, folder)
    old = tmp_path / "cu.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(500))  # an OLE2 .xls
    assert "Chỉ nhận" in _refused(reg, admin, old)


def test_csv_with_nul_bytes_and_broken_quotes(reg, admin, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(",".join(HEADER).encode() + b'\n1.1\x00,"T\xc3\xaan\n\x00\x00,"x",3\n')
    assert "nhị phân" in _refused(reg, admin, path)


def test_csv_field_over_the_csv_module_limit(reg, admin, tmp_path):
    path = tmp_path / "dai.csv"
    path.write_text(",".join(HEADER) + '\n9.000030,"' + "a" * 200_000 + "\n", encoding="utf-8")
    assert "sai cấu trúc" in _refused(reg, admin, path)  # csv.Error must not escape


def test_wrong_headers(reg, admin, tmp_path):
    path = tmp_path / "sai.csv"
    path.write_text("STT,Họ tên,Ngày sinh\n1,Nguyễn Văn A,1990\n", encoding="utf-8")
    assert "thiếu cột" in _refused(reg, admin, path)
    xlsx = _xlsx(tmp_path / "sai.xlsx", [["a", "b"], [1, 2]])
    assert "thiếu cột" in _refused(reg, admin, xlsx)


def test_a_pdf_renamed_to_xlsx_and_a_zip_that_is_not_a_workbook(reg, admin, tmp_path):
    pdf = tmp_path / "danh-muc.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    _refused(reg, admin, pdf)
    plain_zip = tmp_path / "nen.xlsx"
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("readme.txt", "không phải sổ tính")
    _refused(reg, admin, plain_zip)


def test_damaged_sheet_xml_and_truncated_workbook(reg, admin, tmp_path):
    good = _xlsx(tmp_path / "tot.xlsx", [HEADER, ["9.000040", "A", "B", 1]])
    broken = _with_sheet(good, tmp_path / "hong.xlsx", [SHEET_HEAD, b"<sheetData><row><c r='A1'"])
    assert "hỏng" in _refused(reg, admin, broken)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:-300])  # the central directory is gone
    _refused(reg, admin, cut)


def test_formulas_are_never_evaluated_or_stored_as_formulas(reg, admin, tmp_path):
    rows = [
        HEADER,
        ["9.000001", "=1+1", "Hộ tịch", 5],  # formula without cached value: empty cell
        ["9.000002", "Thủ tục thật", "Hộ tịch", "=2*3"],
        ["9.000003", "Thủ tục hợp lệ", "Hộ tịch", 3],
    ]
    result = import_procedures(reg, admin, _xlsx(tmp_path / "ct.xlsx", rows))
    assert result.added == 1 and len(result.errors) == 2
    assert result.errors[0].startswith("Dòng 2") and result.errors[1].startswith("Dòng 3")
    assert all(is_vietnamese(e) for e in result.errors)
    assert reg.procedure("9.000003").name == "Thủ tục hợp lệ"
    names = [p.name for p in reg.procedures(active_only=False)]
    assert not any(n.startswith("=") for n in names)


def test_csv_formula_text_is_kept_as_plain_text(reg, admin, tmp_path):
    path = tmp_path / "ct.csv"
    path.write_text(
        ",".join(HEADER) + '\n9.000004,"=HYPERLINK(""http://x"",""bấm"")",Hộ tịch,3\n', encoding="utf-8"
    )
    import_procedures(reg, admin, path)
    assert reg.procedure("9.000004").name == '=HYPERLINK("http://x","bấm")'  # data, not code


def test_bad_numbers_control_characters_and_duplicate_codes_are_row_errors(reg, admin, tmp_path):
    path = tmp_path / "dong-loi.csv"
    path.write_text(
        ",".join(HEADER) + "\n"
        "9.000050,Số quá lớn,Hộ tịch,1e400\n"
        "9.000051,Không phải số,Hộ tịch,nan\n"
        "9.000052,Có ký tự \x07 lạ,Hộ tịch,3\n"
        "9.000053,Thủ tục đúng,Hộ tịch,3\n"
        "9.000053,Thủ tục trùng mã,Hộ tịch,4\n"
        f"{'9' * 300},Mã quá dài,Hộ tịch,1\n",
        encoding="utf-8",
    )
    result = import_procedures(reg, admin, path)
    assert result.added == 1 and [e.split(":")[0] for e in result.errors] == [
        "Dòng 2",
        "Dòng 3",
        "Dòng 4",
        "Dòng 6",
        "Dòng 7",
    ]
    assert "trùng với dòng 5" in result.errors[3]
    assert reg.procedure("9.000053").name == "Thủ tục đúng"


def test_merged_cells(reg, admin, tmp_path):
    """A field merged down beside its procedures is that field for each of them; a name merged
    sideways over the field column leaves the field empty: a row error, never a wrong field."""
    rows = [
        HEADER,
        ["9.000010", "Thủ tục gộp ô", "Hộ tịch", 5],
        ["9.000011", "Thủ tục thứ hai", "", 5],
        ["9.000012", "Thủ tục thứ ba", "", 2],
        ["9.000013", "Tên tràn sang cột lĩnh vực", "Chứng thực", 1],
        ["9.000014", "Thủ tục sau", "Chứng thực", 2],
    ]
    path = _xlsx(tmp_path / "gop.xlsx", rows, merge=("C2:C4", "B5:C5"))
    result = import_procedures(reg, admin, path)
    assert result.added == 4, result.errors
    assert len(result.errors) == 1 and result.errors[0].startswith("Dòng 5"), result.errors
    assert is_vietnamese(result.errors[0])
    assert [reg.procedure(f"9.00001{i}").field for i in range(3)] == ["Hộ tịch"] * 3
    assert reg.procedure("9.000014").field == "Chứng thực"
    header_merged = _xlsx(tmp_path / "gop-dau.xlsx", rows, merge=("A1:D1",))
    assert "thiếu cột" in _refused(reg, admin, header_merged)


def test_zip_bomb_is_refused_without_expanding_it(reg, admin, tmp_path):
    good = _xlsx(tmp_path / "bom.xlsx", [HEADER, ["9.000020", "A", "B", 1]])
    block = b"<row/>" * (1 << 17)  # 768 KB
    parts = [SHEET_HEAD, b"<sheetData>", *[block] * 40, b"</sheetData></worksheet>"]  # ~30 MB of XML
    bomb = _with_sheet(good, tmp_path / "bom2.xlsx", parts, compresslevel=9)
    assert bomb.stat().st_size < 200_000
    assert "độc hại" in _refused(reg, admin, bomb)


def test_total_size_limit(reg, admin, tmp_path, monkeypatch):
    good = _xlsx(tmp_path / "to.xlsx", [HEADER, ["9.000021", "A", "B", 1]])
    monkeypatch.setattr(filesafety, "MAX_UNCOMPRESSED", 2000)
    assert "vượt giới hạn" in _refused(reg, admin, good)


def test_sheet_that_claims_a_million_rows(reg, admin, tmp_path):
    """A 2 KB file whose one cell sits at XFD1048576 (and whose dimension says A1:XFD1048576)
    must not make the reader pad a billion empty cells: it is refused as too long, quickly."""
    good = _xlsx(tmp_path / "tot.xlsx", [HEADER])
    parts = [
        SHEET_HEAD,
        b'<dimension ref="A1:XFD1048576"/><sheetData>',
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + "Mã thủ tục".encode() + b"</t></is></c></row>",
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        b"</sheetData></worksheet>",
    ]
    sparse = _with_sheet(good, tmp_path / "thua.xlsx", parts)
    assert "quá lớn" in _refused(reg, admin, sparse)


def test_billion_laughs_entity_expansion(reg, admin, tmp_path):
    good = _xlsx(tmp_path / "tot.xlsx", [HEADER])
    entities = b'<!ENTITY a0 "hahahahahahahahahaha">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    parts = [
        b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>",
        SHEET_HEAD[SHEET_HEAD.index(b"<worksheet") :],
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>',
        b"</worksheet>",
    ]
    _refused(reg, admin, _with_sheet(good, tmp_path / "cuoi.xlsx", parts))


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """100,000 procedures, one in a thousand with a bad day count; written once per module."""
    path = tmp_path_factory.mktemp("lon") / "lon.csv"
    lines = [",".join(HEADER)]
    for i in range(BIG_ROWS):
        days = "x" if i % 1000 == 0 else str(i % 30)
        lines.append(f"8.{i:06d},Thủ tục số {i},Lĩnh vực {i % 40},{days}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_100000_rows_parse_with_bad_rows_reported(big_csv):
    procedures, errors = parse_procedures(big_csv)
    assert len(procedures) == BIG_ROWS - 100 and len(errors) == 100
    assert errors[0].startswith("Dòng 2:") and all(is_vietnamese(e) for e in errors)
    assert procedures[-1].code == f"8.{BIG_ROWS - 1:06d}"
    TRIED["files"] += 1


def test_a_file_over_the_row_limit_is_refused(reg, admin, big_csv, monkeypatch):
    monkeypatch.setattr(filesafety, "MAX_ROWS", 50_000)
    assert "quá lớn" in _refused(reg, admin, big_csv)


@pytest.fixture(scope="module")
def seeds() -> dict[str, bytes]:
    """Real files to mutate: random bytes rarely get past the first check, mutated real files do."""
    rows = [
        HEADER,
        ["9.000060", "Đăng ký khai sinh", "Hộ tịch", 3],
        ["9.000061", "Chứng thực", "Chứng thực", 0],
    ]
    csv_text = "\n".join(",".join(str(c) for c in r) for r in rows)
    return {".xlsx": _xlsx_bytes(rows), ".csv": csv_text.encode("utf-8")}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from([".csv", ".xlsx"]),
    kind=st.sampled_from(["random", "truncate", "flip"]),
    data=st.binary(max_size=4000),
    seed=st.integers(0, 2**32),
)
def test_random_and_mutated_bytes_never_crash(reg, admin, tmp_path, seeds, suffix, kind, data, seed):
    if kind != "random":
        data = mutate(seeds[suffix], seed, kind)
    path = tmp_path / f"ngau-nhien{suffix}"
    path.write_bytes(data)
    TRIED["files"] += 1
    before = _snapshot(reg)
    try:
        result = import_procedures(reg, admin, path)
    except MotCuaError as exc:
        assert is_vietnamese(exc.message, path.name, data.decode("utf-8", "replace")), exc.message
        assert _snapshot(reg) == before
    else:
        assert all(is_vietnamese(e) for e in result.errors)


cell = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["Hộ tịch", "5", "1e400", "nan", "-1", "366", "=1+1", "có", " ", ""]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cell, min_size=4, max_size=6), min_size=1, max_size=4),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    number=st.integers(0, 9999),
)
def test_hostile_cells_never_crash(reg, admin, tmp_path, rows, suffix, number):
    """A sane header over rows of anything; what is added is exactly what the catalogue gains."""
    rows = [HEADER] + [[f"7.{number:06d}", *row[1:]] if i == 0 else row for i, row in enumerate(rows)]
    path = tmp_path / f"o{suffix}"
    try:
        if suffix == ".csv":
            raise ValueError
        _xlsx(path, rows)
    except (ValueError, TypeError, IllegalCharacterError):  # not storable in xlsx: CSV instead
        path = tmp_path / "o.csv"
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    TRIED["files"] += 1
    before = _snapshot(reg)
    try:
        result = import_procedures(reg, admin, path)
    except MotCuaError as exc:
        assert is_vietnamese(exc.message, path.name), exc.message
        assert _snapshot(reg) == before
        return
    assert all(is_vietnamese(e) for e in result.errors), result.errors
    assert _snapshot(reg)[0][0] == before[0][0] + result.added


@pytest.fixture(scope="module", autouse=True)
def _print_tried():
    """After this module's tests: how many hostile files they tried, for docs/trust.md (run the file
    alone with -s). Printed, not asserted: each test checks its own inputs, whatever runs before."""
    yield
    print(f"\nHostile files tried on the procedure-list import: {TRIED['files']}")
