"""Request body parsers with limits: the body's size and the JSON's nesting depth.

DRF's own parsers read the whole body whatever its size (Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` only guards ``request.body``/``request.POST``) and
hand deeply nested JSON (``[`` × 100,000) to the decoder, which raises
``RecursionError``. These read at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (a larger
body answers 413) and refuse JSON nested deeper than ``API_MAX_JSON_DEPTH`` (400).
"""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

DEFAULT_MAX_BODY = 2621440  # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB)
DEFAULT_MAX_DEPTH = 20


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def max_body() -> int:
    return getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or DEFAULT_MAX_BODY


def max_depth() -> int:
    return getattr(settings, "API_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH)


def too_large(limit: int) -> RequestTooLarge:
    return RequestTooLarge(f"The request body is too large (the limit is {limit:,} bytes).")


def read_bounded(stream, limit: int) -> bytes:
    """The whole body, or RequestTooLarge as soon as it passes ``limit`` bytes."""
    if stream is None:
        return b""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


def depth(value) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


class _Bounded:
    def _body(self, stream, parser_context) -> bytes:
        request = (parser_context or {}).get("request")
        limit = max_body()
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if declared and int(declared) > limit:
                raise too_large(limit)
        except ValueError:
            pass
        return read_bounded(stream, limit)


class BoundedJSONParser(_Bounded, parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = self._body(stream, parser_context)
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            data = None
            nested = True
        else:
            nested = depth(data) > max_depth()
        if nested:
            raise ParseError(f"JSON parse error - nested deeper than {max_depth()} levels.")
        return data


class BoundedFormParser(_Bounded, parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = self._body(stream, parser_context)
        return super().parse(io.BytesIO(body), media_type, parser_context)


class BoundedMultiPartParser(parsers.MultiPartParser):
    """Django's multipart parser keeps to DATA_UPLOAD_MAX_MEMORY_SIZE for fields and
    DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES; the whole body is limited here too."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = max_body() + getattr(settings, "ATTACHMENT_MAX_BYTES", 0)
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if declared and int(declared) > limit:
                raise too_large(limit)
        except ValueError:
            pass
        return super().parse(stream, media_type, parser_context)
