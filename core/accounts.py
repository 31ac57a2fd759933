"""User accounts of the register: adding, changing and authenticating users.

A part of the ``Register`` facade (mixed into it), kept apart so each module has one job;
callers keep using ``register.add_user(...)``, ``register.authenticate(...)`` and so on.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from core import users as users_mod
from core.errors import NotFoundError, ValidationError
from core.model import Role, User
from core.storage import Store
from core.text import nfc
from core.validation import validate_name, validate_text


class AccountsMixin:
    """Users and roles; needs the facade's ``store`` and ``now()``."""

    store: Store

    def now(self) -> datetime:  # provided by Register
        raise NotImplementedError

    def add_user(
        self, actor: User, login: str, full_name: str, role: Role | str, password: str, title: str = ""
    ) -> User:
        if self.store.count_users() > 0:  # the very first user (set-up) needs no one to allow it
            users_mod.require(actor, Role.ADMIN, action="thêm người dùng")
        login = users_mod.validate_login(login)
        try:
            role = Role(role)
        except ValueError:
            raise ValidationError("Vai trò", f"“{role}” không phải clerk, vice-chair hay admin") from None
        user = User(
            login=login,
            full_name=validate_name(full_name, "Họ tên"),
            role=role,
            title=validate_text(title, "Chức danh") or _default_title(role),
        )
        password_hash = users_mod.hash_password(password)
        with self.store.transaction():
            if self.store.user(login):
                raise ValidationError("Tên đăng nhập", f"“{login}” đã có")
            self.store.insert_user(user, password_hash, self.now())
            self.store.audit(
                user_login=actor.login,
                action="add",
                entity="user",
                key=login,
                new=asdict(user),
                at=self.now(),
            )
        return user

    def update_user(self, actor: User, login: str, **changes: Any) -> User:
        """Change a user; an admin may change anyone, a person only their own password.

        The actor must be proven (a password typed in the window or on stdin): this is how a
        clerk is kept from resetting the vice-chair's password and signing in their name.
        """
        own_password = actor.login == nfc(login).lower() and set(changes) <= {"password"}
        if not (own_password and actor.active):
            users_mod.require(actor, Role.ADMIN, action="sửa người dùng")
        old = self.user(login)
        clean: dict[str, Any] = {}
        if "full_name" in changes:
            clean["full_name"] = validate_name(changes["full_name"], "Họ tên")
        if "role" in changes:
            clean["role"] = Role(changes["role"]).value
        if "title" in changes:
            clean["title"] = validate_text(changes["title"], "Chức danh")
        if "active" in changes:
            clean["active"] = int(bool(changes["active"]))
        if changes.get("password"):
            clean["password_hash"] = users_mod.hash_password(changes["password"])
        with self.store.transaction():
            self.store.update_user(login, **clean)
            shown = {k: v for k, v in clean.items() if k != "password_hash"}
            if "password_hash" in clean:
                shown["password"] = "(đã đổi)"
            self.store.audit(
                user_login=actor.login,
                action="update",
                entity="user",
                key=login,
                old={k: getattr(old, k, None) for k in shown},
                new=shown,
                at=self.now(),
            )
        return self.user(login)

    def record_admin_action(self, actor: User, action: str, entity: str, key: str, new: Any) -> None:
        """An audit entry for an admin's act on the register as a whole (a restore from a backup)."""
        users_mod.require(actor, Role.ADMIN, action="khôi phục dữ liệu")
        with self.store.transaction():
            self.store.audit(
                user_login=actor.login, action=action, entity=entity, key=key, new=new, at=self.now()
            )

    def user(self, login: str) -> User:
        u = self.store.user(nfc(login).lower())
        if u is None:
            raise NotFoundError(f"Không có người dùng “{login}”.")
        return u

    def users(self) -> list[User]:
        return self.store.users()

    def authenticate(self, login: str, password: str) -> User:
        """Check a password; repeated failures lock the account for a while."""
        at = self.now()
        login = nfc(login).lower()
        row = self.store.user_auth_row(login)
        if row is None:
            raise users_mod.AuthenticationError("Sai tên đăng nhập hoặc mật khẩu.")
        users_mod.check_login_allowed(row, at)
        if not users_mod.password_matches(row["password_hash"], password or ""):
            with self.store.transaction():
                changes = users_mod.after_failure(row, at)
                self.store.update_user(login, **changes)
                self.store.audit(user_login=login, action="login_failed", entity="user", key=login, at=at)
            raise users_mod.AuthenticationError("Sai tên đăng nhập hoặc mật khẩu.")
        if row["failed_logins"] or row["locked_until"]:
            with self.store.transaction():
                self.store.update_user(login, failed_logins=0, locked_until=None)
        return self.user(login)


def _default_title(role: Role) -> str:
    return {
        Role.CLERK: "Công chức Bộ phận Một cửa",
        Role.VICE_CHAIR: "Phó Chủ tịch UBND",
        Role.ADMIN: "Quản trị hệ thống",
    }[role]
