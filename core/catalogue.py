"""The procedure catalogue: the starter list shipped as a resource, and the province's list.

``import_procedures`` reads the province's published list (csv or xlsx), matching columns
by header name (case, accents and spacing ignored), keyed by procedure code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import MotCuaError, ValidationError
from core.filesafety import read_csv_rows, read_xlsx_rows
from core.model import Procedure, User
from core.paths import resource_path
from core.text import fold, nfc

# folded header -> Procedure attribute
HEADERS = {
    "ma_thu_tuc": "code",
    "ma thu tuc": "code",
    "ma tthc": "code",
    "ma": "code",
    "ten_thu_tuc": "name",
    "ten thu tuc": "name",
    "ten tthc": "name",
    "ten thu tuc hanh chinh": "name",
    "linh_vuc": "field",
    "linh vuc": "field",
    "so_ngay_lam_viec": "working_days",
    "so ngay lam viec": "working_days",
    "thoi han giai quyet": "working_days",
    "thoi gian giai quyet": "working_days",
    "so ngay": "working_days",
    "ap_dung_gio_cat_15h": "cutoff_applies",
    "ap dung gio cat 15h": "cutoff_applies",
    "gio cat": "cutoff_applies",
    "le_phi": "fee",
    "le phi": "fee",
    "phi, le phi": "fee",
    "phi le phi": "fee",
    "thanh_phan_ho_so": "documents",
    "thanh phan ho so": "documents",
    "ghi_chu": "note",
    "ghi chu": "note",
}
REQUIRED = ("code", "name", "field", "working_days")
_YES = {"co", "x", "1", "true", "yes"}
MAX_CODE = 40  # real codes: "1.004222", "2.000986.000.00.00.H56"
MAX_FIELD = 200
MAX_TEXT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CatalogueImport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Thêm {self.added}, cập nhật {self.updated}, không đổi {self.unchanged} thủ tục."
        if self.errors:
            text += f" Bỏ qua {len(self.errors)} dòng lỗi."
        return text


def _rows_from_file(path: Path) -> list[list[str]]:
    """Rows as text; every way a file can be wrong becomes a Vietnamese ``MotCuaError``."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return [["" if v is None else str(v) for v in row] for row in read_xlsx_rows(path)]
    if suffix == ".csv":
        return read_csv_rows(path)
    if not path.exists():
        raise MotCuaError(f"Không tìm thấy tệp {path}")
    raise MotCuaError(f"Chỉ nhận tệp .csv hoặc .xlsx, không nhận “{path.suffix}”")


def parse_procedures(path: Path) -> tuple[list[Procedure], list[str]]:
    rows = _rows_from_file(Path(path))
    if not rows:
        raise MotCuaError(f"Tệp {Path(path).name} trống")
    header_index = {}
    for i, name in enumerate(rows[0]):
        key = HEADERS.get(fold(name).strip())
        if key and key not in header_index:
            header_index[key] = i
    missing = [k for k in REQUIRED if k not in header_index]
    if missing:
        names = {
            "code": "Mã thủ tục",
            "name": "Tên thủ tục",
            "field": "Lĩnh vực",
            "working_days": "Số ngày làm việc",
        }
        raise MotCuaError("Tệp thiếu cột: " + ", ".join(names[m] for m in missing))
    procedures, errors = [], []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in row):
            continue

        def cell(key: str, row=row) -> str:
            i = header_index.get(key)
            return nfc(row[i]) if i is not None and i < len(row) else ""

        try:
            code, name, field_name = cell("code"), cell("name"), cell("field")
            if not code or not name or not field_name:
                raise ValidationError("Dòng", "thiếu mã, tên hoặc lĩnh vực")
            if len(code) > MAX_CODE or len(name) > MAX_TEXT or len(field_name) > MAX_FIELD:
                raise ValidationError("Dòng", "mã, tên hoặc lĩnh vực dài bất thường")
            if any(_CONTROL.search(cell(k)) for k in header_index):
                raise ValidationError("Dòng", "có ký tự điều khiển (dữ liệu nhị phân), không phải văn bản")
            if code in seen:
                raise ValidationError("Mã thủ tục", f"“{code}” trùng với dòng {seen[code]}")
            days_text = cell("working_days").split()[0] if cell("working_days") else ""
            try:
                days = int(float(days_text.replace(",", ".")))
            except (ValueError, OverflowError):  # "abc", "nan", "1e400"
                raise ValidationError("Số ngày làm việc", f"“{cell('working_days')}” không phải số") from None
            if days < 0 or days > 365:
                raise ValidationError("Số ngày làm việc", f"{days} nằm ngoài 0-365")
            documents = tuple(d for d in (nfc(x) for x in cell("documents").split("|")) if d)
            procedures.append(
                Procedure(
                    code=code,
                    name=name,
                    field=field_name,
                    working_days=days,
                    cutoff_applies=fold(cell("cutoff_applies")) in _YES,
                    fee=cell("fee"),
                    documents=documents,
                    note=cell("note"),
                    position=number,
                )
            )
            seen[code] = number
        except ValidationError as exc:
            errors.append(f"Dòng {number}: {exc.message}")
    return procedures, errors


def import_procedures(register, user: User, path: Path) -> CatalogueImport:
    """Add or update procedures from a file, keyed by code, in one transaction."""
    procedures, errors = parse_procedures(Path(path))
    result = CatalogueImport(errors=errors)
    existing = {p.code: p for p in register.store.procedures(active_only=False)}
    next_position = max((p.position for p in existing.values()), default=0) + 1
    with register.store.transaction():
        for p in procedures:
            old = existing.get(p.code)
            position = old.position if old else next_position + p.position
            p = Procedure(**{**p.__dict__, "position": position})
            if old == p:
                result.unchanged += 1
                continue
            register.save_procedure(user, p)
            if old:
                result.updated += 1
            else:
                result.added += 1
    return result


def load_starter_catalogue(register, user: User) -> CatalogueImport:
    return import_procedures(register, user, resource_path("catalogue", "procedures.csv"))
