"""Importing an old register: real files built here (openpyxl, csv), read back from a real SQLite file.

The last tests type the same dossiers at the counter (intake/apply at the same moments) in one
register and import them in another: the report figures must be the same.
"""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from core import register_import as ri
from core.errors import MotCuaError, PermissionDenied
from core.legacy_text import encode_cp1258, encode_tcvn3, encode_vni
from core.model import Channel, EventKind, Status
from core.periods import Period, preset_period
from core.register import Register
from core.register_file import HEADERS, RowError, decode_legacy_csv, find_header, header_key, parse_moment
from core.stats import compute
from core.timeutil import VN_TZ, to_db
from core.users import SYSTEM_USER
from tests.helpers import AGENCY, PASSWORD, at, make_form

CANONICAL = [
    "Mã hồ sơ",
    "Mã thủ tục",
    "Người nộp",
    "Số định danh",
    "Điện thoại",
    "Địa chỉ",
    "Kênh nộp",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Ngày trả",
    "Trạng thái",
    "Ghi chú",
]
VARIANTS = [
    "STT",
    "Số hồ sơ",
    "Thủ tục",
    "Họ tên",
    "CCCD",
    "SĐT",
    "Địa chỉ",
    "Hình thức nộp",
    "Ngày tiếp nhận (dd/mm/yyyy)",
    "Hẹn trả",
    "Ngày giải quyết",
    "Ngày trả kết quả",
    "Tình trạng",
    "Ghi  chú",
]


