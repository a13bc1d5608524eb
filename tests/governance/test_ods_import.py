"""Organisations from ODS files and ONS code lists (governance.organisations.ods): the
command and the Manage page create, update and close organisations, each change audited;
a dry run writes nothing; a malformed row refuses the whole file with its row number;
only the ICB secretariat imports."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from governance.audit.models import AuditEvent
from governance.organisations import ods
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role


def ods_row(code, name, *, address=("",) * 5, postcode="", opened="19980401", closed=""):
    """One row of an ODS CSV download (27 columns, headerless, as in etr.csv)."""
    lines = list(address) + [""] * (5 - len(address))
    cells = [code, name, "Y63", "QWO", *lines, postcode, opened, closed]
    cells += [""] * 6 + ["0113 2433144"] + [""] * 8
    assert len(cells) == 27
    return ",".join(f'"{c}"' if c else "" for c in cells)


ETR = (
    "\n".join(
        [
            ods_row(
                "RR8",
                "LEEDS TEACHING HOSPITALS NHS TRUST",
                address=("ST. JAMES'S UNIVERSITY HOSPITAL", "BECKETT STREET", "", "LEEDS"),
                postcode="LS9 7TF",
            ),
            ods_row(
                "RAE",
                "BRADFORD TEACHING HOSPITALS NHS FOUNDATION TRUST",
                address=("BRADFORD ROYAL INFIRMARY", "DUCKWORTH LANE", "", "BRADFORD"),
                postcode="BD9 6RJ",
                opened="20040401",
            ),
            ods_row(
                "RJF",
                "BURTON HOSPITALS NHS FOUNDATION TRUST",
                address=("QUEENS HOSPITAL", "BELVEDERE ROAD", "", "BURTON-ON-TRENT"),
                postcode="DE13 0RB",
                opened="20080701",
                closed="20180630",
            ),
            ods_row(
                "QWO",
                "NHS WEST YORKSHIRE INTEGRATED CARE BOARD",
                postcode="WF3 1AS",
                opened="20220701",
            ),
        ]
    )
    + "\n"
)


@pytest.fixture
def icb_sec(make_user, icb):
    return make_user(icb, Role.SECRETARIAT, "icb_sec")


@pytest.fixture
def existing(make_org, make_user):
    """Leeds (known by its proper name, no address yet) and Burton, which has people."""
    leeds = make_org("Leeds Teaching Hospitals NHS Trust", OrganisationKind.NHS_TRUST, "RR8")
    burton = make_org(
        "Burton Hospitals NHS Foundation Trust", OrganisationKind.NHS_FOUNDATION_TRUST, "RJF"
    )
    make_user(burton, Role.SIGNATORY, "burton_signatory")
    return leeds, burton


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def state():
    return (
        AuditEvent.objects.count(),
        list(
            Organisation.objects.order_by("pk").values_list(
                "name", "is_active", "address", "postcode", "opened_on", "closed_on"
            )
        ),
        list(Membership.objects.values_list("end_date", flat=True)),
    )


def run(*args):
    out = io.StringIO()
    call_command("import_ods", *[str(a) for a in args], stdout=out)
    return out.getvalue()


# --- the ODS CSV ----------------------------------------------------------------------


def test_plan_of_an_etr_file_says_what_would_change_and_writes_nothing(existing):
    before = state()
    plan = ods.read(ETR.encode(), filename="etr.csv")
    by_code = {c.record.code: c for c in plan.changes}
    assert plan.summary() == {"create": 2, "update": 1, "close": 1, "unchanged": 0, "skip": 0}
    assert by_code["RAE"].action == "create"
    assert by_code["RAE"].fields["kind"] == OrganisationKind.NHS_FOUNDATION_TRUST
    assert by_code["RAE"].fields["name"] == "Bradford Teaching Hospitals NHS Foundation Trust"
    assert by_code["QWO"].fields["kind"] == OrganisationKind.ICB
    # Same name in capitals is no rename; the address and dates are the update.
    assert "name" not in by_code["RR8"].fields
    assert by_code["RR8"].fields["address"] == (
        "St. James's University Hospital\nBeckett Street\nLeeds"
    )
    assert by_code["RR8"].fields["opened_on"] == datetime.date(1998, 4, 1)
    assert by_code["RJF"].action == "close"
    assert by_code["RJF"].fields["closed_on"] == datetime.date(2018, 6, 30)
    assert state() == before


def test_command_dry_run_writes_nothing(tmp_path, existing, icb_sec):
    before = state()
    out = run(write(tmp_path, "etr.csv", ETR), "--dry-run")
    assert "Dry run, nothing written: 2 create, 1 update, 1 close" in out
    assert "close   RJF" in out
    assert state() == before


def test_command_creates_updates_and_closes_each_change_audited(tmp_path, existing, icb_sec):
    leeds, burton = existing
    events = AuditEvent.objects.count()
    out = run(write(tmp_path, "etr.csv", ETR), "--actor", "icb_sec", "--format", "csv")
    assert "Imported from etr.csv: 2 create, 1 update, 1 close" in out

    bradford = Organisation.objects.get(identifier="RAE")
    assert bradford.kind == OrganisationKind.NHS_FOUNDATION_TRUST
    assert bradford.postcode == "BD9 6RJ"
    assert bradford.opened_on == datetime.date(2004, 4, 1)
    assert bradford.is_active
    assert Organisation.objects.get(identifier="QWO").name == (
        "NHS West Yorkshire Integrated Care Board"
    )
    leeds.refresh_from_db()
    assert leeds.name == "Leeds Teaching Hospitals NHS Trust"
    assert leeds.address.endswith("Leeds") and leeds.postcode == "LS9 7TF"
    burton.refresh_from_db()
    assert not burton.is_active and burton.closed_on == datetime.date(2018, 6, 30)
    assert not Membership.objects.active().filter(organisation=burton).exists()

    new = AuditEvent.objects.order_by("seq")[events:]
    verbs = [(e.verb, e.actor.username) for e in new]
    assert verbs.count(("organisation.created", "icb_sec")) == 2
    assert ("membership.ended", "icb_sec") in verbs
    updated = [e for e in new if e.verb == "organisation.updated" and e.target_id == str(leeds.pk)]
    assert updated and "postcode" in updated[0].changes
    assert all("etr.csv" in e.reason for e in new)

    # The same file again changes nothing.
    events = AuditEvent.objects.count()
    out = run(write(tmp_path, "etr.csv", ETR), "--actor", "icb_sec")
    assert "0 create, 0 update, 0 close, 4 unchanged" in out
    assert AuditEvent.objects.count() == events


def test_a_closed_organisation_not_here_is_skipped_not_added(tmp_path, icb_sec):
    plan = ods.read(ETR.encode(), filename="etr.csv")
    skipped = [c for c in plan.changes if c.action == "skip"]
    assert [c.record.code for c in skipped] == ["RJF"]
    ods.organisations_import(actor=icb_sec, plan=plan)
    assert not Organisation.objects.filter(identifier="RJF").exists()


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ('"RXF","MID YORKSHIRE TEACHING NHS TRUST","Y63"', "Row 2: 3 columns"),
        (
            ods_row("RXF", "MID YORKSHIRE TEACHING NHS TRUST", opened="2002-13-45"),
            "Row 2: the open date",
        ),
        (ods_row("", "NO CODE"), "Row 2: the organisation code is missing"),
        (ods_row("RXF", ""), "Row 2: the name of RXF is missing"),
        (ods_row("ZZZZZZZZ", "UNKNOWN BODY"), "Row 2: ZZZZZZZZ is not an ODS code"),
        (ods_row("RR8", "LEEDS AGAIN"), "Row 2: code RR8 is also on row 1"),
        (ods_row("RXF", "TRUST", opened="20200101", closed="20190101"), "Row 2: RXF closes before"),
    ],
)
def test_a_malformed_row_refuses_the_whole_file_with_its_row_number(
    tmp_path, existing, icb_sec, bad_row, message
):
    text = ETR.splitlines()[0] + "\n" + bad_row + "\n" + ETR.splitlines()[1] + "\n"
    before = state()
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, "etr.csv", text), "--actor", "icb_sec")
    assert state() == before


def test_a_name_taken_by_another_organisation_is_refused_with_its_row(make_org, icb_sec):
    make_org("Bradford Teaching Hospitals NHS Foundation Trust", OrganisationKind.NHS_TRUST, "R99")
    with pytest.raises(ValidationError, match="Row 2: another organisation \\(R99\\)"):
        ods.read(ETR.encode(), filename="etr.csv")


def test_only_the_icb_secretariat_imports(tmp_path, existing, make_user, make_org):
    leeds, _ = existing
    partner_sec = make_user(leeds, Role.SECRETARIAT, "leeds_sec")
    auditor = make_user(make_org("Audit One", OrganisationKind.ICB, "QZZ"), Role.AUDITOR, "aud")
    plan = ods.read(ETR.encode(), filename="etr.csv")
    before = state()
    for user in (partner_sec, auditor):
        with pytest.raises(PermissionDenied):
            ods.organisations_import(actor=user, plan=plan)
    with pytest.raises(CommandError, match="Nothing imported"):
        run(write(tmp_path, "etr.csv", ETR), "--actor", "leeds_sec")
    with pytest.raises(CommandError, match="--actor"):
        run(write(tmp_path, "etr.csv", ETR))
    assert state() == before


# --- the ORD API JSON -----------------------------------------------------------------


def ord_record(code, name, *, status="Active", start="2006-10-01", end=None, role="RO197"):
    dates = [{"Type": "Legal", "Start": start}, {"Type": "Operational", "Start": start}]
    if end:
        dates[1]["End"] = end
    return {
        "Organisation": {
            "Name": name,
            "Date": dates,
            "OrgId": {
                "root": "2.16.840.1.113883.2.1.3.2.4.18.48",
                "assigningAuthorityName": "HSCIC",
                "extension": code,
            },
            "Status": status,
            "LastChangeDate": "2024-04-02",
            "orgRecordClass": "RC1",
            "GeoLoc": {
                "Location": {
                    "AddrLn1": "PINDERFIELDS HOSPITAL",
                    "AddrLn2": "ABERFORD ROAD",
                    "Town": "WAKEFIELD",
                    "PostCode": "WF1 4DG",
                    "Country": "ENGLAND",
                }
            },
            "Roles": {
                "Role": [
                    {
                        "id": role,
                        "uniqueRoleId": 1,
                        "primaryRole": True,
                        "Date": [{"Type": "Operational", "Start": start}],
                        "Status": status,
                    }
                ]
            },
        }
    }


def test_ord_json_records_create_and_an_inactive_one_closes(tmp_path, existing, icb_sec):
    _leeds, burton = existing
    data = [
        ord_record("RXF", "MID YORKSHIRE TEACHING NHS TRUST"),
        ord_record(
            "RJF",
            "BURTON HOSPITALS NHS FOUNDATION TRUST",
            status="Inactive",
            start="2008-07-01",
            end="2018-06-30",
            role="RO57",
        ),
    ]
    path = write(tmp_path, "ord.json", json.dumps(data))
    run(path, "--actor", "icb_sec")
    mid = Organisation.objects.get(identifier="RXF")
    assert mid.kind == OrganisationKind.NHS_TRUST
    assert mid.address == "Pinderfields Hospital\nAberford Road\nWakefield"
    assert mid.opened_on == datetime.date(2006, 10, 1)
    burton.refresh_from_db()
    assert not burton.is_active and burton.closed_on == datetime.date(2018, 6, 30)
    # One record on its own (the ORD API's answer for one code) reads too.
    one = ods.read(json.dumps(ord_record("RXF", "MID YORKSHIRE TEACHING NHS TRUST")).encode())
    assert [c.action for c in one.changes] == ["unchanged"]


def test_ord_json_malformed_record_refused_with_its_number(tmp_path, icb_sec):
    data = [
        ord_record("RXF", "MID YORKSHIRE TEACHING NHS TRUST"),
        {"Organisation": "oops"},
        ord_record("RAE", "BRADFORD", status="Dormant"),
    ]
    before = state()
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, "ord.json", json.dumps(data)), "--actor", "icb_sec")
    assert "Row 2: not an ODS organisation record" in str(refused.value)
    assert "Row 3: status 'Dormant'" in str(refused.value)
    with pytest.raises(CommandError, match="not valid JSON"):
        run(write(tmp_path, "bad.json", "{"), "--actor", "icb_sec")
    assert state() == before


# --- ONS/GSS local authorities --------------------------------------------------------

GSS = (
    "LAD24CD,LAD24NM,LAD24NMW,ObjectId\n"
    "E08000035,Leeds,,1\n"
    "E08000032,Bradford,,2\n"
    "W06000015,Cardiff,Caerdydd,3\n"
)


def test_gss_code_list_creates_councils_and_keeps_their_names(tmp_path, make_org, icb_sec):
    leeds = make_org("Leeds City Council", OrganisationKind.LOCAL_AUTHORITY, "E08000035")
    out = run(write(tmp_path, "LAD_2024.csv", GSS), "--actor", "icb_sec")
    assert "2 create, 0 update, 0 close, 1 unchanged" in out
    leeds.refresh_from_db()
    assert leeds.name == "Leeds City Council"  # an area name never renames a council
    cardiff = Organisation.objects.get(identifier="W06000015")
    assert cardiff.kind == OrganisationKind.LOCAL_AUTHORITY and cardiff.name == "Cardiff"


def test_gss_bad_code_and_bad_header_refused(tmp_path, icb_sec):
    before = state()
    with pytest.raises(CommandError, match=r"Row 3: .*GSS"):
        run(
            write(tmp_path, "lad.csv", "LAD24CD,LAD24NM\nE08000035,Leeds\nQ123,Nowhere\n"),
            "--actor",
            "icb_sec",
            "--format",
            "gss",
        )
    with pytest.raises(CommandError, match="Row 1: an ONS code list needs a header"):
        run(
            write(tmp_path, "lad.csv", "CODE,NAME\nE08000035,Leeds\n"),
            "--actor",
            "icb_sec",
            "--format",
            "gss",
        )
    assert state() == before


def test_the_shipped_sample_file_reads(db):
    from pathlib import Path

    import governance.organisations as package

    sample = Path(package.__file__).parent / "samples" / "etr_west_yorkshire.csv"
    plan = ods.read(sample.read_bytes(), filename=sample.name)
    assert plan.count("create") >= 5
