"""The query side: ranked, permission-scoped hits with highlighted snippets.

Every hit is re-checked, in the same SQL query that counts and pages them, through the
owning app's selector (``SearchKind.visible`` / ``.public``): a record the user may not
see is never counted, ranked, paged or quoted. Engines: PostgreSQL full-text search
(``websearch`` syntax, weights title A / body B, ``ts_headline`` snippets); SQLite FTS5
(bm25 with the title weighted 10:1, ``snippet()``); plain matching without FTS5.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from governance.search import backend, registry
from governance.search.models import Audience, Kind, SearchDocument

START, STOP = "\ue000", "\ue001"  # private-use characters: never in real text
MAX_QUERY = 200
PER_PAGE = 20
MAX_FTS_HITS = 20_000


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    title: str
    url: str
    snippet: SafeString
    rank: float


@dataclass
class Results:
    query: str
    kind: str = ""
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 0
    engine: str = ""

    @property
    def kind_counts(self) -> list[tuple[str, str, int]]:
        return [(k.value, k.label, self.counts.get(k.value, 0)) for k in Kind]


def _any(qs: list[Q]) -> Q:
    return functools.reduce(operator.or_, qs) if qs else Q(pk__in=[])


def scope(user, *, public: bool) -> Q:
    """The documents ``user`` may find: public documents published today, and (signed
    in) the private documents of records the apps' selectors let the user see."""
    kinds = registry.kinds().values()
    published = Q(audience=Audience.PUBLIC, public_from__lte=timezone.localdate()) & _any(
        [Q(kind=k.name, object_id__in=k.public()) for k in kinds if k.public is not None]
    )
    if public or not getattr(user, "is_authenticated", False):
        return published
    visible = {k.name: k.visible(user) for k in kinds}
    private = Q(audience=Audience.PRIVATE) & _any(
        [Q(kind=name, object_id__in=ids) for name, ids in visible.items()]
    )
    # a record the user sees in full is found once, by its private document
    not_seen = [~Q(kind=k.name, object_id__in=visible[k.name]) for k in kinds if k.public]
    return private | functools.reduce(operator.and_, not_seen, published)


def clean_query(q: str) -> str:
    return " ".join((q or "").replace(START, " ").replace(STOP, " ").split())[:MAX_QUERY]


def search(user, q: str, *, kind: str = "", page: int = 1, public: bool = False) -> Results:
    q = clean_query(q)
    kind = kind if kind in Kind.values else ""
    results = Results(query=q, kind=kind)
    if not q:
        return results
    docs = SearchDocument.objects.filter(scope(user, public=public))
    if backend.is_postgresql():
        engine = _Postgres(q)
    elif backend.has_fts5():
        engine = _Fts5(q)
    else:
        engine = _Fallback(q)
    results.engine = engine.name
    matched = engine.match(docs)
    if matched is None:
        return results
    if isinstance(engine, _Postgres):
        rows = engine.count_and_page(matched, results, kind=kind, page=page)
    else:
        results.counts = dict(matched.values_list("kind").annotate(n=Count("id")).order_by())
        if kind:
            matched = matched.filter(kind=kind)
        _paginate(results, kind, page)
        start = (results.page - 1) * PER_PAGE
        rows = engine.page(matched, start, start + PER_PAGE)
    labels = dict(Kind.choices)
    results.hits = [
        Hit(r.kind, labels[r.kind], r.title, r.url, highlight(r.snippet), float(r.rank))
        for r in rows
    ]
    return results


def _paginate(results: Results, kind: str, page: int) -> None:
    results.total = results.counts.get(kind, 0) if kind else sum(results.counts.values())
    results.pages = (results.total + PER_PAGE - 1) // PER_PAGE
    results.page = max(1, min(page, results.pages or 1))


