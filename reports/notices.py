"""Mẫu 02 (supplement request), 03 (refusal), 04 (apology and request to extend) and, in the 2025
set, 05 (notice that processing stops).

Short letters with the same frame: heading (with the form's own number "Số: …/TTPVHCC" in the
2025 set), title, the applicant's lines, the body, signatures. Each letter is dated on the day of
the step it records (the request, the refusal, the apology, the stop), not the day it is printed:
a reprint a week later must say the same thing. Mẫu 02 also serves an applicant whose dossier was
*not* received (incomplete at the counter): then only the procedure and the name are known, so it
takes an ``Applicant`` rather than a ``Dossier``. An organisation is addressed as such, never
"Ông/Bà".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.model import ApplicantKind, Dossier, EventKind
from core.settings import Settings
from core.timeutil import from_db, to_local
from core.timeutil import now as vn_now
from reports.common import (
    DOTS,
    Paper,
    Signer,
    body,
    form_number,
    heading,
    labelled,
    new_sheet,
    paper,
    pdf_surface,
    signatures,
    title,
    vn_date,
    vn_moment,
    write_bytes,
)
from reports.formset import is_2025, subject
from reports.layout import Para

TITLE_02 = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
TITLE_03_2025 = "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ"
TITLE_03_2018 = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
TITLE_04_2025 = "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
TITLE_04_2018 = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
TITLE_05 = "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"
# What the stop notice says about fees and documents when the clerk adds nothing (Circular 03
# art. 7 leaves the details to the resolving body: one place to change the wording).
STOP_AFTERMATH = (
    "Thành phần hồ sơ (bản chính giấy tờ) đã nộp được trả lại tại Bộ phận Một cửa; phí, lệ phí "
    "đã nộp (nếu có) được xử lý theo quy định của pháp luật về phí, lệ phí."
)


@dataclass(frozen=True)
class Applicant:
    """Who a letter is addressed to (from a dossier, or typed at the counter)."""

    name: str
    procedure: str
    address: str = ""
    phone: str = ""
    email: str = ""
    code: str = ""
    id_number: str = ""
    organisation: bool = False
    province_code: str = ""

    @classmethod
    def of(cls, d: Dossier) -> Applicant:
        return cls(
            d.applicant,
            d.procedure_name,
            d.address,
            d.phone,
            d.email,
            d.code,
            d.id_number,
            d.applicant_kind == ApplicantKind.ORGANISATION,
            d.province_code,
        )

    @property
    def you(self) -> str:
        """How the letter addresses the applicant: "Ông/Bà", or an organisation's form."""
        return "Quý cơ quan, tổ chức" if self.organisation else "Ông/Bà"


@dataclass(frozen=True)
class MissingItem:
    """One missing item: what it is, and what to supply (2025: a numbered list; 2018: a table
    row whose copy kind is ticked when known)."""

    name: str
    supply: str = ""  # what to bring or correct, and why
    original: bool = False
    certified: bool = False
    photocopy: bool = False

    @classmethod
    def parse(cls, text: str) -> MissingItem:
        """``"Tờ khai CT01 | bản chính, có chữ ký của chủ hộ"``: the item, then what to supply."""
        name, _, supply = text.partition("|")
        return cls(name.strip(), supply.strip())


def _items(missing: Sequence[MissingItem | str]) -> list[MissingItem]:
    return [m if isinstance(m, MissingItem) else MissingItem.parse(m) for m in missing]


def _person_lines(p: Paper, a: Applicant, lead: str, new: bool) -> list[Para]:
    lines = [body(p, labelled(lead, a.name))]
    if new:
        lines.append(body(p, labelled("Số định danh cá nhân/tổ chức", a.id_number)))
    lines += [
        body(p, labelled("Nội dung yêu cầu giải quyết", a.procedure)),
        body(p, labelled("Địa chỉ", a.address)),
        body(p, [*labelled("Số điện thoại", a.phone), ("r", "\u2003"), *labelled("Email", a.email)]),
    ]
    return lines


def _start(p: Paper, settings: Settings, reprint: bool, title_text: str, kind: str):
    surface = pdf_surface(p, title_text, settings, subject=subject(kind, settings))
    return surface, new_sheet(surface, p, reprint=reprint)


def latest_event(d: Dossier, kind: EventKind):
    """The dossier's latest event of ``kind`` (None if none)."""
    return next((e for e in reversed(d.events) if e.kind == kind), None)


