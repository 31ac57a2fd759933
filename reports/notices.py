"""Mẫu 02 (supplement request), 03 (refusal) and 04 (apology with a new appointment).

Three short letters with the same frame: heading, title, the applicant's lines, one body paragraph,
signature. Mẫu 02 also serves an applicant whose dossier was *not* received (incomplete at the
counter): then only the procedure and the name are known, so it takes an ``Applicant`` rather than
a ``Dossier``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.model import Dossier, EventKind
from core.settings import Settings
from core.timeutil import from_db, to_local
from core.timeutil import now as vn_now
from reports.common import (
    DOTS,
    Paper,
    Signer,
    body,
    heading,
    labelled,
    new_sheet,
    paper,
    pdf_surface,
    signatures,
    title,
    vn_moment,
    write_bytes,
)
from reports.layout import Para


@dataclass(frozen=True)
class Applicant:
    """Who a letter is addressed to (from a dossier, or typed at the counter)."""

    name: str
    procedure: str
    address: str = ""
    phone: str = ""
    email: str = ""
    code: str = ""

    @classmethod
    def of(cls, d: Dossier) -> Applicant:
        return cls(d.applicant, d.procedure_name, d.address, d.phone, d.email, d.code)


@dataclass(frozen=True)
class MissingItem:
    """One row of the Mẫu 02 table; the copy kind is ticked when known."""

    name: str
    original: bool = False
    certified: bool = False
    photocopy: bool = False


def _person_lines(p: Paper, a: Applicant, lead: str) -> list[Para]:
    return [
        body(p, labelled(lead, a.name)),
        body(p, labelled("Nội dung yêu cầu giải quyết", a.procedure)),
        body(p, labelled("Địa chỉ", a.address)),
        body(p, [*labelled("Số điện thoại", a.phone), ("r", "\u2003"), *labelled("Email", a.email)]),
    ]


def _start(p: Paper, settings: Settings, reprint: bool, title_text: str):
    surface = pdf_surface(p, title_text, settings)
    return surface, new_sheet(surface, p, reprint=reprint)


def latest_event_data(d: Dossier, kind: EventKind) -> tuple[str, dict]:
    """(note, data) of the dossier's latest event of ``kind`` (reason and details of a step)."""
    for e in reversed(d.events):
        if e.kind == kind:
            return e.note, e.data
    return "", {}


