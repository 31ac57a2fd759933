"""The PostgreSQL backend (psycopg 3): one database on the centre's server for every counter."""

from core.storage.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
