"""Plain-JSON views of domain objects: the command line's ``--json`` contract."""

from __future__ import annotations

from typing import Any

from core.model import Dossier, Procedure
from core.timeutil import fmt


def dossier_json(d: Dossier, with_events: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": d.code,
        "procedure_code": d.procedure_code,
        "procedure_name": d.procedure_name,
        "field": d.field,
        "applicant": d.applicant,
        "applicant_kind": d.applicant_kind.value,
        "id_kind": d.id_kind.value,
        "id_number": d.id_number,
        "phone": d.phone,
        "address": d.address,
        "email": d.email,
        "channel": d.channel.value,
        "copies": d.copies,
        "documents": list(d.documents),
        "fee_collected": d.fee_collected,
        "status": d.status.value,
        "status_label": d.status.label,
        "received_at": fmt(d.received_at),
        "due_at": fmt(d.due_at),
        "resolved_at": fmt(d.resolved_at) or None,
        "returned_at": fmt(d.returned_at) or None,
        "new_appointment_at": fmt(d.new_appointment_at) or None,
        "clerk": d.clerk_login,
        "clerk_name": d.clerk_name,
        "signed_by": d.signed_by,
        "receiver_name": d.receiver_name,
        "satisfaction": d.satisfaction.value if d.satisfaction else None,
        "register_book": d.register_book,
        "register_seq": d.register_seq,
        "province_code": d.province_code,
        "result_delivery": d.delivery().value,
        "authorised_name": d.authorised_name,
        "authorised_id": d.authorised_id,
        "authorised_relation": d.authorised_relation,
    }
    if with_events:
        out["events"] = [
            {
                "kind": e.kind.value,
                "label": e.kind.label,
                "at": fmt(e.at),
                "user": e.user_login,
                "user_name": e.user_name,
                "note": e.note,
                "data": e.data,
            }
            for e in d.events
        ]
    return out


def procedure_json(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "field": p.field,
        "working_days": p.working_days,
        "cutoff_applies": p.cutoff_applies,
        "fee": p.fee,
        "documents": list(p.documents),
        "note": p.note,
        "active": p.active,
    }
