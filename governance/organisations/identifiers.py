"""Validation of official organisation identifiers, by kind of organisation.

- NHS bodies, PCNs and GP practices: NHS Organisation Data Service (ODS) codes (required).
- Local authorities: the ONS Government Statistical Service (GSS) code of the council
  (required): English unitary, district, metropolitan, London and county councils
  (E06–E10), Welsh principal councils (W06), Scottish council areas (S12) and Northern
  Irish districts (N09), each followed by six digits.
- Partners outside the NHS and local government (police, fire and rescue, housing,
  VCSE bodies, independent providers, others) may have no code at all: their rights
  never depend on one. When one is given, it must have the right form: a GSS police
  force area or fire and rescue authority code, a Regulator of Social Housing
  registration, a charity number (England and Wales, Scotland, Northern Ireland),
  a Companies House number, or an ODS code.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

ODS_ICB = re.compile(r"^Q[A-Z0-9]{2}$")  # e.g. QYG
ODS_TRUST = re.compile(r"^[RT][A-Z0-9]{2}$")  # e.g. RW4, TAD
ODS_PCN = re.compile(r"^U\d{5}$")  # e.g. U12345
ODS_PRACTICE = re.compile(r"^[A-Z]\d{5}$")  # e.g. A81001
ODS_INDEPENDENT = re.compile(r"^(N[A-Z0-9]{2}|8[A-Z0-9]{4})$")  # e.g. NT3, 8HV48
# E06 unitary, E07 district, E08 metropolitan, E09 London borough, E10 county; W06 Welsh
# principal council; S12 Scottish council area; N09 Northern Irish district.
GSS_LOCAL_AUTHORITY = re.compile(r"^(E0[6-9]|E10|W06|S12|N09)\d{6}$")
GSS_POLICE_FORCE_AREA = re.compile(r"^(E23|W15)\d{6}$")  # e.g. E23000001
GSS_FIRE_AUTHORITY = re.compile(r"^(E31|W25)\d{6}$")  # e.g. E31000001
CHARITY_NUMBER = re.compile(r"^\d{6,7}(-\d{1,2})?$")  # England & Wales; NI 10xxxx too
SCOTTISH_CHARITY = re.compile(r"^SC0\d{5}$")  # e.g. SC012345
NI_CHARITY = re.compile(r"^(NIC1\d{5}|10\d{4})$")  # e.g. NIC100002, 100002
SOCIAL_HOUSING = re.compile(r"^(L|LH)?\d{4}$")  # RSH registration, e.g. L4509, LH0125, 4851
COMPANY_NUMBER = re.compile(r"^(\d{8}|(SC|NI|OC|SO|NC|IP|RS|CE|CS)\d{6})$")
OTHER = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")

CHARITY_TEXT = (
    "a registered charity number (England and Wales e.g. 1123456, Scotland e.g. SC012345, "
    "Northern Ireland e.g. NIC100002 or 100002)"
)
COMPANY_TEXT = "a company number (e.g. 01234567 or RS007654)"


class Rule:
    """The identifier rule of one kind of organisation."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...], description: str, required: bool):
        self.patterns = patterns
        self.description = description
        self.required = required

    def matches(self, value: str) -> bool:
        return any(p.match(value) for p in self.patterns)


RULES: dict[str, Rule] = {
    "icb": Rule((ODS_ICB,), "an ODS code for an ICB: Q and two letters or digits, e.g. QYG", True),
    "nhs_trust": Rule(
        (ODS_TRUST,), "an ODS trust code: R or T and two letters or digits, e.g. RW4", True
    ),
    "nhs_foundation_trust": Rule(
        (ODS_TRUST,), "an ODS trust code: R or T and two letters or digits, e.g. RBT", True
    ),
    "local_authority": Rule(
        (GSS_LOCAL_AUTHORITY,),
        "an ONS GSS council code: E06, E07, E08, E09 or E10 (England), W06 (Wales), "
        "S12 (Scotland) or N09 (Northern Ireland), then six digits, e.g. E08000012 or W06000002",
        True,
    ),
    "pcn": Rule(
        (ODS_PCN,), "an ODS code for a primary care network: U and five digits, e.g. U12345", True
    ),
    "gp_practice": Rule(
        (ODS_PRACTICE,), "an ODS practice code: a letter and five digits, e.g. A81001", True
    ),
    "police": Rule(
        (GSS_POLICE_FORCE_AREA,),
        "an ONS GSS police force area code: E23 (England) or W15 (Wales) and six digits, "
        "e.g. E23000001",
        False,
    ),
    "fire_and_rescue": Rule(
        (GSS_FIRE_AUTHORITY,),
        "an ONS GSS fire and rescue authority code: E31 (England) or W25 (Wales) and six "
        "digits, e.g. E31000001",
        False,
    ),
    "housing": Rule(
        (SOCIAL_HOUSING, COMPANY_NUMBER, CHARITY_NUMBER),
        "a Regulator of Social Housing registration number (e.g. L4509 or LH0125), "
        f"{COMPANY_TEXT} or a charity number (e.g. 1123456)",
        False,
    ),
    "vcse": Rule(
        (CHARITY_NUMBER, SCOTTISH_CHARITY, NI_CHARITY, COMPANY_NUMBER),
        f"{CHARITY_TEXT} or {COMPANY_TEXT}",
        False,
    ),
    "independent_provider": Rule(
        (ODS_INDEPENDENT, COMPANY_NUMBER),
        f"an ODS code (e.g. NT3 or 8HV48) or {COMPANY_TEXT}",
        False,
    ),
    "other": Rule((OTHER,), "2–20 letters, digits or hyphens, e.g. HEALTHWATCH-1", False),
}


def normalise_identifier(value: str) -> str:
    """Identifiers are compared upper-case with surrounding space removed."""
    return (value or "").strip().upper()


def identifier_required(kind: str) -> bool:
    """Must an organisation of this kind have an official identifier?"""
    rule = RULES.get(kind)
    return rule is None or rule.required


def expected_format(kind: str) -> str:
    """The human description of the identifiers accepted for ``kind`` ("" if unknown)."""
    rule = RULES.get(kind)
    return rule.description if rule else ""


def validate_identifier(kind: str, value: str) -> None:
    """Raise ``ValidationError`` if ``value`` is not a valid identifier for ``kind``.

    An empty value is accepted for the kinds whose identifier is optional.
    """
    if kind not in RULES:
        raise ValidationError({"kind": f"Unknown organisation kind {kind!r}."})
    rule = RULES[kind]
    value = normalise_identifier(value)
    if not value:
        if rule.required:
            raise ValidationError(
                {
                    "identifier": "An official identifier is required for this kind of "
                    f"organisation: {rule.description}."
                }
            )
        return
    if not rule.matches(value):
        raise ValidationError(
            {
                "identifier": f"{value!r} is not valid for this kind of organisation: expected "
                f"{rule.description}."
            }
        )
