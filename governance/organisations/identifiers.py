"""Validation of official organisation identifiers, by kind of organisation.

- NHS bodies, PCNs and GP practices: NHS Organisation Data Service (ODS) codes.
- Local authorities: the ONS Government Statistical Service (GSS) code.
- VCSE bodies: a registered charity number or a Companies House number.
- Independent providers: an ODS code or a Companies House number.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

ODS_ICB = re.compile(r"^Q[A-Z0-9]{2}$")  # e.g. QYG
ODS_TRUST = re.compile(r"^[RT][A-Z0-9]{2}$")  # e.g. RW4, TAD
ODS_PCN = re.compile(r"^U\d{5}$")  # e.g. U12345
ODS_PRACTICE = re.compile(r"^[A-Z]\d{5}$")  # e.g. A81001
ODS_INDEPENDENT = re.compile(r"^(N[A-Z0-9]{2}|8[A-Z0-9]{4})$")  # e.g. NT3, 8HV48
GSS_LOCAL_AUTHORITY = re.compile(r"^E(0[6-9]|10)\d{6}$")  # E06 unitary … E10 county
CHARITY_NUMBER = re.compile(r"^\d{6,7}(-\d{1,2})?$")  # England & Wales register
SCOTTISH_CHARITY = re.compile(r"^SC0\d{5}$")
COMPANY_NUMBER = re.compile(r"^(\d{8}|(SC|NI|OC|SO|NC|IP|RS|CE|CS)\d{6})$")
OTHER = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")

# kind -> (patterns, human description used in the error message)
RULES: dict[str, tuple[tuple[re.Pattern[str], ...], str]] = {
    "icb": ((ODS_ICB,), "an ODS code for an ICB: Q and two letters or digits, e.g. QYG"),
    "nhs_trust": ((ODS_TRUST,), "an ODS trust code: R or T and two letters or digits, e.g. RW4"),
    "nhs_foundation_trust": (
        (ODS_TRUST,),
        "an ODS trust code: R or T and two letters or digits, e.g. RBT",
    ),
    "local_authority": (
        (GSS_LOCAL_AUTHORITY,),
        "an ONS GSS code for a local authority: E06–E10 and six digits, e.g. E08000012",
    ),
    "pcn": ((ODS_PCN,), "an ODS code for a primary care network: U and five digits, e.g. U12345"),
    "gp_practice": ((ODS_PRACTICE,), "an ODS practice code: a letter and five digits, e.g. A81001"),
    "vcse": (
        (CHARITY_NUMBER, SCOTTISH_CHARITY, COMPANY_NUMBER),
        "a registered charity number (e.g. 1123456) or a company number (e.g. 01234567)",
    ),
    "independent_provider": (
        (ODS_INDEPENDENT, COMPANY_NUMBER),
        "an ODS code (e.g. NT3 or 8HV48) or a company number (e.g. 01234567)",
    ),
    "other": ((OTHER,), "2–20 letters, digits or hyphens"),
}


def normalise_identifier(value: str) -> str:
    """Identifiers are compared upper-case with surrounding space removed."""
    return (value or "").strip().upper()


def validate_identifier(kind: str, value: str) -> None:
    """Raise ``ValidationError`` if ``value`` is not a valid identifier for ``kind``."""
    if kind not in RULES:
        raise ValidationError({"kind": f"Unknown organisation kind {kind!r}."})
    patterns, description = RULES[kind]
    value = normalise_identifier(value)
    if not value:
        raise ValidationError({"identifier": "An official identifier is required."})
    if not any(p.match(value) for p in patterns):
        raise ValidationError(
            {
                "identifier": f"{value!r} is not valid for this kind of organisation: expected "
                f"{description}."
            }
        )