def latest_event_data(d: Dossier, kind: EventKind) -> tuple[str, dict]:
    """(note, data) of the dossier's latest event of ``kind`` (reason and details of a step)."""
    e = latest_event(d, kind)
    return (e.note, e.data) if e else ("", {})


def _code_line(a: Applicant, new: bool) -> list:
    if new:
        lines = [(("r", "Mã hồ sơ (nếu có): "), ("b", a.code) if a.code else ("r", DOTS))]
        if a.province_code:
            lines.append((("r", "Mã hồ sơ trên hệ thống của tỉnh: "), ("b", a.province_code)))
        return lines
    return [(("r", "Mã hồ sơ: "), ("b", a.code))] if a.code else []


def _number(settings: Settings, number: int | str | None, legacy: str) -> str:
    return form_number(number) if is_2025(settings) else f"Số: {number or DOTS}/{legacy}"


# --- Mẫu 02 ---------------------------------------------------------------------------------
def render_supplement(
    applicant: Applicant,
    settings: Settings,
    missing: Sequence[MissingItem | str],
    reason: str = "",
    guide_name: str = "",
    when: datetime | None = None,
    number: int | str | None = None,
    reprint: bool = False,
) -> bytes:
    """PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ, dated ``when`` (the request's moment)."""
    p = paper("A4")
    new = is_2025(settings)
    a = applicant
    when = to_local(when or vn_now())
    items = _items(missing)
    surface, sheet = _start(p, settings, reprint, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "supplement")
    heading(sheet, p, settings, when, number=_number(settings, number, "HDHS"))
    title(sheet, p, TITLE_02, *_code_line(a, new))
    lead = "Tiếp nhận hồ sơ của" + ("" if a.organisation else " Ông/Bà")
    sheet.add(*_person_lines(p, a, lead, new))
    what = "bổ sung, hoàn thiện" if new else "hoàn thiện"
    sheet.add(body(p, f"Yêu cầu {a.you} {what} hồ sơ gồm những nội dung như sau:", space_before=2))
    if new:
        _numbered_items(sheet, p, items)
    else:
        _items_table(sheet, p, items)
    sheet.space(p.body * 0.4)
    sheet.add(body(p, labelled("Lý do", reason)))
    contact = settings.centre_name or settings.ward_name
    sheet.add(
        body(
            p,
            [
                ("r", f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {a.you} liên hệ với "),
                ("b", contact or DOTS),
                ("r", " số điện thoại "),
                ("b", settings.phone or DOTS),
                ("r", " để được hướng dẫn./."),
            ],
        )
    )
    signatures(sheet, p, None, Signer("NGƯỜI HƯỚNG DẪN", name=guide_name))
    return surface.finish()


def _numbered_items(sheet, p: Paper, items: list[MissingItem]) -> None:
    """The 2025 list: "1. <item>: <what to supply>", hanging indent under the number."""
    if not items:
        sheet.add(body(p, DOTS, left=p.body * 1.2))
    for i, item in enumerate(items, 1):
        runs = [("r", f"{i}. "), ("b", item.name + (":" if item.supply else ""))]
        if item.supply:
            runs.append(("r", " " + item.supply))
        sheet.add(body(p, runs, left=p.body * 1.2, hang=p.body * 1.6, space_after=1))


def _items_table(sheet, p: Paper, items: list[MissingItem]) -> None:
    size = p.body - 1
    w = sheet.width
    widths = [w * 0.08, w * 0.5, w * 0.14, w * 0.14, w * 0.14]
    header = [
        [Para((("b", h),), size=size, align="center", space_after=0)]
        for h in ("TT", "Thành phần hồ sơ", "Bản chính", "Bản chứng thực", "Bản photo")
    ]

    def tick(on: bool) -> list:
        return [Para("x" if on else "", size=size, align="center", space_after=0)]

    rows = [
        [
            [Para(str(i), size=size, align="center", space_after=0)],
            [Para(item.name + (f" ({item.supply})" if item.supply else ""), size=size, space_after=0)],
            tick(item.original),
            tick(item.certified),
            tick(item.photocopy),
        ]
        for i, item in enumerate(items, 1)
    ]
    sheet.table(header, rows or [[[Para(DOTS, size=size)], [], [], [], []]], widths)


def supplement_from_dossier(d: Dossier) -> tuple[list[str], str, datetime | None]:
    """The missing documents, reason and moment of the latest supplement request, if any."""
    e = latest_event(d, EventKind.SUPPLEMENT_REQUESTED)
    if e is None:
        return [], "", None
    return list(e.data.get("missing") or []), e.note, e.at


# --- Mẫu 03 ---------------------------------------------------------------------------------
def render_refusal(
    d: Dossier | Applicant,
    settings: Settings,
    reason: str,
    clerk_name: str = "",
    when: datetime | None = None,
    reprint: bool = False,
    number: int | str | None = None,
) -> bytes:
    """PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ, dated ``when`` (the refusal's moment); in the
    2025 set signed by both the applicant and the receiver."""
    a = Applicant.of(d) if isinstance(d, Dossier) else d
    p = paper("A4")
    new = is_2025(settings)
    when = to_local(when or vn_now())
    surface, sheet = _start(p, settings, reprint, "Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "refusal")
    heading(sheet, p, settings, when, number=_number(settings, number, "TC") if new else "")
    title(sheet, p, TITLE_03_2025 if new else TITLE_03_2018, *_code_line(a, new))
    sheet.add(*_person_lines(p, a, "Tiếp nhận hồ sơ của", new))
    office = settings.centre_name or settings.ward_name or DOTS
    sheet.add(
        body(
            p,
            [
                ("r", f"Qua xem xét, {office} thông báo không tiếp nhận, giải quyết hồ sơ này "),
                ("r", "với lý do cụ thể như sau: "),
                ("b", reason or DOTS),
            ],
            space_before=2,
        ),
        body(p, f"Xin thông báo cho {a.you} được biết và thực hiện./."),
    )
    applicant = Signer("NGƯỜI NỘP HỒ SƠ", name=a.name if not a.organisation else "") if new else None
    signatures(sheet, p, applicant, Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", name=clerk_name))
    return surface.finish()


def refusal_from_dossier(d: Dossier) -> tuple[str, datetime | None]:
    e = latest_event(d, EventKind.REFUSED)
    return (e.note, e.at) if e else ("", None)


# --- Mẫu 04 ---------------------------------------------------------------------------------
def render_apology(
    d: Dossier,
    settings: Settings,
    new_appointment: datetime,
    reason: str,
    signer_name: str = "",
    when: datetime | None = None,
    number: int | str | None = None,
    reprint: bool = False,
) -> bytes:
    """The apology with the original appointment, the reason and the new one, dated ``when``
    (the apology's moment). 2025: PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT."""
    p = paper("A4")
    new = is_2025(settings)
    a = Applicant.of(d)
    when = to_local(when or vn_now())
    name = TITLE_04_2025 if new else TITLE_04_2018
    surface, sheet = _start(p, settings, reprint, name.capitalize(), "apology")
    heading(sheet, p, settings, when, number=_number(settings, number, "PXL"))
    title(sheet, p, name)
    office = settings.centre_name or DOTS
    agency = settings.ward_name or DOTS
    received = to_local(d.received_at)
    sheet.add(
        body(p, labelled("Kính gửi", d.applicant), align="center"),
        body(p, [*labelled("Địa chỉ", d.address), ("r", "\u2003"), *labelled("Số điện thoại", d.phone)]),
        body(
            p,
            [
                ("r", f"Ngày {received:%d/%m/%Y}, {office} tiếp nhận giải quyết hồ sơ đề nghị "),
                ("b", d.procedure_name),
                ("r", f" của {a.you}. Mã hồ sơ: "),
                ("b", d.code),
                ("r", "; ngày hẹn trả kết quả: "),
                ("b", vn_moment(d.due_at)),
                ("r", "."),
            ],
            first=p.body * 2,
            space_before=2,
        ),
        body(
            p,
            [
                ("r", f"Đến nay, {agency} chưa trả kết quả giải quyết hồ sơ đúng thời hạn ghi trên Giấy "),
                ("r", "tiếp nhận hồ sơ và hẹn trả kết quả. Lý do: "),
                ("b", reason or DOTS),
            ],
            first=p.body * 2,
        ),
    )
    if new:
        sheet.add(
            body(
                p,
                f"{agency} xin lỗi {a.you} vì sự chậm trễ này và đề nghị {a.you} đồng ý gia hạn "
                "thời gian giải quyết hồ sơ.",
                first=p.body * 2,
            ),
            body(p, labelled("Thời gian hẹn trả kết quả mới", vn_moment(new_appointment)), first=p.body * 2),
        )
    else:
        sheet.add(
            body(
                p,
                f"{agency} xin lỗi {a.you} vì sự chậm trễ này và hẹn lại thời gian trả kết quả "
                "giải quyết hồ sơ.",
                first=p.body * 2,
            ),
            body(p, labelled("Thời gian hẹn trả kết quả lại", vn_moment(new_appointment)), first=p.body * 2),
        )
    sheet.add(body(p, f"Rất mong nhận được sự thông cảm của {a.you}./.", first=p.body * 2))
    _head_signature(sheet, p, signer_name)
    return surface.finish()


def _head_signature(sheet, p: Paper, signer_name: str) -> None:
    small = p.body - 2
    recipients = [
        Para((("bi", "Nơi nhận:"),), size=small + 1, space_after=0),
        Para("- Như trên;", size=small, space_after=0),
        Para("- Lưu: VT.", size=small, space_after=0),
    ]
    signatures(
        sheet,
        p,
        None,
        Signer("THỦ TRƯỞNG CƠ QUAN", hint="(Ký, ghi rõ họ tên và đóng dấu)", name=signer_name),
        left_items=recipients,
    )


def apology_from_dossier(d: Dossier) -> tuple[datetime | None, str, datetime | None]:
    """The new appointment, reason and moment of the apology recorded on the dossier."""
    e = latest_event(d, EventKind.APOLOGY)
    if e is None:
        return d.new_appointment_at, "", None
    moment = e.data.get("new_appointment_at")
    if isinstance(moment, str):
        moment = from_db(moment)
    return moment or d.new_appointment_at, e.note, e.at


# --- Mẫu 05 (2025) ----------------------------------------------------------------------------
def render_stop_notice(
    d: Dossier,
    settings: Settings,
    reason: str,
    when: datetime | None = None,
    signer_name: str = "",
    aftermath: str = "",
    number: int | str | None = None,
    reprint: bool = False,
) -> bytes:
    """THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ: which dossier, since when, why, and what becomes of its
    documents and fees; dated ``when`` (the moment it was stopped)."""
    p = paper("A4")
    a = Applicant.of(d)
    when = to_local(when or vn_now())
    surface, sheet = _start(p, settings, reprint, "Thông báo dừng giải quyết hồ sơ", "stop-notice")
    heading(sheet, p, settings, when, number=form_number(number))
    title(sheet, p, TITLE_05)
    agency = settings.ward_name or DOTS
    office = settings.centre_name or DOTS
    province = [("r", " (mã trên hệ thống của tỉnh: "), ("b", d.province_code), ("r", ")")]
    after = [("r", "Về hồ sơ và phí, lệ phí: "), ("b" if aftermath else "r", aftermath or STOP_AFTERMATH)]
    sheet.add(
        body(p, labelled("Kính gửi", d.applicant), align="center"),
        body(p, labelled("Số định danh cá nhân/tổ chức", d.id_number)),
        body(p, [*labelled("Địa chỉ", d.address), ("r", "\u2003"), *labelled("Số điện thoại", d.phone)]),
        body(
            p,
            [
                ("r", f"Ngày {to_local(d.received_at):%d/%m/%Y}, {office} tiếp nhận hồ sơ đề nghị "),
                ("b", d.procedure_name),
                ("r", f" của {a.you}. Mã hồ sơ: "),
                ("b", d.code),
                *(province if d.province_code else []),
                ("r", "."),
            ],
            first=p.body * 2,
            space_before=2,
        ),
        body(
            p,
            [
                ("r", f"{agency} thông báo dừng giải quyết hồ sơ nêu trên kể từ {vn_date(when)}. Lý do: "),
                ("b", reason or DOTS),
            ],
            first=p.body * 2,
        ),  # fmt: skip
        body(p, after, first=p.body * 2),
        body(p, f"Xin thông báo để {a.you} được biết./.", first=p.body * 2),
    )
    _head_signature(sheet, p, signer_name)
    return surface.finish()


def stop_from_dossier(d: Dossier) -> tuple[str, datetime | None]:
    e = latest_event(d, EventKind.STOPPED)
    return (e.note, e.at) if e else ("", None)


def write(data: bytes, path: str | Path) -> Path:
    return write_bytes(data, path)
