"""Validation of what the counter types in. Each rejection names the field, in Vietnamese."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta

from core.errors import ValidationError, ValidationErrors
from core.model import ApplicantKind, Channel, IdKind, IntakeForm
from core.text import hidden_character, nfc
from core.timeutil import MAX_YEAR, MIN_YEAR, fmt_vn
from core.timeutil import now as clock_now

# Province codes of the 12-digit personal ID (Circular 07/2016/TT-BCA, the 63 old provinces).
CCCD_PROVINCES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,20}$")
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$", re.ASCII)  # ASCII: "٠" is a \d too
MAX_NAME = 200
MAX_TEXT = 500
MAX_FEE = 10**10  # đồng: no procedure's fee comes near; a bigger number is a typing slip
# A moment typed in may run a little ahead of this PC's clock (another counter's PC, a clock a
# few minutes fast), never further: a step dated in the future blocks the real one for ever.
FUTURE_SLACK = timedelta(minutes=5)


def validate_cccd(value: str, birth_year: int | None = None, today: date | None = None) -> str:
    """Check a 12-digit personal ID: shape, province code, and the birth year digits."""
    field = "Số định danh cá nhân"
    text = re.sub(r"[\s.]", "", nfc(value))
    if not text:
        raise ValidationError(field, "chưa nhập")
    if not (text.isascii() and text.isdigit()) or len(text) != 12:
        raise ValidationError(field, f"“{value}” phải gồm đúng 12 chữ số")
    place = text[:3]
    if place not in CCCD_PROVINCES and not 101 <= int(place) <= 295:
        raise ValidationError(field, f"mã tỉnh nơi đăng ký khai sinh “{place}” không tồn tại")
    century = 1900 + (int(text[3]) // 2) * 100
    year = century + int(text[4:6])
    this_year = (today or clock_now().date()).year
    if year > this_year:
        raise ValidationError(field, f"chữ số 4-6 cho năm sinh {year}, là năm trong tương lai")
    if birth_year is not None and birth_year != year:
        raise ValidationError(
            field, f"chữ số 4-6 cho năm sinh {year}, không khớp năm sinh đã nhập {birth_year}"
        )
    return text


def validate_passport(value: str) -> str:
    text = re.sub(r"\s", "", nfc(value)).upper()
    if not _PASSPORT.match(text):
        raise ValidationError("Số hộ chiếu", f"“{value}” phải gồm 6-20 chữ cái hoặc chữ số")
    return text


def validate_tax_code(value: str) -> str:
    text = re.sub(r"\s", "", nfc(value))
    if not _TAX_CODE.match(text):
        raise ValidationError(
            "Mã số thuế", f"“{value}” phải gồm 10 chữ số, hoặc 10 chữ số - 3 chữ số (chi nhánh)"
        )
    return text


def validate_id(kind: IdKind, value: str, birth_year: int | None = None) -> str:
    if kind == IdKind.CCCD:
        return validate_cccd(value, birth_year)
    if kind == IdKind.PASSPORT:
        return validate_passport(value)
    if kind == IdKind.TAX_CODE:
        return validate_tax_code(value)
    return ""


def normalise_phone(value: str) -> str:
    """Accept "+84 912 345 678", "0912.345.678" ...; return "0912345678". Empty stays empty."""
    field = "Số điện thoại"
    raw = nfc(value)
    if not raw:
        return ""
    text = re.sub(r"[\s.\-()]", "", raw)
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(field, f"“{raw}” chỉ được gồm chữ số (có thể bắt đầu bằng +84)")
    if len(text) == 10 and text.startswith(_MOBILE_PREFIXES):
        return text
    if len(text) == 11 and text.startswith("02"):
        return text
    raise ValidationError(
        field,
        f"“{raw}” không phải số di động (10 số, đầu 03, 05, 07, 08, 09) hay số cố định (02x + 8 số)",
    )


def validate_email(value: str) -> str:
    text = nfc(value)
    if text and not _EMAIL.match(text):
        raise ValidationError("Email", f"“{text}” không phải địa chỉ email hợp lệ")
    return text


def validate_text(
    value: str | None, field: str, limit: int = MAX_TEXT, *, multiline: bool = False, required: bool = False
) -> str:
    """Any free text that goes into the register: NFC, bounded, no hidden control characters.

    ``multiline`` fields (notes, report texts) may hold tabs and line breaks; one-line fields
    (names, addresses, the ward's name) may not, since a line break there splits a printed form.
    """
    raw = "" if value is None else str(value)
    bad = hidden_character(raw, multiline)
    if bad:
        raise ValidationError(
            field, f"có ký tự điều khiển hoặc ký tự ẩn ({bad}); hãy gõ lại, đừng dán từ nơi khác"
        )
    text = nfc(raw)
    if required and not text:
        raise ValidationError(field, "chưa nhập")
    if len(text) > limit:
        raise ValidationError(field, f"dài quá {limit} ký tự")
    return text


def validate_moment(
    moment: datetime, field: str, *, now: datetime | None = None, earliest: datetime | None = None
) -> datetime:
    """A moment for the register: within ``core.timeutil``'s years, and - for a moment a person
    typed (``--at``), given ``now`` and ``earliest`` - not in the future, not before the register.

    The register's own methods check only the years (programs such as the demo or a test's
    story may date steps as they like); where a person types a moment, the command line asks
    for the whole check, so a step dated 2099 can never block the real one.
    """
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValidationError(field, f"năm {moment.year} nằm ngoài khoảng {MIN_YEAR}-{MAX_YEAR}")
    if now is not None and moment > now + FUTURE_SLACK:
        raise ValidationError(
            field, f"{fmt_vn(moment)} là thời điểm trong tương lai (bây giờ là {fmt_vn(now)})"
        )
    if earliest is not None and moment < earliest:
        raise ValidationError(field, f"{fmt_vn(moment)} sớm hơn lúc bắt đầu dùng sổ này ({fmt_vn(earliest)})")
    return moment


def validate_name(value: str, field: str = "Người nộp") -> str:
    text = validate_text(value, field, MAX_NAME)
    if not text:
        raise ValidationError(field, "chưa nhập họ tên")
    if not any(ch.isalpha() for ch in text):
        raise ValidationError(field, f"“{text}” không phải họ tên")
    return text


def _limited(value: str, field: str, limit: int = MAX_TEXT, multiline: bool = False) -> str:
    return validate_text(value, field, limit, multiline=multiline)


def validate_intake(form: IntakeForm) -> IntakeForm:
    """Check the whole form; return it cleaned (NFC, normalised) or raise ``ValidationErrors``."""
    errors: list[ValidationError] = []
    clean: dict = {}

    def check(name: str, fn, *args):
        try:
            clean[name] = fn(*args)
        except ValidationError as exc:
            errors.append(exc)

    check("procedure_code", lambda v: _required(v, "Thủ tục"), form.procedure_code)
    label = "Tổ chức nộp" if form.applicant_kind == ApplicantKind.ORGANISATION else "Người nộp"
    check("applicant", validate_name, form.applicant, label)
    try:
        id_kind = IdKind(form.id_kind)
    except ValueError:
        errors.append(ValidationError("Loại giấy tờ", f"“{form.id_kind}” không phải loại giấy tờ"))
        id_kind = IdKind.NONE
    if form.id_number.strip():
        check("id_number", validate_id, id_kind, form.id_number, form.birth_year)
    else:
        clean["id_number"] = ""
        id_kind = IdKind.NONE if id_kind != IdKind.CCCD else id_kind
    check("phone", normalise_phone, form.phone)
    check("email", validate_email, form.email)
    check("address", _limited, form.address, "Địa chỉ")
    check("note", _limited, form.note, "Ghi chú", 2000, True)
    if form.applicant_kind not in {k.value for k in ApplicantKind}:
        errors.append(ValidationError("Loại người nộp", "phải là cá nhân hoặc tổ chức"))
        form = dataclasses.replace(form, applicant_kind=ApplicantKind.PERSON)
    try:
        channel = Channel(form.channel)
    except ValueError:
        errors.append(ValidationError("Kênh nộp", f"“{form.channel}” không phải kênh nộp"))
        channel = Channel.DIRECT
    if not isinstance(form.copies, int) or not 1 <= form.copies <= 99:
        errors.append(ValidationError("Số lượng hồ sơ", "phải từ 1 đến 99 bộ"))
    if not isinstance(form.fee_collected, int) or not 0 <= form.fee_collected <= MAX_FEE:
        errors.append(ValidationError("Lệ phí đã thu", f"phải là số tiền từ 0 đến {MAX_FEE:,} đồng"))
    documents: tuple[str, ...] = ()
    try:
        documents = tuple(d for d in (validate_text(x, "Thành phần hồ sơ") for x in form.documents) if d)
    except ValidationError as exc:
        errors.append(exc)
    if errors:
        raise ValidationErrors(errors)
    return dataclasses.replace(
        form,
        id_kind=id_kind,
        channel=channel,
        documents=documents,
        applicant_kind=ApplicantKind(form.applicant_kind),
        **clean,
    )


def _required(value: str, field: str) -> str:
    text = validate_text(value, field, MAX_NAME)
    if not text:
        raise ValidationError(field, "chưa chọn")
    return text


def validate_2025_fields(form: IntakeForm) -> IntakeForm:
    """The intake fields the 2025 receipt adds (Circular 03/2025 Mẫu 01), checked and normalised:
    the authorised person (a name, a CCCD, the relation; the ID and relation only with a name),
    how the result goes back, the provincial system's code (letters, digits, . - _ /)."""
    import re

    from core.model import ResultDelivery

    name = validate_text(form.authorised_name, "Người được ủy quyền", MAX_NAME)
    if name and not any(ch.isalpha() for ch in name):
        raise ValidationError("Người được ủy quyền", f"“{name}” không phải họ tên")
    person_id = validate_text(form.authorised_id, "Số định danh người được ủy quyền", 20)
    relation = validate_text(form.authorised_relation, "Quan hệ với người có yêu cầu", 200)
    if (person_id or relation) and not name:
        raise ValidationError("Người được ủy quyền", "chưa nhập họ tên (đã nhập số định danh hoặc quan hệ)")
    if person_id:
        person_id = validate_cccd(person_id)
    delivery = form.result_delivery
    if delivery is not None:
        try:
            delivery = ResultDelivery(delivery)
        except ValueError:
            choices = ", ".join(r.value for r in ResultDelivery)
            message = f"“{delivery}” không hợp lệ ({choices})"
            raise ValidationError("Phương thức nhận kết quả", message) from None
    province = validate_text(form.province_code, "Mã hồ sơ của tỉnh", 40)
    if province and not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.\-_/]*", province):
        raise ValidationError("Mã hồ sơ của tỉnh", "chỉ gồm chữ không dấu, chữ số và . - _ /")
    return dataclasses.replace(
        form,
        authorised_name=name,
        authorised_id=person_id,
        authorised_relation=relation,
        result_delivery=delivery,
        province_code=province,
    )


def validate_imported(row: dict) -> dict:
    """An old register's row, held to the intake's rules for what a person typed.

    The dates and the catalogue are the importer's; the texts are checked here exactly as at
    the counter (a name is a name within 200 characters, addresses and notes bounded, no hidden
    characters), so a 5,000-character name or "12345" never comes in by the back door. Old phone
    and ID formats are kept (they were valid when written) but bounded like any text.
    """
    organisation = row.get("applicant_kind") == "organisation"
    clean = dict(row)
    clean["code"] = validate_text(row["code"], "Mã hồ sơ", 40)
    clean["applicant"] = validate_name(row["applicant"], "Tổ chức nộp" if organisation else "Người nộp")
    clean["address"] = _limited(row.get("address", ""), "Địa chỉ")
    clean["note"] = _limited(row.get("note", ""), "Ghi chú", 2000, True)
    clean["phone"] = validate_text(row.get("phone", ""), "Số điện thoại", 20)
    clean["id_number"] = validate_text(row.get("id_number", ""), "Số giấy tờ", 20)
    return clean
