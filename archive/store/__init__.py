"""The source of truth: SQL through SQLAlchemy Core (SQLite by default, PostgreSQL by URL)."""

from archive.store.store import Store, StoreError

__all__ = ["Store", "StoreError"]
