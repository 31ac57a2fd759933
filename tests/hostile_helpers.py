"""What the hostile-input tests share: the Vietnamese check on refusals and the file mutator."""

from __future__ import annotations

import random

VN_LETTERS = set("àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ")
VN_WORDS = ("chưa", "không", "phải", "nhập", "hợp lệ")


def is_vietnamese(message: str, *inputs: object) -> bool:
    """True when ``message`` is Vietnamese once the (possibly Vietnamese) inputs are taken out of it."""
    for value in inputs:
        if isinstance(value, str) and value:
            message = message.replace(value, "")
    lowered = message.lower()
    return bool(VN_LETTERS & set(lowered)) or any(w in lowered for w in VN_WORDS)


def mutate(data: bytes, seed: int, how: str) -> bytes:
    """A real file cut short ("truncate") or with a few bytes flipped: gets further than random bytes."""
    rnd = random.Random(seed)
    if how == "truncate":
        return data[: rnd.randrange(len(data) + 1)]
    buffer = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        buffer[rnd.randrange(len(buffer))] = rnd.randrange(256)
    return bytes(buffer)
