"""PostgreSQL failures as Vietnamese sentences (``core.errors.DatabaseError``)."""

from __future__ import annotations

import psycopg
from psycopg import errors as pg

from core.errors import DatabaseError, QueryInterrupted

LOST = "Mất kết nối tới máy chủ cơ sở dữ liệu"


class ServerUnavailable(DatabaseError):
    """The server cannot be reached (cable, restart, wrong address): worth retrying later."""


def describe(exc: BaseException, where: str = "") -> str:
    at = f" ({where})" if where else ""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, (pg.DeadlockDetected, pg.SerializationFailure, pg.LockNotAvailable)):
        return "Máy chủ cơ sở dữ liệu đang bận (quầy khác đang ghi cùng hồ sơ); hãy thử lại sau ít giây."
    if isinstance(exc, pg.UniqueViolation):
        return f"Dữ liệu trùng với một bản ghi đã có trên máy chủ; chưa ghi gì (chi tiết kỹ thuật: {text})."
    if isinstance(exc, pg.IntegrityError):
        return f"Dữ liệu không hợp lệ với cơ sở dữ liệu; chưa ghi gì (chi tiết kỹ thuật: {text})."
    if isinstance(exc, pg.InsufficientPrivilege):
        return (
            f"Tài khoản cơ sở dữ liệu không đủ quyền{at}: hãy nhờ quản trị máy chủ cấp quyền "
            f"(xem hướng dẫn máy chủ). Chi tiết kỹ thuật: {text}"
        )
    if isinstance(exc, pg.DiskFull):
        return "Ổ đĩa của máy chủ cơ sở dữ liệu đã đầy; dữ liệu vừa nhập chưa được lưu."
    if isinstance(exc, pg.ReadOnlySqlTransaction):
        return f"Máy chủ cơ sở dữ liệu chỉ cho đọc{at}; dữ liệu vừa nhập chưa được lưu."
    if isinstance(exc, psycopg.OperationalError):
        low = text.lower()
        if "password authentication failed" in low or "no password supplied" in low:
            return f"Máy chủ cơ sở dữ liệu từ chối đăng nhập{at}: sai tên hoặc mật khẩu tài khoản máy chủ."
        if "does not exist" in low and "database" in low:
            return f"Trên máy chủ không có cơ sở dữ liệu này{at}: kiểm tra tên trong địa chỉ kết nối."
        return (
            f"{LOST}{at}: kiểm tra cáp mạng và máy chủ; MotCua sẽ tự kết nối lại. "
            f"Dữ liệu vừa nhập chưa được lưu (chi tiết kỹ thuật: {text})."
        )
    return f"Lỗi cơ sở dữ liệu trên máy chủ{at}; dữ liệu vừa nhập chưa được lưu (chi tiết kỹ thuật: {text})."


def translate(exc: psycopg.Error, where: str = "") -> DatabaseError:
    if isinstance(exc, pg.QueryCanceled):
        return QueryInterrupted()
    cls = ServerUnavailable if _is_connection_loss(exc) else DatabaseError
    return cls(describe(exc, where))


def _is_connection_loss(exc: BaseException) -> bool:
    """No answer from the server (client-side failure, class 08, or the server shutting down)."""
    if not isinstance(exc, psycopg.OperationalError):
        return False
    state = getattr(exc, "sqlstate", None)
    return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")