def _xlsx(path, header, rows, title_rows=1):
    wb = Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["SỔ THEO DÕI HỒ SƠ TIẾP NHẬN VÀ TRẢ KẾT QUẢ"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _row(code, procedure, applicant, received, status="", outcome="", returned="", due="", channel="", **kw):
    return [
        code,
        procedure,
        applicant,
        kw.get("id_number", ""),
        kw.get("phone", ""),
        kw.get("address", ""),
        channel,
        received,
        due,
        outcome,
        returned,
        status,
        kw.get("note", ""),
    ]


@pytest.fixture
def other(tmp_path, clock):
    """A second register on its own file, set up like the first (the import side)."""
    reg = Register.open(tmp_path / "imported.sqlite3", clock=clock)
    reg.initialise("UBND phường Tây Hồ", AGENCY, report_to="Văn phòng UBND thành phố Hà Nội")
    reg.add_user(SYSTEM_USER, "quantri", "Lê Minh Quản", "admin", PASSWORD)
    yield reg
    reg.close()


# --- cells -----------------------------------------------------------------------------------------
def test_dates_as_cells_and_as_text():
    assert parse_moment(datetime(2026, 11, 2, 8, 30), "Ngày nhận") == (at("2026-11-02 08:30"), True)
    assert parse_moment(datetime(2026, 11, 2), "Ngày nhận") == (at("2026-11-02 00:00"), False)
    assert parse_moment(date(2026, 11, 2), "Ngày nhận") == (at("2026-11-02 00:00"), False)
    assert parse_moment("2/11/2026", "x") == (at("2026-11-02 00:00"), False)
    assert parse_moment("02/11/2026 14:05", "x") == (at("2026-11-02 14:05"), True)
    assert parse_moment("02-11-2026 14h05", "x") == (at("2026-11-02 14:05"), True)
    assert parse_moment("14:05 ngày 02/11/2026", "x") == (at("2026-11-02 14:05"), True)
    assert parse_moment("2026-11-02", "x") == (at("2026-11-02 00:00"), False)
    assert parse_moment("2026-11-02T14:05:00", "x") == (at("2026-11-02 14:05"), True)
    assert parse_moment(46328.5, "x") == (at("2026-11-02 12:00"), True)  # a serial left unformatted
    assert parse_moment("", "x") is None and parse_moment(None, "x") is None
    with pytest.raises(RowError, match="không phải ngày có thật"):
        parse_moment("30/02/2026", "Ngày nhận")
    with pytest.raises(RowError, match="không đọc được"):
        parse_moment("hôm qua", "Ngày nhận")


def test_headers_match_ignoring_case_accents_spacing_and_hints():
    assert {HEADERS[header_key(h)] for h in CANONICAL} == set(ri.LABELS)
    assert {HEADERS[header_key(h)] for h in VARIANTS[1:]} == set(ri.LABELS)
    assert HEADERS[header_key("  NGÀY   NHẬN  ")] == "received"
    assert header_key("Ngày tiếp nhận (dd/mm/yyyy)") == "ngay tiep nhan"


@pytest.mark.parametrize("encode", [encode_tcvn3, encode_vni])
def test_headers_typed_in_a_legacy_encoding_match_too(encode):
    rows = [["SỔ THEO DÕI"], [encode(h) for h in CANONICAL]]
    index, columns, ignored = find_header(rows)
    assert index == 1 and columns == {key: i for i, key in enumerate(ri.LABELS)} and ignored == []


# --- a register with everything in it ----------------------------------------------------------------
def _mixed_register(path, register):
    hk, ct = "1.004873", "2.000815"  # Hộ tịch, 3 days; Chứng thực, same day
    name_in_vni = encode_vni(register.procedure("1.004222").name)
    rows = [
        _row("A-01", hk, encode_tcvn3("Nguyễn Văn Ánh"), datetime(2026, 11, 2, 8, 30), "Đang giải quyết",
             address=encode_tcvn3("Số 12 Âu Cơ, phường Tây Hồ"), id_number="001 190 012 345",
             phone="+84 912 345 678"),
        _row("A-02", hk, encode_vni("Phạm Thị Hương"), "03/11/2026 09:15", encode_vni("Chờ bổ sung")),
        _row("A-03", ct, "Trần Minh Đức", "2026-11-04T10:00", "Đã có kết quả", outcome="04/11/2026 15:00"),
        _row("A-04", ct, "Lê Thu", datetime(2026, 11, 5, 9), "Đã trả kết quả", outcome="05/11/2026",
             returned=datetime(2026, 11, 6, 10, 0), channel="Bưu chính"),
        _row("A-05", hk, "Hoàng Văn Em", "06/11/2026 08:00", "Từ chối", outcome="06/11/2026 10:00",
             channel="Trực tuyến"),
        _row("A-06", hk, "Đỗ Thị Phương", "09/11/2026 08:00", "Rút hồ sơ", outcome="10/11/2026 08:00"),
        _row("A-07", hk, "Vũ Văn Giang", "09/11/2026 09:00", "Dừng giải quyết", outcome="12/11/2026 09:00"),
        _row("A-08", name_in_vni, "Bùi Thị Hạnh", "10/11/2026 08:00", "", outcome="11/11/2026 08:00"),
        _row("A-09", hk, "Ngô Văn Ích", "10/11/2026 08:00", "", outcome="11/11/2026 08:00",
             returned="12/11/2026 08:00", due="20/11/2026"),
        _row("A-10", hk, "Lý Văn Khoa", "10/11/2026 08:00", ""),
        # bad rows
        _row("B-01", "9.999999", "Không Có Thủ Tục", "10/11/2026 08:00"),
        _row("B-02", hk, "Ngày Sai", "30/02/2026"),
        _row("B-03", hk, "Kết Quả Sớm", "10/11/2026 08:00", "Đã có kết quả", outcome="09/11/2026 08:00"),
        _row("A-03", hk, "Trùng Mã", "10/11/2026 08:00"),
        _row("B-05", hk, "Thiếu Ngày Kết Quả", "10/11/2026 08:00", "Từ chối"),
        _row("B-06", hk, "Kênh Lạ", "10/11/2026 08:00", channel="Fax"),
        _row("", "", "", ""),  # an empty line is not a row
    ]  # fmt: skip
    return _xlsx(path, CANONICAL, rows)


def test_preview_writes_nothing_and_shows_mapping_rows_and_problems(register, tmp_path):
    path = _mixed_register(tmp_path / "so-cu.xlsx", register)
    before = register.store.dossier_count()
    p = ri.preview(register, path, rows=5)
    assert register.store.dossier_count() == before == 0
    assert set(p.mapping) == set(ri.LABELS) and p.mapping["received"] == "Ngày nhận"
    assert len(p.rows) == 5 and p.rows[0]["applicant"] == "Nguyễn Văn Ánh"
    assert p.rows[0]["received"] == "02/11/2026 08:30" and p.rows[0]["status"] == "Đang giải quyết"
    assert (p.total_rows, p.good_rows, p.already_there) == (16, 10, 0)
    assert len(p.problems) == 6 and "Chưa ghi gì" in p.summary()


def test_import_every_status_legacy_cells_and_bad_rows(register, admin, tmp_path):
    path = _mixed_register(tmp_path / "so-cu.xlsx", register)
    seen = []
    result = ri.import_register(
        register, admin, path, progress=lambda done, total: seen.append((done, total))
    )
    assert (result.imported, result.already_there, result.total_rows) == (10, 0, 16)
    assert seen[-1] == (17, 17)
    # TCVN3: applicant + address; VNI: applicant, status, procedure name
    assert result.converted_cells == 5
    problems = dict(p.split(": ", 1) for p in result.problems)
    assert "không có thủ tục “9.999999”" in problems["Dòng 13"]
    assert "“30/02/2026” không phải ngày có thật" in problems["Dòng 14"]
    assert "ngày có kết quả 09/11/2026 08:00 trước ngày nhận 10/11/2026 08:00" in problems["Dòng 15"]
    assert "mã hồ sơ “A-03” trùng với dòng 5" in problems["Dòng 16"]
    assert "cần ngày có kết quả" in problems["Dòng 17"]
    assert "kênh nộp “Fax” không rõ" in problems["Dòng 18"]

    d = register.dossier("A-01")
    assert (d.applicant, d.address) == ("Nguyễn Văn Ánh", "Số 12 Âu Cơ, phường Tây Hồ")
    assert (d.id_number, d.id_kind.value, d.phone) == ("001190012345", "cccd", "0912345678")
    assert d.status == Status.IN_PROGRESS and d.resolved_at is None
    assert d.due_at == register.due_for("1.004873", at("2026-11-02 08:30"))
    statuses = {c: register.dossier(c).status for c in [f"A-{i:02d}" for i in range(1, 11)]}
    assert statuses == {
        "A-01": Status.IN_PROGRESS,
        "A-02": Status.AWAITING_SUPPLEMENT,
        "A-03": Status.RESOLVED,
        "A-04": Status.RETURNED,
        "A-05": Status.REFUSED,
        "A-06": Status.WITHDRAWN,
        "A-07": Status.STOPPED,
        "A-08": Status.RESOLVED,  # from the dates
        "A-09": Status.RETURNED,  # from the dates
        "A-10": Status.RECEIVED,  # nothing after intake
    }
    assert register.dossier("A-02").applicant == "Phạm Thị Hương"
    assert register.dossier("A-08").procedure_code == "1.004222"  # by its exact name, typed in VNI
    a04 = register.dossier("A-04")
    assert a04.channel == Channel.POST and a04.resolved_at == at("2026-11-05 16:30")  # date alone
    assert a04.returned_at == at("2026-11-06 10:00") and a04.receiver_name == "Lê Thu"
    assert register.dossier("A-09").due_at == at("2026-11-20 16:30")  # due date alone: return time
    assert register.dossier("A-05").channel == Channel.ONLINE
    kinds = [e.kind for e in a04.events]
    assert kinds == [EventKind.RECEIVED, EventKind.RESOLVED, EventKind.RETURNED, EventKind.IMPORTED]
    origin = a04.events[-1]
    assert origin.data == {"file": "so-cu.xlsx", "row": 6} and "so-cu.xlsx, dòng 6" in origin.note
    assert [e.kind for e in register.dossier("A-02").events][:2] == [
        EventKind.RECEIVED,
        EventKind.SUPPLEMENT_REQUESTED,
    ]
    assert [x.code for x in register.search("nguyen van anh")] == ["A-01"]  # the FTS index has it
    assert "Đã chuyển 5 ô" in result.summary()
    entry = register.store.db.execute(
        "SELECT new FROM audit_log WHERE action = 'import' AND entity = 'register'"
    ).fetchone()
    assert '"imported": 10' in entry[0]


def test_reimport_adds_nothing_and_says_so(register, admin, tmp_path):
    path = _mixed_register(tmp_path / "so-cu.xlsx", register)
    ri.import_register(register, admin, path)
    count = register.store.dossier_count()
    events = register.store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    again = ri.import_register(register, admin, path)
    assert (again.imported, again.already_there) == (0, 10)
    assert "10 hồ sơ đã có trong sổ (trùng mã), không nhập lại" in again.summary()
    assert register.store.dossier_count() == count
    assert register.store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == events
    assert ri.preview(register, path).already_there == 10


def test_an_imported_code_of_today_is_never_issued_again(register, admin, clerk, tmp_path):
    path = _xlsx(
        tmp_path / "hom-nay.xlsx",
        CANONICAL,
        [_row(f"{AGENCY}-261123-0005", "1.004873", "Nguyễn Văn A", "23/11/2026 08:00")],
    )
    assert ri.import_register(register, admin, path).imported == 1
    d = register.intake(make_form("1.004873"), clerk)
    assert d.code == f"{AGENCY}-261123-0006"


def test_only_an_administrator_imports(register, clerk, tmp_path):
    path = _mixed_register(tmp_path / "so-cu.xlsx", register)
    with pytest.raises(PermissionDenied):
        ri.import_register(register, clerk, path)
    assert register.store.dossier_count() == 0


def test_variant_headers_under_title_rows(register, admin, tmp_path):
    rows = [[1, "X-1", "Cấp bản sao trích lục hộ tịch", "Nguyễn An", "", "0987654321", "", "trực tuyến",
             "01/11/2026 08:00", "", "", "", "", ""]]  # fmt: skip
    path = _xlsx(tmp_path / "bien-the.xlsx", VARIANTS, rows, title_rows=3)
    p = ri.preview(register, path)
    assert (
        p.mapping["code"] == "Số hồ sơ" and p.mapping["id_number"] == "CCCD" and p.ignored_headers == ["STT"]
    )
    result = ri.import_register(register, admin, path)
    d = register.dossier("X-1")
    assert result.imported == 1 and d.procedure_code == "2.000635" and d.channel == Channel.ONLINE


def test_a_file_without_the_columns_says_which(register, tmp_path):
    path = _xlsx(tmp_path / "khac.xlsx", ["Tên", "Tuổi"], [["A", 3]])
    with pytest.raises(MotCuaError, match="thiếu cột Mã hồ sơ, Mã thủ tục, Người nộp, Ngày nhận"):
        ri.preview(register, path)
    with pytest.raises(MotCuaError, match=r"\.xls"):
        ri.preview(register, tmp_path / "cu.xls")


# --- CSV in the encodings registers were saved in ------------------------------------------------------
def _csv_text(rows, delimiter=","):
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


CSV_ROWS = [
    CANONICAL,
    _row("C-1", "1.004873", "Nguyễn Thị Ưởng", "02/11/2026 08:30", "Đã có kết quả",
         outcome="04/11/2026 10:00", address="Số 12 Âu Cơ, phường Tây Hồ"),
    _row("C-2", "1.004873", "Đặng Đức Thắng", "2026-11-03 09:00", "Đang giải quyết"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, encode, expected_encoding, converted",
    [
        ("utf8-bom.csv", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8", 0),
        ("utf8.csv", lambda t: t.encode("utf-8"), "utf-8", 0),
        ("cp1258.csv", encode_cp1258, "cp1258", 0),
        ("tcvn3.csv", lambda t: encode_tcvn3(t).encode("cp1252"), "cp1252", 5),
        ("vni.csv", lambda t: encode_vni(t).encode("cp1252"), "cp1252", 5),
    ],
)
def test_csv_in_every_encoding(register, admin, tmp_path, name, encode, expected_encoding, converted):
    path = tmp_path / name
    path.write_bytes(encode(_csv_text(CSV_ROWS, delimiter=";" if "bom" in name else ",")))
    p = ri.preview(register, path)
    assert p.encoding == expected_encoding and p.problems == []
    result = ri.import_register(register, admin, path)
    assert (result.imported, result.converted_cells) == (2, converted)
    d = register.dossier("C-1")
    assert (d.applicant, d.address) == ("Nguyễn Thị Ưởng", "Số 12 Âu Cơ, phường Tây Hồ")
    assert register.dossier("C-2").applicant == "Đặng Đức Thắng"
    assert d.status == Status.RESOLVED and register.dossier("C-2").status == Status.IN_PROGRESS


def test_decoding_prefers_utf8_and_never_guesses_ascii_wrong():
    assert decode_legacy_csv("Mã hồ sơ".encode()) == ("Mã hồ sơ", "utf-8")
    assert decode_legacy_csv(b"a,b\r\n1,2") == ("a,b\r\n1,2", "utf-8")


# --- the report counts imported dossiers like typed ones -------------------------------------------------
SCENARIOS = [
    # procedure, channel, received, steps [(action, moment)], status label written in the file
    ("1.004873", "truc-tiep", "2026-09-25 09:00", [("handover", "2026-09-28 08:00"),
                                                    ("resolve", "2026-10-01 16:30")], "Đã có kết quả"),
    ("1.004873", "truc-tiep", "2026-10-05 09:00", [("resolve", "2026-10-06 10:00"),
                                                    ("return", "2026-10-07 09:00")], ""),
    ("1.004222", "truc-tuyen", "2026-10-12 14:00", [("handover", "2026-10-12 15:00"),
                                                     ("resolve", "2026-10-30 10:00")], "Đã có kết quả"),
    ("2.000815", "buu-chinh", "2026-10-20 15:30", [("refuse", "2026-10-21 08:00")], "Từ chối"),
    ("1.004222", "truc-tiep", "2026-10-26 10:00", [("supplement", "2026-10-27 10:00")], "Chờ bổ sung"),
    ("1.004873", "truc-tuyen", "2026-11-02 08:00", [("handover", "2026-11-02 09:00"),
                                                     ("withdraw", "2026-11-03 08:00")], "Rút hồ sơ"),
    ("1.009122", "truc-tiep", "2026-11-05 08:00", [("handover", "2026-11-05 09:00"),
                                                    ("stop", "2026-11-10 08:00")], "Dừng giải quyết"),
    ("1.004873", "truc-tiep", "2026-11-09 08:00", [("handover", "2026-11-09 09:00")], "Đang giải quyết"),
    ("1.014137", "truc-tiep", "2026-11-20 10:00", [], ""),
    ("2.000635", "truc-tiep", "2026-11-13 16:00", [("resolve", "2026-11-16 09:00"),
                                                    ("return", "2026-11-17 09:00")], "Đã trả kết quả"),
]  # fmt: skip
PERIODS = [
    Period(date(2026, 9, 1), date(2026, 9, 30)),
    Period(date(2026, 10, 1), date(2026, 10, 31)),
    Period(date(2026, 11, 1), date(2026, 11, 30)),
    Period(date(2026, 10, 26), date(2026, 10, 26)),
    preset_period("official-month", date(2026, 11, 10)),
    preset_period("official-month", date(2026, 10, 10)),
    preset_period("week", date(2026, 11, 4)),
    preset_period("year", date(2026, 6, 1)),
]


def _type_in(register, clerk, clock) -> list:
    typed = []
    for i, (procedure, channel, received, steps, _) in enumerate(SCENARIOS):
        clock.at = at(received)
        d = register.intake(make_form(procedure, channel=Channel(channel), applicant=f"Người Nộp {i}"), clerk)
        for action, moment in steps:
            clock.at = at(moment)
            note = "Thiếu giấy tờ" if action in ("supplement", "refuse") else ""
            register.apply(d.code, action, clerk, note=note)
        typed.append(register.dossier(d.code))
    clock.set("2026-11-23T09:00")
    return typed


def test_report_figures_for_imported_dossiers_equal_those_typed_in(register, other, clerk, clock, tmp_path):
    typed = _type_in(register, clerk, clock)
    rows = []
    for i, d in enumerate(typed):
        label = SCENARIOS[i][4]
        received = d.received_at.replace(tzinfo=None) if i % 2 else d.received_at.strftime("%d/%m/%Y %H:%M")
        outcome = d.resolved_at.strftime("%d/%m/%Y %H:%M") if d.resolved_at else ""
        returned = d.returned_at.isoformat(timespec="minutes")[:16] if d.returned_at else ""
        rows.append(_row(d.code, d.procedure_code, d.applicant, received, label, outcome, returned,
                         channel=d.channel.label))  # fmt: skip
    path = _xlsx(tmp_path / "so-go-tay.xlsx", CANONICAL, rows)
    result = ri.import_register(other, other.user("quantri"), path)
    assert result.imported == len(SCENARIOS) and result.problems == []
    columns = ("received_at", "due_at", "outcome_at", "returned_at", "status", "channel", "field")
    for d in typed:
        mine = register.store.raw_dossier(d.code)
        theirs = other.store.raw_dossier(d.code)
        assert {k: theirs[k] for k in columns} == {k: mine[k] for k in columns}, d.code
    now = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)
    for period in PERIODS:
        typed_table = compute(register, period, now)
        imported_table = compute(other, period, now)
        assert imported_table.to_json() == typed_table.to_json(), period
        assert imported_table.problems() == []
    november = compute(other, PERIODS[2], now).total
    assert november.pending_overdue >= 1 and november.resolved_total >= 3  # the scenarios mean something
    assert to_db(now) > max(
        r["received_at"] for r in other.store.db.query("SELECT received_at FROM dossiers")
    )


# --- the command line --------------------------------------------------------------------------------
def test_command_line_dry_run_then_import_then_again(register, tmp_path, capsys, monkeypatch):
    from cli.context import CliContext
    from cli.main import main

    monkeypatch.setattr(CliContext, "read_secret", lambda self, prompt: PASSWORD)  # the admin's password
    path = _mixed_register(tmp_path / "so-cu.xlsx", register)
    db = ["--db", str(register.store.target), "--user", "quantri"]
    assert main([*db, "import-register", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "10 hồ sơ sẽ được nhập" in out and "Chưa ghi gì" in out and "Dòng 13:" in out
    assert "Ngày nhận ← “Ngày nhận”" in out
    assert register.store.dossier_count() == 0
    assert main([*db, "import-register", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Đã nhập 10 hồ sơ từ so-cu.xlsx") and "Dòng 18: kênh nộp “Fax”" in out
    assert main([*db, "import-register", str(path), "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert (data["imported"], data["already_there"], data["converted_cells"]) == (0, 10, 5)
    assert len(data["problems"]) == 6
    assert main([*db, "import-register", str(tmp_path / "khong-co.xlsx")]) == 2
    assert "Lỗi: Không tìm thấy tệp" in capsys.readouterr().err
