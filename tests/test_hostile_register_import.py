"""Hostile files for the import of old registers (``core.register_import``): no exception escapes,
every rejection is Vietnamese, a refused file writes nothing, and an accepted one writes exactly
the dossiers it reports.

One register serves the module (an argon2 hash per user is slow); each test compares the dossier,
event and audit counts before and after.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from core import filesafety, legacy_text, register_file
from core.errors import MotCuaError
from core.register import Register
from core.register_import import import_register, preview
from core.timeutil import VN_TZ
from core.users import SYSTEM_USER
from tests.hostile_helpers import is_vietnamese, mutate

HEADER = ["Mã hồ sơ", "Mã thủ tục", "Người nộp", "Ngày nhận", "Ngày hẹn trả", "Ngày trả", "Trạng thái"]
PROCEDURE = "1.001193"  # in the starter catalogue
BIG_ROWS = 100_000
TRIED = {"files": 0, "values": 0}
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    register = Register.open(
        tmp_path_factory.mktemp("hostile-register") / "motcua.sqlite3", clock=lambda: NOW
    )
    register.initialise("UBND phường Tây Hồ", "000.17.22.H56")
    register.add_user(SYSTEM_USER, "quantri", "Lê Minh Quản", "admin", "matkhau123")
    yield register
    register.close()


@pytest.fixture(scope="module")
def admin(reg):
    return reg.user("quantri")


def _counts(register) -> tuple[int, int, int]:
    db = register.store.db
    return tuple(
        db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("dossiers", "events", "audit_log")
    )


def _refused(register, admin, path: Path) -> str:
    """Both entry points refuse with the same kind of Vietnamese sentence; nothing is written."""
    TRIED["files"] += 1
    before = _counts(register)
    with pytest.raises(MotCuaError) as previewed:
        preview(register, path)
    with pytest.raises(MotCuaError) as caught:
        import_register(register, admin, path)
    for exc in (previewed.value, caught.value):
        assert is_vietnamese(exc.message, path.name, str(path)), exc.message
    assert _counts(register) == before  # nothing half-written
    return caught.value.message


def _tried_import(register, admin, path: Path, data: bytes = b"") -> None:
    """Either a Vietnamese refusal that wrote nothing, or a result whose counts match the rows written."""
    TRIED["files"] += 1
    before = _counts(register)
    try:
        shown = preview(register, path)
        assert _counts(register) == before  # a preview never writes
        result = import_register(register, admin, path)
    except MotCuaError as exc:
        assert is_vietnamese(exc.message, path.name, data.decode("utf-8", "replace")), exc.message
        assert _counts(register) == before
        return
    assert shown.good_rows - shown.already_there == result.imported
    assert all(is_vietnamese(p) for p in result.problems), result.problems
    dossiers, events, audits = _counts(register)
    assert dossiers == before[0] + result.imported and audits == before[2] + 1
    assert events >= before[1] + 2 * result.imported  # received + imported at least


def _xlsx(path: Path, rows: list[list], merge: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    for cells in merge:
        wb.active.merge_cells(cells)
    wb.save(path)
    return path


def _csv(path: Path, rows: list[list]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _code(n: int) -> str:
    return f"000.17.22.H56-251001-{n:04d}"


# --- hand-made hostile files ------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_zero_byte_file(reg, admin, tmp_path, suffix):
    path = tmp_path / f"rong{suffix}"
    path.write_bytes(b"")
    _refused(reg, admin, path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".txt"])
def test_binary_garbage(reg, admin, tmp_path, suffix):
    path = tmp_path / f"rac{suffix}"
    path.write_bytes(os.urandom(64 * 1024))
    _refused(reg, admin, path)


def test_missing_file_old_excel_and_wrong_type(reg, admin, tmp_path):
    assert "Không tìm thấy" in _refused(reg, admin, tmp_path / "khong-co.xlsx")
    assert "Không tìm thấy" in _refused(reg, admin, tmp_path / "khong-co.csv")
    old = tmp_path / "so-cu.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(500))
    assert ".xlsx" in _refused(reg, admin, old)
    pdf = tmp_path / "so.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    assert "Chỉ nhận" in _refused(reg, admin, pdf)


def test_wrong_headers(reg, admin, tmp_path):
    rows = [["STT", "Họ tên", "Ngày sinh"], [1, "Nguyễn Văn A", "01/01/1990"]]
    assert "thiếu cột" in _refused(reg, admin, _csv(tmp_path / "sai.csv", rows))
    assert "thiếu cột" in _refused(reg, admin, _xlsx(tmp_path / "sai.xlsx", rows))


def test_formulas_are_not_evaluated(reg, admin, tmp_path):
    rows = [
        HEADER,
        [_code(1), PROCEDURE, "=1+1", "01/10/2025", None, None, None],  # no cached value: no applicant
        [_code(2), PROCEDURE, "Trần Văn Hùng", "=TODAY()", None, None, None],
        [_code(3), PROCEDURE, "Lê Thị Mai", "01/10/2025", None, None, None],
    ]
    before = _counts(reg)
    result = import_register(reg, admin, _xlsx(tmp_path / "ct.xlsx", rows))
    assert result.imported == 1 and [p.split(":")[0] for p in result.problems] == ["Dòng 2", "Dòng 3"]
    assert all(is_vietnamese(p) for p in result.problems)
    assert _counts(reg)[0] == before[0] + 1
    assert reg.dossier(_code(3)).applicant == "Lê Thị Mai"
    assert not reg.store.existing_codes([_code(1), _code(2)])


def test_csv_formula_text_is_kept_as_plain_text(reg, admin, tmp_path):
    rows = [HEADER, [_code(5), PROCEDURE, '=HYPERLINK("http://x","bấm")', "01/10/2025", "", "", ""]]
    result = import_register(reg, admin, _csv(tmp_path / "ct.csv", rows))
    assert result.imported == 1
    assert reg.dossier(_code(5)).applicant == '=HYPERLINK("http://x","bấm")'


def test_merged_cells(reg, admin, tmp_path):
    """A receiving date merged down over several dossiers is their date; a merged header row loses
    the other headers and the file is refused."""
    rows = [
        HEADER,
        [_code(10), PROCEDURE, "Phạm Văn An", "02/10/2025", None, None, None],
        [_code(11), PROCEDURE, "Đỗ Thị Bình", None, None, None, None],
        [_code(12), PROCEDURE, "Vũ Văn Cường", None, None, None, None],
        [_code(13), "Tên tràn sang cột người nộp", None, "03/10/2025", None, None, None],
    ]
    result = import_register(reg, admin, _xlsx(tmp_path / "gop.xlsx", rows, merge=("D2:D4", "B5:C5")))
    assert result.imported == 3 and len(result.problems) == 1 and result.problems[0].startswith("Dòng 5")
    assert {reg.dossier(_code(n)).received_at.date().isoformat() for n in (10, 11, 12)} == {"2025-10-02"}
    assert "thiếu cột" in _refused(reg, admin, _xlsx(tmp_path / "gop-dau.xlsx", rows, merge=("A1:G1",)))


def test_zip_bomb_is_refused_without_expanding_it(reg, admin, tmp_path):
    good = _xlsx(tmp_path / "tot.xlsx", [HEADER])
    with zipfile.ZipFile(good) as z:
        members = {n: z.read(n) for n in z.namelist()}
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members.items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            sheet.write(b"<sheetData>" + b"<row/>" * (5 << 20) + b"</sheetData></worksheet>")  # 30 MB
    assert bomb.stat().st_size < 200_000
    assert "độc hại" in _refused(reg, admin, bomb)


def test_bad_cells_are_row_errors(reg, admin, tmp_path):
    rows = [
        HEADER,
        [_code(20), PROCEDURE, "Ngày không có thật", "31/02/2025", "", "", ""],
        [_code(21), PROCEDURE, "Năm một", "01/01/0001", "", "", ""],
        [_code(22), PROCEDURE, "Năm 9999", "31/12/9999 23:59", "", "", ""],
        [_code(23), PROCEDURE, "Múi giờ lạ", "0001-01-01T00:00+08:00", "", "", ""],
        [_code(24), "9.999999", "Thủ tục không có", "01/10/2025", "", "", ""],
        [_code(25), PROCEDURE, "Trạng thái lạ", "01/10/2025", "", "", "bay màu"],
        [_code(26), PROCEDURE, "Trả trước khi nhận", "05/10/2025", "", "01/10/2025", "Đã trả kết quả"],
        [_code(27), PROCEDURE, "Dòng đúng", "06/10/2025", "", "", ""],
        [_code(27), PROCEDURE, "Trùng mã", "06/10/2025", "", "", ""],
    ]
    before = _counts(reg)
    result = import_register(reg, admin, _csv(tmp_path / "o-loi.csv", rows))
    assert result.imported == 1, result.problems
    assert [p.split(":")[0] for p in result.problems] == [f"Dòng {n}" for n in (2, 3, 4, 5, 6, 7, 8, 10)]
    assert all(is_vietnamese(p) for p in result.problems)
    assert _counts(reg)[0] == before[0] + 1


def test_a_full_disk_mid_import_writes_nothing(reg, admin, tmp_path):
    """The disk fills while 2,000 dossiers are being written: one Vietnamese refusal, no dossier,
    event or audit row from the file, and the register works again once there is room."""
    rows = [HEADER] + [
        [f"000.17.22.H56-250901-{i:04d}", PROCEDURE, f"Người nộp {i} " + "x" * 180, "01/09/2025", "", "", ""]
        for i in range(1, 2001)
    ]
    path = _csv(tmp_path / "day-o.csv", rows)
    conn = reg.store.db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 20}")
    before = _counts(reg)
    try:
        with pytest.raises(MotCuaError) as caught:
            import_register(reg, admin, path)
    finally:
        conn.execute("PRAGMA max_page_count = 1073741823")
    assert "đầy" in caught.value.message and is_vietnamese(caught.value.message, path.name)
    assert _counts(reg) == before and not conn.in_transaction
    assert import_register(reg, admin, path).imported == 2000  # with room, the same file goes in whole
    assert _counts(reg)[0] == before[0] + 2000
    TRIED["files"] += 1


# --- 100,000 rows -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """100,000 dossiers, one in a thousand with an impossible date; written once per module."""
    path = tmp_path_factory.mktemp("so-lon") / "so-lon.csv"
    start = datetime(2025, 1, 1)
    lines = [",".join(HEADER)]
    for i in range(BIG_ROWS):
        day = (start + timedelta(days=i % 300)).strftime("%d/%m/%Y")
        received = "31/02/2025" if i % 1000 == 0 else day
        lines.append(f"000.17.22.H56-{i % 300:06d}-{i:05d},{PROCEDURE},Người nộp số {i},{received},,,")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_100000_rows_preview_reports_bad_rows_and_writes_nothing(reg, big_csv):
    before = _counts(reg)
    shown = preview(reg, big_csv)
    assert shown.total_rows == BIG_ROWS and shown.good_rows == BIG_ROWS - 100 and len(shown.problems) == 100
    assert shown.problems[0].startswith("Dòng 2:") and all(is_vietnamese(p) for p in shown.problems)
    assert _counts(reg) == before
    TRIED["files"] += 1


def test_a_file_over_the_row_limit_is_refused(reg, admin, big_csv, monkeypatch):
    monkeypatch.setattr(filesafety, "MAX_ROWS", 50_000)
    assert "quá lớn" in _refused(reg, admin, big_csv)


# --- random and mutated files -------------------------------------------------------------------------
def _seed_rows() -> list[list]:
    return [
        HEADER,
        [_code(60), PROCEDURE, "Nguyễn Thị Ưởng", "01/10/2025 08:30", "03/10/2025", "03/10/2025", "Đã trả"],
        [_code(61), PROCEDURE, "Trần Văn Hùng", "02/10/2025", "", "", "Đang giải quyết"],
    ]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("seeds")
    return {
        ".xlsx": _xlsx(folder / "s.xlsx", _seed_rows()).read_bytes(),
        ".csv": _csv(folder / "s.csv", _seed_rows()).read_bytes(),
    }


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
    _tried_import(reg, admin, path, data)


date_text = st.one_of(
    st.from_regex(r"\A[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}( [0-9]{1,2}[:hg][0-9]{2})?\Z"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?\Z"),
)
hostile_cell = st.one_of(
    st.none(),
    st.text(max_size=40),
    date_text,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from([PROCEDURE, "Đã trả kết quả", "Từ chối", "Chờ bổ sung", "trực tuyến", "", " "]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(st.lists(hostile_cell, min_size=7, max_size=7), min_size=1, max_size=4),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    number=st.integers(0, 9999),
)
def test_hostile_cells_never_crash(reg, admin, tmp_path, cells, suffix, number):
    """A sane header over rows of anything: dates of year 1 or 9999, inf, nan, huge numbers, text."""
    rows = [HEADER] + [[_code(number)] + row[1:] if i == 0 else row for i, row in enumerate(cells)]
    if suffix == ".xlsx":
        try:
            path = _xlsx(tmp_path / "o.xlsx", rows)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl cannot store it: CSV instead
            path = _csv(tmp_path / "o.csv", rows)
    else:
        path = _csv(tmp_path / "o.csv", rows)
    _tried_import(reg, admin, path)


latin1_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        hostile_cell,
        latin1_text,
        st.dates(),
        st.datetimes(timezones=st.timezones()),
        st.just("0001-01-01T00:00+14:00"),
        st.just("9999-12-31T23:59-12:00"),
    )
)
def test_parse_moment_gives_a_moment_or_a_vietnamese_row_error(value):
    TRIED["values"] += 1
    try:
        parsed = register_file.parse_moment(value, "Ngày nhận")
    except register_file.RowError as exc:
        assert is_vietnamese(str(exc), str(value)), str(exc)
        return
    if parsed is not None:
        moment, has_time = parsed
        assert moment.tzinfo is not None and isinstance(has_time, bool)


@settings(max_examples=200, deadline=None)
@given(st.one_of(latin1_text, st.text(max_size=40)))
def test_legacy_text_readers_never_crash(cell):
    """Any cell (Latin-1 soup looks like TCVN3/VNI) gets a reading; conversion keeps it text."""
    TRIED["values"] += 1
    reading = legacy_text.classify(cell)
    assert reading.kind in ("plain", "tcvn3", "vni", "ambiguous", "unknown")
    for prior in ("", "tcvn3", "vni"):
        text, encoding = legacy_text.convert_cell(cell, prior)
        assert isinstance(text, str) and encoding in ("", "tcvn3", "vni")
    register_file.header_key(cell)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_csv_decoding_never_crashes(raw):
    TRIED["values"] += 1
    text, encoding = register_file.decode_legacy_csv(raw)
    assert isinstance(text, str) and encoding in ("utf-8", "cp1258", "cp1252")


@pytest.fixture(scope="module", autouse=True)
def _print_tried():
    """After this module's tests: how many hostile files and values they tried, for docs/trust.md (run
    the file alone with -s). Printed, not asserted: each test checks its own inputs, whatever runs before."""
    yield
    print(
        f"\nHostile files tried on the old-register import: {TRIED['files']}; "
        f"cell values and CSV bytes tried on its readers: {TRIED['values']}"
    )
