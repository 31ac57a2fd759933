"""A whole counter day through the real command line: the log is written, and holds no personal data.

Every ``motcua`` command writes its log (``logs/motcua.log`` in the data folder): which command
ran and how it ended, refusals included. Every personal value typed in that day - upper-case,
unaccented and minority names, an ID typed in groups, a passport number, a phone in brackets,
addresses - is then looked for in the log, in every form it could take there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.shared_file_helpers import LOGIN, PASSWORD, ROOT, prepare

PEOPLE = [
    {
        "--applicant": "NGUYEN VAN AN",
        "--id-kind": "passport",
        "--id-number": "C1234567",
        "--phone": "(091) 234-5678",
        "--address": "Số 12 Âu Cơ, phường Tây Hồ",
    },
    {
        "--applicant": "Giàng A Pháo",
        "--id-number": "001 190 012 345",
        "--phone": "0912 345 679",
        "--address": "bản Lả 2, xã Mường Lống",
    },
    {
        "--applicant": "Y Moan Êban",
        "--id-number": "066190012346",
        "--phone": "+84 905 111 222",
        "--address": "45/12 Trần Hưng Đạo",
    },
]
RECEIVER = "HỜ THỊ MỶ"
REFUSED = {"--applicant": "Lò Văn Puôn", "--phone": "12", "--address": "thôn Nà Luông"}


def _motcua(env: dict, db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(db), *args],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def _forms(value: str) -> set[str]:
    """The value as typed and the ways MotCua may have stored or echoed it."""
    from core.text import fold

    forms = {value, value.upper(), fold(value)}
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 6:
        forms |= {digits, "0" + digits[2:] if digits.startswith("84") else digits}
    return {f for f in forms if len(f) >= 3}


def test_a_days_log_holds_no_personal_value(tmp_path):
    db = tmp_path / "motcua.sqlite3"
    prepare(db)
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_DATA_DIR": str(data)}
    typed: list[str] = [RECEIVER, *REFUSED.values()]
    codes = []
    for person in PEOPLE:
        args = [a for pair in person.items() for a in pair]
        done = _motcua(env, db, "intake", "--procedure", "1.004222", *args, "--clerk", LOGIN)
        assert done.returncode == 0, done.stderr
        codes.append(done.stdout.strip())
        typed += person.values()
    refused = _motcua(env, db, "intake", "--procedure", "1.004222", *[a for p in REFUSED.items() for a in p])
    assert refused.returncode == 2
    for code in codes:
        assert _motcua(env, db, "show", code).returncode == 0
    for text in ("nguyen van an", "Giàng", "0912 345 679", "Trần Hưng Đạo"):
        typed.append(text)
        assert _motcua(env, db, "search", text).returncode == 0
    steps = [("resolve", codes[0]), ("return", codes[0], "--receiver", RECEIVER)]
    for step in steps:
        done = _motcua(env, db, "--user", LOGIN, *step)
        assert done.returncode == 0, done.stderr

    log = data / "logs" / "motcua.log"
    assert log.is_file(), "no log file was written"
    text = log.read_text(encoding="utf-8")
    assert text.count("Lệnh motcua") >= 12 and "Lệnh motcua intake" in text and "Từ chối" in text
    assert text.count("Xong (mã thoát 0)") >= 11
    leaked = sorted({form for value in typed for form in _forms(value) if form in text})
    assert not leaked, f"personal values in the log: {leaked}"