def highlight(raw: str) -> SafeString:
    """Escape everything the engine returned, then turn its markers into <mark>."""
    text = escape(raw or "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


class _Postgres:
    name = "postgresql"

    def __init__(self, q: str):
        from django.contrib.postgres.search import SearchQuery

        self.query = SearchQuery(q, search_type="websearch", config=backend.CONFIG)

    def match(self, docs):
        from django.contrib.postgres.search import SearchRank

        return docs.filter(vector=self.query).annotate(rank=SearchRank(F("vector"), self.query))

    def count_and_page(self, matched, results: Results, *, kind: str, page: int):
        """The counts by kind and the page's ids in one statement, so the permission
        subqueries of ``scope`` run once (a CTE read twice); then the page's rows and
        their headlines (``ts_headline`` for those 20 rows only)."""
        from django.db import connection

        inner, params = (
            matched.values("id", "kind", "rank", "updated_at").order_by().query.sql_with_params()
        )
        sql = (
            f"WITH m AS MATERIALIZED ({inner}) "  # noqa: S608 - Django's own compiled SQL
            "SELECT kind, count(*), NULL::bigint, NULL::float8 FROM m GROUP BY kind "
            "UNION ALL SELECT * FROM (SELECT kind, NULL::bigint, id, rank FROM m "
            "WHERE %s = '' OR kind = %s ORDER BY rank DESC, updated_at DESC, id "
            "LIMIT %s OFFSET %s) AS page"
        )

        def run(number):
            offset = (number - 1) * PER_PAGE
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, kind, kind, PER_PAGE, offset])
                return cursor.fetchall()

        fetched = run(page)
        results.counts = {k: n for k, n, pk, _ in fetched if pk is None}
        _paginate(results, kind, page)
        if results.page != page:  # asked beyond the last page: show the last one
            fetched = run(results.page)
        ranks = {pk: rank for _, _, pk, rank in fetched if pk is not None}
        return self.rows(list(ranks), ranks)

    def rows(self, ids, ranks):
        from django.contrib.postgres.search import SearchHeadline

        found = SearchDocument.objects.filter(pk__in=ids).annotate(
            snippet=SearchHeadline(
                "body",
                self.query,
                config=backend.CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        by_id = {d.pk: d for d in found.only("pk", "kind", "title", "url", "body")}
        out = []
        for pk in ids:
            row = by_id[pk]
            row.rank = ranks[pk]
            out.append(row)
        return out


def fts5_expression(q: str) -> str:
    """An FTS5 MATCH expression from what a person typed: every word required (each
    quoted, so no FTS5 syntax can be injected), ``OR`` between words kept."""
    out = []
    for word in re.findall(r"\w+", q):
        if word == "OR" and out and out[-1] != "OR":
            out.append("OR")
        elif word != "OR":
            out.append(f'"{word}"')
    if out and out[-1] == "OR":
        out.pop()
    return " ".join(out)


class _Fts5:
    name = "sqlite-fts5"

    def __init__(self, q: str):
        self.expression = fts5_expression(q)
        self.scores: dict[int, float] = {}

    def match(self, docs):
        if not self.expression:
            return None
        from django.db import connection

        table = backend.FTS_TABLE
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, bm25({table}, 10.0, 1.0) FROM {table} "  # noqa: S608
                f"WHERE {table} MATCH %s ORDER BY 2 LIMIT {MAX_FTS_HITS}",
                [self.expression],
            )
            self.scores = {rowid: -score for rowid, score in cursor.fetchall()}
        sub = RawSQL(  # noqa: S611 - a constant table name; the expression is a parameter
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s LIMIT {MAX_FTS_HITS}",  # noqa: S608
            [self.expression],
        )
        return docs.filter(pk__in=sub)

    def page(self, matched, start, stop):
        ranked = sorted(
            matched.values_list("pk", "updated_at"),
            key=lambda r: (-self.scores.get(r[0], 0.0), -r[1].timestamp(), r[0]),
        )
        ids = [pk for pk, _ in ranked[start:stop]]
        rows = {d.pk: d for d in SearchDocument.objects.filter(pk__in=ids)}
        snippets = self._snippets(ids)
        out = []
        for pk in ids:
            row = rows[pk]
            row.rank = self.scores.get(pk, 0.0)
            row.snippet = snippets.get(pk, "")
            out.append(row)
        return out

    def _snippets(self, ids) -> dict[int, str]:
        if not ids:
            return {}
        from django.db import connection

        table = backend.FTS_TABLE
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({table}, 1, %s, %s, ' … ', 24) FROM {table} "  # noqa: S608
                f"WHERE {table} MATCH %s AND rowid IN ({marks})",
                [START, STOP, self.expression, *ids],
            )
            return dict(cursor.fetchall())


class _Fallback:
    """SQLite without FTS5: every word must appear (case-insensitive); a word in the title
    counts ten times one in the body."""

    name = "plain"

    def __init__(self, q: str):
        self.words = [w for w in re.findall(r"\w+", q) if w != "OR"][:10]

    def match(self, docs):
        if not self.words:
            return None
        for w in self.words:
            docs = docs.filter(Q(title__icontains=w) | Q(body__icontains=w))
        return docs

    def page(self, matched, start, stop):
        rows = list(matched.only("pk", "kind", "title", "url", "body", "updated_at")[:2000])
        for r in rows:
            title, body = r.title.lower(), r.body.lower()
            r.rank = sum(10 * title.count(w.lower()) + body.count(w.lower()) for w in self.words)
        rows.sort(key=lambda r: (-r.rank, -r.updated_at.timestamp(), r.pk))
        rows = rows[start:stop]
        for r in rows:
            r.snippet = self._snippet(r.body)
        return rows

    def _snippet(self, body: str) -> str:
        lower = body.lower()
        at = min((i for i in (lower.find(w.lower()) for w in self.words) if i >= 0), default=0)
        text = body[max(0, at - 80) : at + 160]
        for w in self.words:
            text = re.sub(f"({re.escape(w)})", f"{START}\\1{STOP}", text, flags=re.IGNORECASE)
        return text
