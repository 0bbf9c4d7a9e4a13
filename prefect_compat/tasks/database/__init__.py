"""`prefect.tasks.database`: the SQLite tasks (standard library `sqlite3`)."""

from prefect_compat.tasks.database.sqlite import SQLiteQuery, SQLiteScript

__all__ = ["SQLiteQuery", "SQLiteScript"]