# --- Mẫu 02 ---------------------------------------------------------------------------------
def render_supplement(
    applicant: Applicant,
    settings: Settings,
    missing: Sequence[MissingItem | str],
    reason: str = "",
    guide_name: str = "",
    when: datetime | None = None,
    number: str = "",
    reprint: bool = False,
) -> bytes:
    """PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ: the table of what to bring, the reason, who to call."""
    p = paper("A4")
    when = to_local(when or vn_now())
    items = [m if isinstance(m, MissingItem) else MissingItem(m) for m in missing]
    surface, sheet = _start(p, settings, reprint, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    heading(sheet, p, settings, when, number=f"Số: {number or DOTS}/HDHS")
    title(sheet, p, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", *_code_line(applicant))
    sheet.add(*_person_lines(p, applicant, "Tiếp nhận hồ sơ của Ông/Bà"))
    sheet.add(body(p, "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", space_before=2))
    size = p.body - 1
    w = sheet.width
    widths = [w * 0.08, w * 0.5, w * 0.14, w * 0.14, w * 0.14]
    header = [
        [Para((("b", h),), size=size, align="center", space_after=0)]
        for h in ("TT", "Thành phần hồ sơ", "Bản chính", "Bản chứng thực", "Bản photo")
    ]
    tick = lambda on: [Para("x" if on else "", size=size, align="center", space_after=0)]  # noqa: E731
    rows = [
        [
            [Para(str(i), size=size, align="center", space_after=0)],
            [Para(item.name, size=size, space_after=0)],
            tick(item.original),
            tick(item.certified),
            tick(item.photocopy),
        ]
        for i, item in enumerate(items, 1)
    ]
    sheet.table(header, rows or [[[Para(DOTS, size=size)], [], [], [], []]], widths)
    sheet.space(p.body * 0.4)
    sheet.add(body(p, labelled("Lý do", reason)))
    contact = settings.centre_name or settings.ward_name
    sheet.add(
        body(
            p,
            [
                ("r", "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với "),
                ("b", contact or DOTS),
                ("r", " số điện thoại "),
                ("b", settings.phone or DOTS),
                ("r", " để được hướng dẫn./."),
            ],
        )
    )
    signatures(sheet, p, None, Signer("NGƯỜI HƯỚNG DẪN", name=guide_name))
    return surface.finish()


def _code_line(a: Applicant) -> list:
    return [(("r", "Mã hồ sơ: "), ("b", a.code))] if a.code else []


def supplement_from_dossier(d: Dossier) -> tuple[list[str], str]:
    """The missing documents and reason recorded by the latest supplement request, if any."""
    note, data = latest_event_data(d, EventKind.SUPPLEMENT_REQUESTED)
    return list(data.get("missing") or []), note


# --- Mẫu 03 ---------------------------------------------------------------------------------
def render_refusal(
    d: Dossier | Applicant,
    settings: Settings,
    reason: str,
    clerk_name: str = "",
    when: datetime | None = None,
    reprint: bool = False,
) -> bytes:
    """PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ, with the reason spelt out."""
    a = Applicant.of(d) if isinstance(d, Dossier) else d
    p = paper("A4")
    when = to_local(when or vn_now())
    surface, sheet = _start(p, settings, reprint, "Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    heading(sheet, p, settings, when)
    title(sheet, p, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", *_code_line(a))
    sheet.add(*_person_lines(p, a, "Tiếp nhận hồ sơ của"))
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
        body(p, "Xin thông báo cho Ông/Bà được biết và thực hiện./."),
    )
    signatures(sheet, p, None, Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", name=clerk_name))
    return surface.finish()


# --- Mẫu 04 ---------------------------------------------------------------------------------
def render_apology(
    d: Dossier,
    settings: Settings,
    new_appointment: datetime,
    reason: str,
    signer_name: str = "",
    when: datetime | None = None,
    number: str = "",
    reprint: bool = False,
) -> bytes:
    """PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ: why it is late and the new appointment."""
    p = paper("A4")
    when = to_local(when or vn_now())
    surface, sheet = _start(p, settings, reprint, "Phiếu xin lỗi và hẹn lại ngày trả kết quả")
    heading(sheet, p, settings, when, number=f"Số: {number or DOTS}/PXL")
    title(sheet, p, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
    office = settings.centre_name or DOTS
    agency = settings.ward_name or DOTS
    sheet.add(
        body(p, labelled("Kính gửi", d.applicant), align="center"),
        body(p, [*labelled("Địa chỉ", d.address), ("r", "\u2003"), *labelled("Số điện thoại", d.phone)]),
        body(
            p,
            [
                ("r", f"Ngày {d.received_at:%d/%m/%Y}, {office} tiếp nhận giải quyết hồ sơ đề nghị "),
                ("b", d.procedure_name),
                ("r", " của Ông/Bà. Mã hồ sơ: "),
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
        body(
            p,
            f"{agency} xin lỗi Ông/Bà vì sự chậm trễ này và hẹn lại thời gian trả kết quả giải quyết hồ sơ.",
            first=p.body * 2,
        ),
        body(p, labelled("Thời gian hẹn trả kết quả lại", vn_moment(new_appointment)), first=p.body * 2),
        body(p, "Rất mong nhận được sự thông cảm của Ông/Bà./.", first=p.body * 2),
    )
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
    return surface.finish()


def apology_from_dossier(d: Dossier) -> tuple[datetime | None, str]:
    """The new appointment and reason of the latest apology recorded on the dossier."""
    note, data = latest_event_data(d, EventKind.APOLOGY)
    return from_db(data.get("new_appointment_at")) or d.new_appointment_at, note


def write(data: bytes, path: str | Path) -> Path:
    return write_bytes(data, path)
