"""Demo data: months of realistic counter work, for training and for trying MotCua out."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from core.attachments.status import needs_scan
from core.fees import default_fee
from core.model import Channel, IdKind, IntakeForm, Payment, Role, User
from core.paths import resource_path
from core.register import Register
from core.text import SURNAMES
from core.timeutil import VN_TZ
from core.users import SYSTEM_USER

MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Phương", "Minh", "Hồng", "Bích"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tuấn",
    "Việt",
    "Đông",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Oanh",
    "Thảo",
    "Trang",
    "Uyên",
    "Ưởng",
    "Yến",
]
STREETS = [
    "Âu Cơ",
    "Lạc Long Quân",
    "Thụy Khuê",
    "Xuân Diệu",
    "Tô Ngọc Vân",
    "Đặng Thai Mai",
    "Quảng Khánh",
    "Nghi Tàm",
    "Yên Phụ",
    "Trích Sài",
]
DIFFICULTIES = [
    "Công dân chưa mang bản chính giấy tờ tùy thân, phải hẹn lại.",
    "Hệ thống cơ sở dữ liệu hộ tịch điện tử chậm, mất 15 phút mỗi hồ sơ.",
    "Nhiều hồ sơ chứng thực dồn vào buổi sáng, thiếu một cán bộ tiếp nhận.",
    "Hồ sơ đất đai thiếu bản vẽ hiện trạng, công dân chưa rõ nơi đo vẽ.",
    "Máy in tại quầy 2 hỏng, in phiếu hẹn chậm.",
]
DEMO_PASSWORD = "motcua123"
DEMO_USERS = [
    ("quantri", "Lê Minh Quản", Role.ADMIN),
    ("canbo1", "Nguyễn Thị Thu Hà", Role.CLERK),
    ("canbo2", "Trần Văn Đức", Role.CLERK),
    ("phochutich", "Phạm Quang Vinh", Role.VICE_CHAIR),
]


@dataclass
class DemoResult:
    dossiers: int
    users: list[str]


def _cccd(rng: random.Random, birth_year: int, female: bool) -> str:
    province = rng.choice(["001", "031", "034", "036", "038", "040", "079", "092"])
    century_digit = (birth_year // 100 - 19) * 2 + int(female)
    return f"{province}{century_digit}{birth_year % 100:02d}{rng.randrange(10**6):06d}"


def _person(rng: random.Random) -> tuple[str, str, int]:
    female = rng.random() < 0.5
    name = " ".join(
        [
            rng.choice(SURNAMES[:16]),  # the sixteen most common
            rng.choice(MIDDLE_F if female else MIDDLE_M),
            rng.choice(GIVEN_F if female else GIVEN_M),
        ]
    )
    year = rng.randint(1950, 2006)
    return name, _cccd(rng, year, female), year


def make_demo(
    register: Register, dossiers: int = 600, days: int = 120, seed: int = 2026, end: datetime | None = None
) -> DemoResult:
    """Fill a database with ``dossiers`` dossiers over the last ``days`` days, in one transaction."""
    rng = random.Random(seed)
    end = end or register.now()
    if not register.is_initialised:
        register.initialise(
            "UBND phường Tây Hồ",
            "000.17.22.H56",
            report_to="Văn phòng UBND thành phố Hà Nội",
            address="Số 657 Lạc Long Quân, phường Tây Hồ, Hà Nội",
            phone="02437532345",
            email="motcua.tayho@hanoi.gov.vn",
            report_recipients="vanphong@hanoi.gov.vn",
        )
    created = []
    with register.store.transaction():
        for login, name, role in DEMO_USERS:
            if register.store.user(login) is None:
                register.add_user(SYSTEM_USER, login, name, role, DEMO_PASSWORD)
                created.append(login)
        clerks = [u for u in register.users() if u.role == Role.CLERK] or [
            User("canbo1", "Cán bộ", Role.CLERK)
        ]
        procedures = register.procedures()
        weights = [8 if p.field == "Chứng thực" else 5 if p.field == "Hộ tịch" else 2 for p in procedures]
        cal = register.calendar
        start_day = end.date() - timedelta(days=days)
        workdays = [
            start_day + timedelta(days=i)
            for i in range(days + 1)
            if cal.is_working_day(start_day + timedelta(days=i))
        ]
        for i in range(dossiers):
            day = workdays[int(len(workdays) * i / dossiers)]
            at = datetime.combine(
                day, time(rng.choice([7, 8, 9, 10, 13, 14, 15, 16]), rng.randrange(0, 60, 5)), VN_TZ
            )
            if at > end:
                at = end - timedelta(minutes=rng.randint(5, 90))
            procedure = rng.choices(procedures, weights)[0]
            name, cccd, year = _person(rng)
            channel = rng.choices(list(Channel), [6, 3, 1])[0]
            fee = default_fee(procedure, channel)
            reused = tuple(  # the ID and residence records come from the national database
                n
                for n, doc in enumerate(procedure.documents, 1)
                if "cư trú" in doc.lower() and rng.random() < 0.5
            )
            form = IntakeForm(
                procedure_code=procedure.code,
                applicant=name,
                id_kind=IdKind.CCCD,
                id_number=cccd,
                birth_year=year,
                phone=rng.choice(["09", "03", "08", "07"]) + f"{rng.randrange(10**8):08d}",
                address=f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}, phường Tây Hồ, Hà Nội",
                channel=channel,
                copies=1,
                documents=procedure.documents,
                fee_collected=fee,
                payment=_payment(rng, channel) if fee else None,
                reused_documents=reused,
            )
            clerk = rng.choice(clerks)
            d = register.intake(form, clerk, at=at)
            _digitise(register, rng, d, clerk, at, end)
            _play_out(register, rng, d.code, at, d.due_at, clerk, end)
        for _ in range(max(3, dossiers // 100)):
            register.add_difficulty(
                rng.choice(clerks), rng.choice(DIFFICULTIES), procedure_code=rng.choice(procedures).code
            )
    return DemoResult(dossiers, created)


def _play_out(
    register: Register, rng: random.Random, code: str, at: datetime, due: datetime, clerk: User, end: datetime
) -> None:
    """Take a dossier through a plausible life: mostly early or on time, some late, some open."""
    cursor = at

    def step(action: str, planned: datetime, **kw) -> bool:
        nonlocal cursor
        when = max(planned, cursor + timedelta(minutes=5))
        if when >= end:
            return False
        register.apply(code, action, clerk, at=when, **kw)
        cursor = when
        return True

    roll = rng.random()
    if roll < 0.03:
        step("refuse", at + timedelta(minutes=30), note="Hồ sơ không thuộc thẩm quyền giải quyết")
        return
    if not step(
        "handover", at + timedelta(minutes=rng.randint(10, 120)), to_officer="Công chức Tư pháp - Hộ tịch"
    ):
        return
    if roll < 0.10:
        if not step(
            "supplement",
            at + timedelta(days=rng.randint(0, 2), hours=2),
            note="Thiếu bản sao giấy tờ chứng minh chỗ ở",
            missing=["Bản sao giấy tờ chứng minh chỗ ở hợp pháp"],
        ):
            return
        if rng.random() < 0.2 or not step("supplement-received", cursor + timedelta(days=rng.randint(1, 5))):
            return
        due = register.dossier(code).due_at
    if 0.10 <= roll < 0.12:
        step("withdraw", cursor + timedelta(hours=3), note="Công dân xin rút hồ sơ")
        return
    span = max((due - cursor).total_seconds(), 3600)
    late = rng.random() < 0.08
    planned = (
        due + timedelta(days=rng.randint(1, 4))
        if late
        else cursor + timedelta(seconds=span * rng.uniform(0.3, 1.0))
    )
    if not step("resolve", planned, signed_by="Phạm Quang Vinh"):
        return
    if rng.random() < 0.85 and cursor + timedelta(minutes=10) < end:  # the result scanned when ready
        scan = _scan_bytes(rng, "KẾT QUẢ GIẢI QUYẾT")
        register.attach(code, scan, clerk, result=True, name="ket-qua.jpg", at=cursor + timedelta(minutes=10))
    rated = rng.random() < 0.85  # most applicants answer the counter's satisfaction question
    step(
        "return",
        cursor + timedelta(hours=rng.randint(1, 72)),
        **(
            {"satisfaction": rng.choices(["rat-hai-long", "hai-long", "khong-hai-long"], [5, 4, 1])[0]}
            if rated
            else {}
        ),
    )


def _payment(rng: random.Random, channel: Channel) -> Payment:
    if channel == Channel.ONLINE:
        return Payment.ONLINE
    return rng.choices([Payment.CASH, Payment.TRANSFER, Payment.ONLINE], [55, 30, 15])[0]


_SCANS: dict[tuple[str, int], bytes] = {}


def _scan_bytes(rng: random.Random, title: str) -> bytes:
    """A small page image with the document's title: a handful per title, so demo scans are
    quick to make and, content-addressed, stored once however many dossiers show them."""
    key = (title, rng.randrange(3))
    if key not in _SCANS:
        import io

        from PIL import Image, ImageDraw, ImageFont

        page = Image.new("L", (620, 877), 246)
        draw = ImageDraw.Draw(page)
        face = ImageFont.truetype(str(resource_path("fonts", "LiberationSerif-Regular.ttf")), 20)
        draw.text((60, 50), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fill=20, font=face)
        draw.text((60, 110), title.upper()[:40], fill=10, font=face)
        lines = random.Random(repr(key))  # the same pages on every run
        for y in range(170, 780, 26):
            draw.line((60, y, 60 + lines.randint(250, 500), y), fill=90, width=3)
        draw.ellipse((380, 700, 520, 840), outline=60, width=4)
        out = io.BytesIO()
        page.save(out, "JPEG", quality=60)
        _SCANS[key] = out.getvalue()
    return _SCANS[key]


def _digitise(register: Register, rng: random.Random, d, clerk: User, at: datetime, end: datetime) -> None:
    """Scan the handed-in documents of a paper dossier at the counter (most, not all, of them)."""
    if rng.random() < 0.1:
        return  # the scanner was busy: this dossier stays not digitised
    moment = at + timedelta(minutes=rng.randint(2, 8))
    for n, doc in enumerate(d.documents, 1):
        if n in d.reused_documents or not needs_scan(doc, d.channel) or moment >= end:
            continue
        register.attach(
            d.code, _scan_bytes(rng, doc), clerk, document=n, name=f"thanh-phan-{n}.jpg", at=moment
        )
