"""The ward's indicators: every figure on a hand-built register (each edge named), and against an
independent re-computation in Python on random registers; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta

from core import indicators
from core.model import Channel, Satisfaction, Status
from core.periods import Period
from core.timeutil import from_db
from tests.helpers import at, make_form
from tests.test_attach_samples import jpeg_bytes

NOV = Period(at("2026-11-01T00:00:00").date(), at("2026-11-30T00:00:00").date())
SHOWN_ONLY = ("Giấy tờ tùy thân (xuất trình)",)


LATER = "2026-12-10T09:00:00"  # the clock between steps: every step typed is in its past


def _scan(register, clerk, clock, code, when, **target):
    """A scan attached at ``when`` (attachments are dated by the clock, not typed)."""
    clock.set(when)
    register.attach(code, jpeg_bytes(random.randrange(10**6)), clerk, name="scan.jpg", **target)
    clock.set(LATER)


def test_every_indicator_on_a_hand_built_register(register, clerk, clock):
    clock.set(LATER)
    intake = register.intake
    # 1. paper, fee paid online, both documents scanned in time, resolved early, returned, very satisfied
    d1 = intake(make_form(fee_collected=20_000, payment="truc-tuyen"), clerk, at=at("2026-11-02T08:00:00"))
    _scan(register, clerk, clock, d1.code, "2026-11-02T08:05:00", document=1)
    _scan(register, clerk, clock, d1.code, "2026-11-02T08:06:00", document=2)
    register.apply(d1.code, "resolve", clerk, at=at("2026-11-05T10:00:00"))
    _scan(register, clerk, clock, d1.code, "2026-11-05T10:05:00", result=True)
    register.apply(d1.code, "return", clerk, at=at("2026-11-06T09:00:00"), satisfaction="rat-hai-long")
    # 2. paper, fee in cash, one document scanned only: not digitised; resolved late; returned UNRATED
    d2 = intake(make_form(fee_collected=20_000, payment="tien-mat"), clerk, at=at("2026-11-03T08:00:00"))
    _scan(register, clerk, clock, d2.code, "2026-11-03T08:10:00", document=1)
    register.apply(d2.code, "resolve", clerk, at=at("2026-11-27T10:00:00"))
    register.apply(d2.code, "return", clerk, at=at("2026-11-27T15:00:00"))
    # 3. paper, FREE (fee 0): not in the payment share; one reused + one scanned: digitised
    d3 = intake(make_form(reused_documents=(1,)), clerk, at=at("2026-11-04T08:00:00"))
    _scan(register, clerk, clock, d3.code, "2026-11-04T08:20:00", document=2)
    register.apply(d3.code, "resolve", clerk, at=at("2026-11-10T10:00:00"))
    register.apply(d3.code, "return", clerk, at=at("2026-11-11T09:00:00"), satisfaction="khong-hai-long")
    # 4. ONLINE with a fee (paid on the portal): needs no scan; returned satisfied
    d4 = intake(make_form(channel=Channel.ONLINE, fee_collected=10_000), clerk, at=at("2026-11-05T08:00:00"))
    register.apply(d4.code, "resolve", clerk, at=at("2026-11-09T10:00:00"))
    register.apply(d4.code, "return", clerk, at=at("2026-11-09T11:00:00"), satisfaction="hai-long")
    # 5. paper, documents only shown: nothing to digitise, not in the digitising share
    intake(make_form(documents=SHOWN_ONLY), clerk, at=at("2026-11-06T08:00:00"))
    # 6. paper, scanned only AFTER the period: not digitised at the November cut-off; pending overdue
    d6 = intake(make_form(), clerk, at=at("2026-11-16T08:00:00"))
    _scan(register, clerk, clock, d6.code, "2026-12-01T08:00:00", document=1)
    _scan(register, clerk, clock, d6.code, "2026-12-01T08:01:00", document=2)
    # 7. received in October: carried over, not a new dossier of November; returned in November, satisfied
    d7 = intake(make_form(), clerk, at=at("2026-10-28T08:00:00"))
    register.apply(d7.code, "resolve", clerk, at=at("2026-10-30T08:00:00"))
    register.apply(d7.code, "return", clerk, at=at("2026-11-02T08:00:00"), satisfaction="hai-long")
    clock.set("2026-12-10T09:00:00")

    result = indicators.compute(register, NOV)
    got = {i.key: (i.part, i.whole) for i in result.items}
    assert got == {
        "progress": (3, 4),  # d1 early, d3 and d4 early or on time, d2 late (d7 resolved in October)
        "overdue_pending": (2, None),  # d5 and d6, open on 30/11 past their 7 working days
        "online": (1, 6),  # d4 among d1-d6
        "online_payment": (2, 3),  # d1 (online), d4 (portal) of d1, d2, d4; d3 and d5, d6 free
        "satisfaction": (3, 4),  # d1, d4, d7 of the rated d1, d3, d4, d7 (d2 unrated)
        "rated": (4, 5),  # returned in November: d1, d2, d3, d4, d7
        "digitised_intake": (2, 4),  # d1, d3 of the paper dossiers with documents to scan d1, d2, d3, d6
        "digitised_results": (1, 5),  # d1's result only
    }, got
    assert result["progress"].value_text == "75,0 %" and result["progress"].detail_text == "3/4 hồ sơ"
    assert all(i.definition and i.group in indicators.GROUPS.values() for i in result.items)
    # December: d6 is digitised now (scanned 01/12) but it was received in November: not counted
    dec = indicators.compute(
        register, Period(at("2026-12-01T00:00:00").date(), at("2026-12-31T00:00:00").date())
    )
    assert dec["digitised_intake"].whole == 0 and dec["digitised_intake"].value_text == indicators.NOTHING
    assert dec["digitised_intake"].share is None and dec["online_payment"].detail_text == ""
    data = result.to_json()
    assert data["from"] == "2026-11-01" and data["to"] == "2026-11-30"
    assert [i["key"] for i in data["indicators"]][0] == "progress" and data["indicators"][0]["share"] == 0.75


def test_an_empty_period_has_no_figure_and_no_division(register):
    result = indicators.compute(register, NOV)
    for item in result.items:
        assert item.part == 0
        assert item.value_text == ("0" if item.is_count else indicators.NOTHING)


# --- an independent re-computation on random registers ---------------------------------------------
def _reference(register, period: Period, cut) -> dict[str, tuple[int, int | None]]:
    """The definitions of report.md computed in Python from every dossier and attachment."""
    start, after = period.first_moment, period.after
    bound = cut if cut >= after else cut + timedelta(seconds=1)
    rows = register.store._rows("SELECT code FROM dossiers")
    names = "resolved in_time overdue new online fee fee_online returned rated satisfied paper digitised"
    c = dict.fromkeys([*names.split(), "results"], 0)
    for r in rows:
        d = register.dossier(r["code"])
        files = register.attachments(d.code)
        if start <= d.received_at < after:
            c["new"] += 1
            c["online"] += d.channel == Channel.ONLINE
            if d.fee_collected > 0:
                c["fee"] += 1
                c["fee_online"] += d.payment == "truc-tuyen"
            handed_in = [
                n for n, doc in enumerate(d.documents, 1)
                if d.channel != Channel.ONLINE and "xuất trình" not in doc.lower()
            ]  # fmt: skip
            if handed_in:
                c["paper"] += 1
                scanned = {f.document for f in files if not f.is_result and f.at < bound}
                c["digitised"] += all(n in scanned or n in d.reused_documents for n in handed_in)
        outcome = d.resolved_at
        if d.received_at < after and (outcome is None or outcome >= start):
            if outcome is not None and outcome < after:
                c["resolved"] += 1
                c["in_time"] += d.timeliness().value != "late"
            elif d.due_at < cut:
                c["overdue"] += 1
        if d.returned_at is not None and start <= d.returned_at < after:
            c["returned"] += 1
            c["rated"] += d.satisfaction is not None
            c["satisfied"] += d.satisfaction in (Satisfaction.SATISFIED, Satisfaction.VERY_SATISFIED)
            c["results"] += any(f.is_result and f.at < bound for f in files)
    return {
        "progress": (c["in_time"], c["resolved"]),
        "overdue_pending": (c["overdue"], None),
        "online": (c["online"], c["new"]),
        "online_payment": (c["fee_online"], c["fee"]),
        "satisfaction": (c["satisfied"], c["rated"]),
        "rated": (c["rated"], c["returned"]),
        "digitised_intake": (c["digitised"], c["paper"]),
        "digitised_results": (c["results"], c["returned"]),
    }


def _random_register(register, clerk, clock, seed: int) -> None:
    rnd = random.Random(seed)
    procedures = ["1.004222", "1.001193", "1.000656"]
    moment = at("2026-10-20T08:00:00")
    for _ in range(28):
        moment += timedelta(hours=rnd.choice([3, 7, 20, 26, 50]))
        channel = rnd.choice([Channel.DIRECT, Channel.DIRECT, Channel.ONLINE, Channel.POST])
        fee = rnd.choice([0, 0, 10_000, 20_000])
        form = make_form(
            rnd.choice(procedures),
            channel=channel,
            fee_collected=fee,
            payment=rnd.choice(["", "tien-mat", "chuyen-khoan", "truc-tuyen"]),
            reused_documents=tuple(n for n in (1, 2) if rnd.random() < 0.2),
        )
        clock.at = moment
        d = register.intake(form, clerk, at=moment)
        step = moment
        for n in range(1, len(d.documents) + 1):
            if rnd.random() < 0.7:
                step += timedelta(minutes=rnd.randint(1, 60 * 24 * 20))
                clock.at = step
                register.attach(d.code, jpeg_bytes(rnd.randrange(10**9)), clerk, document=n, name="s.jpg")
        if rnd.random() < 0.75:
            step = max(step, moment) + timedelta(hours=rnd.randint(1, 24 * 12))
            clock.at = step
            register.apply(d.code, "resolve", clerk, at=step)
            if rnd.random() < 0.5:
                clock.at = step = step + timedelta(minutes=30)
                register.attach(d.code, jpeg_bytes(rnd.randrange(10**9)), clerk, result=True, name="kq.jpg")
            if rnd.random() < 0.8:
                step += timedelta(hours=rnd.randint(1, 24 * 6))
                clock.at = step
                sat = rnd.choice([None, "khong-hai-long", "hai-long", "rat-hai-long"])
                register.apply(d.code, "return", clerk, at=step, **({"satisfaction": sat} if sat else {}))
        elif rnd.random() < 0.3:
            clock.at = step = step + timedelta(hours=2)
            register.apply(d.code, "withdraw", clerk, at=step)
    clock.at = at("2027-01-05T09:00:00")


def test_indicators_equal_an_independent_recomputation_on_random_registers(register, clerk, clock):
    for seed in (3, 11):
        _random_register(register, clerk, clock, seed)
    last = max(from_db(r["received_at"]) for r in register.store._rows("SELECT received_at FROM dossiers"))
    periods = [
        NOV,
        Period(at("2026-10-01T00:00:00").date(), at("2026-10-31T00:00:00").date()),
        Period(at("2026-11-15T00:00:00").date(), at("2026-12-14T00:00:00").date()),
        Period(at("2026-10-20T00:00:00").date(), last.date()),
    ]
    compared, seen = 0, set()
    for period in periods:
        for now in (None, at("2026-11-20T12:00:00")):
            if now is not None and now.date() < period.start:
                continue
            clock.at = now or at("2027-01-05T09:00:00")
            result = indicators.compute(register, period)
            expected = _reference(register, period, result.cutoff)
            assert {i.key: (i.part, i.whole) for i in result.items} == expected, (period, now)
            compared += 1
            seen |= {i.key for i in result.items if i.part and (i.whole or 0) > i.part}
    assert compared >= 6
    # the random data gives every share a figure strictly between 0 and 100 % somewhere
    assert seen >= {k for k in expected if k != "overdue_pending"}, seen
    statuses = {r["status"] for r in register.store._rows("SELECT status FROM dossiers")}
    assert {Status.RETURNED.value, Status.RECEIVED.value} <= statuses  # the data has every kind
