"""The two full-text engines: PostgreSQL (a stored, GIN-indexed tsvector) and SQLite FTS5
(a virtual table ``search_fts`` made by migration 0002). On SQLite without FTS5 the query
side falls back to plain matching (``query._fallback``)."""

from __future__ import annotations

from django.db import connection

FTS_TABLE = "search_fts"
CONFIG = "english"
DELETE = f"DELETE FROM {FTS_TABLE} WHERE rowid = %s"  # noqa: S608 - a constant table name


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


_FTS5: dict[str, bool] = {}


def has_fts5() -> bool:
    """Whether this SQLite database has the FTS5 table (asked once per database file)."""
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    if _FTS5.get(name) is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
            )
            found = cursor.fetchone() is not None
        if not found:
            return False  # not remembered: a migration may yet create it
        _FTS5[name] = True
    return True


def write(documents) -> None:
    """Bring the engine's own copy up to date for ``documents`` (SearchDocument rows)."""
    from django.contrib.postgres.search import SearchVector

    from governance.search.models import SearchDocument

    ids = [d.pk for d in documents]
    if not ids:
        return
    if is_postgresql():
        SearchDocument.objects.filter(pk__in=ids).update(
            vector=SearchVector("title", weight="A", config=CONFIG)
            + SearchVector("body", weight="B", config=CONFIG)
        )
    elif has_fts5():
        with connection.cursor() as cursor:
            cursor.executemany(DELETE, [[i] for i in ids])
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                [[d.pk, d.title, d.body] for d in documents],
            )


def forget(ids) -> None:
    ids = list(ids)
    if ids and has_fts5():
        with connection.cursor() as cursor:
            cursor.executemany(DELETE, [[i] for i in ids])
