"""The window's first-start set-up offering "this PC only" or "the centre's server"."""

from __future__ import annotations

from core.paths import data_dir
from core.register import Register
from core.storage.postgres import connection
from gui.dialogs.setup import SetupDialog
from gui.session import Session
from tests.helpers import PASSWORD, START, Clock
from tests.smtp_helpers import memory_keyring


def fresh_session(tmp_path) -> Session:
    return Session(Register.open(tmp_path / "may-nay.sqlite3", clock=Clock(START)))


def test_the_centres_server_chosen_in_the_window(qtbot, tmp_path, pg_url):
    session = fresh_session(tmp_path)
    dialog = SetupDialog(session)
    qtbot.addWidget(dialog)
    assert not dialog.server_url.isEnabled()  # "this PC only" until the server is chosen
    dialog.where_server.setChecked(True)
    dialog.server_url.setText(pg_url)
    dialog.server_password.setText("mật-khẩu-máy-chủ")
    dialog.ward.setText("UBND phường Tây Hồ")
    dialog.agency.setText("000.17.22.H56")
    dialog.admin_name.setText("Lê Minh Quản")
    dialog.password.setText(PASSWORD)
    dialog.password2.setText(PASSWORD)
    try:
        with memory_keyring() as store:
            assert dialog.save(), dialog.message.text()
            assert store.passwords == {
                (connection.KEYRING_SERVICE, connection.display(pg_url)): "mật-khẩu-máy-chủ"
            }
            reg = session.register
            assert reg.store.kind == "postgresql" and reg.is_initialised and session.db_path == pg_url
            assert reg.store.conn.info.password == "mật-khẩu-máy-chủ"  # libpq was given it
        assert connection.remembered_server() == connection.display(pg_url)
        for path in data_dir().rglob("*"):  # no file of ours holds the password
            if path.is_file():
                assert "mật-khẩu-máy-chủ".encode() not in path.read_bytes(), path
        # A second counter PC joins the centre: no ward details to type, straight to login.
        other = SetupDialog(fresh_session(tmp_path / "quay2"))
        qtbot.addWidget(other)
        other.where_server.setChecked(True)
        other.server_url.setText(pg_url)
        assert other.save(), other.message.text()
        assert other.session.register.user("quantri") is not None
        other.session.register.close()
    finally:
        connection.remember_server(None)
        session.register.close()


def test_no_credential_store_and_a_bad_address_are_said_in_vietnamese(qtbot, tmp_path, pg_url):
    session = fresh_session(tmp_path)
    dialog = SetupDialog(session)
    qtbot.addWidget(dialog)
    dialog.where_server.setChecked(True)
    dialog.server_url.setText("192.168.1.10/motcua")
    assert not dialog.save() and "postgresql://" in dialog.message.text()
    dialog.server_url.setText(pg_url)
    dialog.server_password.setText("mật-khẩu")
    assert not dialog.save()  # the run's keyring is the failing one
    assert "kho mật khẩu" in dialog.message.text()
    assert session.register.store.kind == "sqlite" and connection.remembered_server() is None
    session.register.close()
