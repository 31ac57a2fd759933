"""The 2025 storage on both backends (listed in tests/backends.py BOTH_BACKENDS): the new dossier
columns (authorised person, result delivery, provincial code) written, read, searched and edited;
the daily sequence past 9999; the forms' own numbers taken in the print's transaction."""

from __future__ import annotations

import pytest

from core.errors import TransitionError
from core.model import ResultDelivery
from reports import forms
from tests.helpers import at, make_form


def test_new_columns_round_trip_and_search(register, clerk):
    form = make_form(
        authorised_name="Trần Văn Khôi",
        authorised_id="001090012345",
        authorised_relation="con",
        result_delivery=ResultDelivery.ONLINE,
        province_code="H56.99-261123-000321",
    )
    d = register.dossier(register.intake(form, clerk, at=at("2026-11-23T08:00")).code)
    assert (d.authorised_name, d.authorised_id, d.authorised_relation) == (
        "Trần Văn Khôi",
        "001090012345",
        "con",
    )
    assert d.delivery() == ResultDelivery.ONLINE and d.province_code == "H56.99-261123-000321"
    assert register.find("H56.99-261123-000321").code == d.code
    assert [x.code for x in register.search("000321")] == [d.code]
    register.edit_dossier(d.code, clerk, {"province_code": "H56.99-261123-000322"})
    assert register.find("H56.99-261123-000322").code == d.code
    assert register.find("H56.99-261123-000321") is None


def test_sequence_past_9999(register, clerk):
    with register.store.transaction():
        for _ in range(9999):
            register.store.next_sequence("code:261123")
    assert register.intake(make_form(), clerk, at=at("2026-11-23T08:00")).code.endswith("-261123-10000")


def test_form_numbers_and_one_apology(register, clerk, tmp_path):
    a = register.intake(make_form(), clerk, at=at("2026-11-23T08:00"))
    b = register.intake(make_form(), clerk, at=at("2026-11-23T08:05"))
    for code in (a.code, b.code, a.code):
        forms.print_receipt(register, code, clerk, tmp_path / "r.pdf", copies=1)
    numbers = {
        code: [e.data.get("number") for e in register.dossier(code).events if e.kind == "printed"]
        for code in (a.code, b.code)
    }
    assert numbers == {a.code: [1, 1], b.code: [2]}
    register.apologise(a.code, clerk, at("2026-12-08T16:30"), "Chờ xác minh")
    with pytest.raises(TransitionError):
        register.apologise(a.code, clerk, at("2026-12-09T16:30"), "Lần hai")
