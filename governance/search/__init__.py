"""Search across proposals, decisions, papers, minutes, actions and risks.

Each app registers the kinds of record it owns (``registry.register``); its services call
``services.search_index_update(record)`` after changing one. The query side
(``query.search``) ranks with PostgreSQL full-text search, or SQLite FTS5, and always
re-checks every hit through the owning app's permission-scoped selector.
"""
