"""JSON errors for the API: clear messages, field errors by field.

Two layers. ``exception_handler`` is DRF's: services' ValidationError and
PermissionDenied, a database outage (503 with ``Retry-After``) and an over-large
body (413) become ``{"detail": …}`` JSON. ``bad_request``, ``page_not_found`` and
``server_error`` are the project's ``handler400/404/500``: under ``/api/`` they answer
the same JSON shape (an unknown path, a body over Django's limit, a crash or an
outage outside a DRF view); elsewhere they give Django's own pages, except that an
outage answers 503 with ``Retry-After`` there too.
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from governance.api.parsers import max_body

logger = logging.getLogger("governance.api")

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30
OUTAGE_ERRORS = (OperationalError, InterfaceError)
OUTAGE_DETAIL = "The service is briefly unavailable (the database cannot be reached). Try again."


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(request, detail: str, status_code: int, **extra) -> JsonResponse:
    body = {"detail": detail, **extra}
    request_id = getattr(request, "request_id", None)
    if request_id and status_code >= 500:
        body["request_id"] = request_id
    return JsonResponse(body, status=status_code)


def _too_large_detail() -> str:
    return f"The request body is too large (the limit is {max_body():,} bytes)."


def _outage(request) -> HttpResponse:
    if is_api(request):
        response = _json(request, OUTAGE_DETAIL, 503)
    else:
        response = HttpResponse(
            "<!doctype html><title>Service unavailable</title><h1>Service unavailable</h1>"
            "<p>The service is briefly unavailable. Please try again in a minute.</p>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception, template_name="400.html"):
    if not is_api(request):
        return defaults.bad_request(request, exception, template_name)
    if isinstance(exception, RequestDataTooBig):
        return _json(request, _too_large_detail(), 413)
    return _json(request, "Bad request.", 400)


def page_not_found(request, exception, template_name="404.html"):
    if not is_api(request):
        return defaults.page_not_found(request, exception, template_name)
    return _json(request, "Not found.", 404)


def server_error(request, template_name="500.html"):
    exc = sys.exc_info()[1]
    if isinstance(exc, OUTAGE_ERRORS):
        return _outage(request)
    if not is_api(request):
        return defaults.server_error(request, template_name)
    return _json(request, "Server error: the request could not be completed.", 500)


def exception_handler(exc, context):
    """Turn Django's ValidationError/PermissionDenied (raised by services) into JSON."""
    if isinstance(exc, OUTAGE_ERRORS):
        logger.error("Database unavailable during an API request", exc_info=exc)
        return Response(
            {"detail": OUTAGE_DETAIL},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": _too_large_detail()}, status=413)
    if isinstance(exc, SuspiciousOperation):
        return Response({"detail": "Bad request."}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
            first = next(iter(errors.values()))[0]
            return Response({"detail": first, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        messages = [str(m) for m in exc.messages]
        return Response(
            {"detail": " ".join(messages), "errors": {"non_field_errors": messages}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        errors = response.data
        first = next(iter(errors.values()), ["Invalid input."])
        first = first[0] if isinstance(first, list) and first else first
        response.data = {"detail": str(first), "errors": errors}
    return response
