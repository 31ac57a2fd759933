"""The starter catalogue, the province's list import, and the demo data's realism."""

from __future__ import annotations

from collections import Counter

from openpyxl import Workbook

from core.catalogue import import_procedures
from core.demo import make_demo
from core.model import Status, Timeliness
from core.register import Register
from core.store import DossierQuery


def test_starter_catalogue_is_loaded(register):
    procedures = register.procedures()
    assert len(procedures) == 16
    birth = register.procedure("1.001193")
    assert birth.name == "Đăng ký khai sinh" and birth.field == "Hộ tịch"
    assert birth.working_days == 0 and birth.cutoff_applies
    assert birth.documents[0] == "Tờ khai đăng ký khai sinh"
    assert register.store.field_order()[:3] == ["Hộ tịch", "Chứng thực", "Cư trú"]


def test_import_province_list_xlsx_adds_and_updates(register, admin, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Thời hạn giải quyết", "Lệ phí", "Thành phần hồ sơ"]
    )
    ws.append(
        [
            "1.004222",
            "Đăng ký thường trú",
            "Cư trú",
            "5 ngày làm việc",
            "20.000 đồng",
            "Tờ khai | Giấy tờ chỗ ở",
        ]
    )
    ws.append(["2.002000", "Đăng ký hoạt động tín ngưỡng", "Tôn giáo", 20, "Không", ""])
    ws.append(["9.9", "", "Thiếu tên", 1, "", ""])
    path = tmp_path / "danh-muc.xlsx"
    wb.save(path)
    result = import_procedures(register, admin, path)
    assert (result.added, result.updated) == (1, 1)
    assert result.errors == ["Dòng 4: Dòng: thiếu mã, tên hoặc lĩnh vực"]
    assert register.procedure("1.004222").working_days == 5
    assert register.procedure("2.002000").field == "Tôn giáo"
    again = import_procedures(register, admin, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_demo_is_a_realistic_mix(tmp_path, clock):
    reg = Register.open(tmp_path / "demo.sqlite3", clock=clock)
    result = make_demo(reg, dossiers=400, days=90)
    assert result.dossiers == 400 and "canbo1" in result.users
    dossiers = reg.query(DossierQuery(limit=1000))
    statuses = Counter(d.status for d in dossiers)
    assert len(dossiers) == 400
    for status in (
        Status.RETURNED,
        Status.RESOLVED,
        Status.IN_PROGRESS,
        Status.REFUSED,
        Status.WITHDRAWN,
        Status.AWAITING_SUPPLEMENT,
    ):
        assert statuses[status] > 0, status
    timeliness = Counter(d.timeliness() for d in dossiers if d.resolved_at)
    assert timeliness[Timeliness.EARLY] and timeliness[Timeliness.ON_TIME]
    assert timeliness[Timeliness.LATE]
    assert len({d.applicant for d in dossiers}) > 200
    assert reg.difficulties(clock().date().replace(day=1).replace(month=1), clock().date())
    reg.close()
