"""JSON errors for the API: clear messages, field errors by field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Turn Django's ValidationError/PermissionDenied (raised by services) into JSON."""
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
