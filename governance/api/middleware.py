"""Ids out of range answer 404, for every page and API endpoint.

A path such as ``/api/v1/proposals/99999999999999999999/`` or a filter such as
``?committee=99999999999999999999`` would reach the database with a number no id can
have: SQLite raises OverflowError and PostgreSQL a DataError, both a 500. And
``"²".isdigit()`` is true while ``int("²")`` fails. This middleware answers 404 (JSON
under ``/api/``, see governance.api.errors) before the view runs, whenever a URL
argument or a query parameter is made of digits but is not an ASCII number that fits
a signed 64-bit id.
"""

from __future__ import annotations

from django.http import Http404

from governance.validators import id_in_range


class IdBoundsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int | str) and not id_in_range(value):
                raise Http404("No record has that id.")
        for key, values in request.GET.lists():
            for value in values:
                if not id_in_range(value.strip()):
                    raise Http404(f"No record matches {key}={value[:30]}.")
        return None
