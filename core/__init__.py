"""MotCua core: the counter register's domain and storage. Never imports Qt."""

__version__ = "0.1.0"
