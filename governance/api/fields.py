"""Bounds for every API's input serializers (the rules are in governance.validators).

Each ``api/inputs.py`` ends with ``bound_inputs(globals())``: every writable field of
every serializer defined there then gets, whatever its declaration says, a length
(titles and names 200 characters, other text 20,000 unless the field says less), no
control or text-direction characters (line breaks allowed in multi-line text), dates
within 1900–2200, integers and ids within a signed 64-bit range (an out-of-range id
reads as "does not exist", never an OverflowError), lists of at most 500 items. So a
field added later is bounded without anyone remembering to.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from rest_framework import serializers

from governance import validators


class _TextValidator:
    def __init__(self, *, multiline: bool):
        self.multiline = multiline

    def __call__(self, value):
        bad = validators.bad_character(value, multiline=self.multiline)
        if bad:
            raise serializers.ValidationError(f"Remove {bad}: it cannot be shown safely.")


# --- bounds for every field of an input serializer ----------------------------------------

MAX_ITEMS = 500
SINGLE_LINE_NAMES = frozenset(
    {"title", "name", "reference", "decided_by", "presenter", "location", "identifier"}
)


def _bounded_pk(field: serializers.PrimaryKeyRelatedField) -> None:
    original = field.to_internal_value

    def to_internal_value(data):
        if isinstance(data, float) and not (data.is_integer() and abs(data) <= validators.ID_MAX):
            field.fail("incorrect_type", data_type=type(data).__name__)
        is_id = isinstance(data, int | str) and not isinstance(data, bool)
        if is_id and not validators.id_in_range(data):
            field.fail("does_not_exist", pk_value=str(data)[:30])
        return original(data)

    field.to_internal_value = to_internal_value


def _bounded_many(field: serializers.ManyRelatedField) -> None:
    original = field.to_internal_value

    def to_internal_value(data):
        if isinstance(data, list | tuple) and len(data) > MAX_ITEMS:
            raise serializers.ValidationError(f"Give at most {MAX_ITEMS} items.")
        return original(data)

    field.to_internal_value = to_internal_value
    _bound(field.child_relation, "")


def _bounded_text(name: str, field: serializers.CharField) -> None:
    single = name in SINGLE_LINE_NAMES or (field.max_length or 10**9) <= 300
    if field.max_length is None:
        limit = validators.TITLE_MAX if single else validators.LONG_TEXT_MAX
        field.max_length = limit
        field.validators.append(
            MaxLengthValidator(limit, message=f"Keep this to {limit:,} characters.")
        )
    if not any(isinstance(v, _TextValidator) for v in field.validators):
        field.validators.append(_TextValidator(multiline=not single))


def _date_validator(value):
    message = validators.date_message(value)
    if message:
        raise serializers.ValidationError(message)


def _bound(field, name: str = "") -> None:
    if getattr(field, "read_only", False):
        return
    if isinstance(field, serializers.ManyRelatedField):
        _bounded_many(field)
    elif isinstance(field, serializers.PrimaryKeyRelatedField):
        _bounded_pk(field)
    elif isinstance(field, serializers.CharField):
        _bounded_text(name, field)
    elif isinstance(field, serializers.DateField | serializers.DateTimeField):
        field.validators.append(_date_validator)
    elif isinstance(field, serializers.IntegerField) and field.max_value is None:
        field.validators += [
            MaxValueValidator(validators.ID_MAX),
            MinValueValidator(-validators.ID_MAX),
        ]
    elif isinstance(field, serializers.ListField):
        if field.max_length is None:
            field.validators.append(MaxLengthValidator(MAX_ITEMS))
        _bound(field.child, name)


def bound_serializer(cls):
    """Give every writable field of ``cls`` the shared bounds (a class decorator):
    text a length (titles and names 200, other text 20,000 unless the field says less)
    and no control or text-direction characters; dates within 1900–2200; ids within
    range (an out-of-range id reads as "does not exist"); lists at most 500 items."""
    original = cls.get_fields
    if getattr(original, "bounded", False):
        return cls

    def get_fields(self):
        fields = original(self)
        for name, field in fields.items():
            _bound(field, name)
        return fields

    get_fields.bounded = True
    cls.get_fields = get_fields
    return cls


def bound_inputs(namespace: dict) -> None:
    """Bound every serializer class defined in the module whose ``globals()`` is given."""
    module = namespace.get("__name__")
    for value in list(namespace.values()):
        if (
            isinstance(value, type)
            and issubclass(value, serializers.Serializer)
            and value.__module__ == module
        ):
            bound_serializer(value)
