"""Bench-only views and middleware, served by ``bench/scale_settings.py``:

- ``GET /bench/floor/``: a bare DRF list of 20 rows (organisations: id, name, code,
  kind), same authentication and permission classes as the API: the framework's floor.
- ``POST /bench/insert/``: inserts one row into ``bench_row`` (created by the bench
  script) in a transaction: the floor for a write.
- ``X-Queries`` response header: the SQL statements the request ran.
"""

from __future__ import annotations

from django.db import connection, transaction
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.organisations.models import Organisation

BENCH_TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_row "
    "(id bigserial PRIMARY KEY, note varchar(100) NOT NULL, created timestamptz NOT NULL)"
)


class _Organisation(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "identifier", "kind"]


class FloorList(generics.ListAPIView):
    serializer_class = _Organisation
    pagination_class = None

    def get_queryset(self):
        return Organisation.objects.order_by("pk")[:20]


class InsertOne(APIView):
    def post(self, request):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_row (note, created) VALUES (%s, now()) RETURNING id",
                [str(request.data.get("note", ""))[:100]],
            )
            (pk,) = cursor.fetchone()
        return Response({"id": pk}, status=201)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(count[0])
        return response
