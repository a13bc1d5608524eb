"""The seven journeys of the people who use the app, in headless chromium against the
demo ICS, asserting what each person sees (axe checks every page: see conftest.py).

Journeys 1, 2 and 5 are done with the keyboard only (Tab, Shift+Tab, Enter, Space,
arrow keys and typing): no mouse click anywhere in them.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect


def choose(page, question: str, answer: str) -> None:
    """Pick ``answer`` for ``question``, whether the form asks with a list or with radios."""
    radios = page.get_by_role("group", name=question).get_by_role("radio", name=answer)
    if radios.count():
        radios.check()
    else:
        page.get_by_label(question, exact=True).select_option(label=answer)


def form_with_button(page, name: str):
    """The form holding the button ``name`` (pages can hold several forms)."""
    return page.locator("form").filter(has=page.get_by_role("button", name=name, exact=True))


# --- (1) raise a proposal, returned, revised, resubmitted (keyboard only) -----------------


def test_1_proposal_raised_returned_revised_resubmitted_by_keyboard(people):
    proposer = people("icb.member", keyboard=True)
    page = proposer.page
    proposer.key_activate(page.get_by_role("link", name="Proposals").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposals")
    proposer.key_activate(page.get_by_role("link", name="Raise a proposal"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a proposal")

    # a first try with the value missing: the error is said next to the field
    proposer.key_type(page.get_by_label("Title", exact=True), "Frailty virtual ward expansion")
    proposer.key_type(
        page.get_by_label("Summary"),
        "Expand the frailty virtual ward from 40 to 70 beds across Northmere and Calder.",
    )
    proposer.key_select(page.get_by_label("Type of decision"), "Service change (clinical)")
    binds = page.get_by_role("group", name=re.compile("Organisations this decision binds"))
    proposer.key_activate(binds.get_by_label("Calder Valley Council"), "Space")
    proposer.key_activate(binds.get_by_label("Northmere Hospitals NHS Foundation Trust"), "Space")
    proposer.key_activate(page.get_by_role("button", name="Save as draft"))
    expect(page.get_by_text("Enter the financial value (0 if none).").first).to_be_visible()
    proposer.shot("1-proposal-form-error")

    proposer.key_type(page.get_by_label("Financial value (£)"), "380000.00")
    proposer.key_activate(page.get_by_role("button", name="Save as draft"))
    title = page.get_by_role("heading", level=1)
    expect(title).to_contain_text("Frailty virtual ward expansion")
    reference = title.inner_text().split(":")[0].strip()
    proposal_url = page.url
    proposer.key_activate(page.get_by_role("button", name="Submit for review"))
    expect(page.get_by_text(re.compile("Submitted", re.I)).first).to_be_visible()
    proposer.shot("1-proposal-submitted")

    # the secretariat returns it with a reason
    secretariat = people("icb.secretariat", keyboard=True)
    s = secretariat.goto(proposal_url)
    expect(s.get_by_role("heading", level=1)).to_contain_text(reference)
    secretariat.key_activate(s.get_by_role("button", name="Return", exact=True))
    # no reason: the error summary says what to do and links to the field
    expect(s.get_by_role("alert")).to_contain_text("There is a problem")
    to_field = s.get_by_role("link", name=re.compile("Say why the proposal is returned"))
    expect(to_field).to_be_visible()
    secretariat.key_type(
        s.get_by_role("textbox", name="Why it is returned"),
        "Please add the workforce costs for the extra 30 beds and the GP cover.",
    )
    secretariat.key_activate(s.get_by_role("button", name="Return", exact=True))
    expect(s.get_by_text(re.compile("Returned", re.I)).first).to_be_visible()

    # the proposer sees why, revises and resubmits
    p = proposer.goto(proposal_url)
    why = p.get_by_text(re.compile("Returned by the secretariat: Please add the workforce"))
    expect(why).to_be_visible()
    proposer.shot("1-proposal-returned")
    proposer.key_activate(p.get_by_role("link", name="Edit the proposal"))
    value = p.get_by_label("Financial value (£)")
    proposer.tab_to(value)
    p.keyboard.press("Control+A")
    p.keyboard.type("455000.00")
    summary = p.get_by_label("Summary")
    proposer.tab_to(summary, backwards=True)
    p.keyboard.press("End")
    p.keyboard.type(" Workforce: 12 WTE nurses (£410,000) and GP cover (£45,000).")
    proposer.key_activate(p.get_by_role("button", name=re.compile("Save")))
    expect(p.get_by_text("£455,000", exact=False).first).to_be_visible()
    proposer.key_activate(p.get_by_role("button", name="Resubmit for review"))
    expect(p.get_by_text(re.compile("Submitted", re.I)).first).to_be_visible()
    expect(p.get_by_role("button", name="Resubmit for review")).to_have_count(0)
    proposer.shot("1-proposal-resubmitted")


# --- helpers for journeys' starting points (done with the mouse: not the journey itself) ---


def declare_interest(person, organisation: str, description: str) -> None:
    page = person.goto("/interests/new/")
    page.get_by_label("Type of interest").select_option(label="Non-financial personal interest")
    page.get_by_label("Description").fill(description)
    page.get_by_label(re.compile("Organisation the interest concerns")).select_option(
        label=organisation
    )
    person.click(page.get_by_role("button", name="Declare"))
    expect(page.get_by_text(description).first).to_be_visible()


def raise_proposal(person, *, title, summary, value, kind, binds, named=()) -> str:
    """Raise and submit a proposal; its page's URL."""
    page = person.goto("/proposals/new/")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Financial value (£)").fill(value)
    page.get_by_label("Type of decision").select_option(label=kind)
    group = page.get_by_role("group", name=re.compile("Organisations this decision binds"))
    for name in binds:
        group.get_by_label(name, exact=True).check()
    group = page.get_by_role("group", name=re.compile("Other organisations named"))
    for name in named:
        group.get_by_label(name, exact=True).check()
    person.click(page.get_by_role("button", name="Save as draft"))
    person.click(page.get_by_role("button", name="Submit for review"))
    return page.url


def accept_proposal(secretariat, url: str) -> None:
    page = secretariat.goto(url)
    secretariat.click(page.get_by_role("button", name="Accept and request sign-off"))
    expect(page.get_by_text("Partner sign-off").first).to_be_visible()


def call_meeting(
    secretariat, title: str, start, committee: str = "NHS Northmere and Calder ICB Board"
) -> str:
    """The secretariat calls a meeting of ``committee`` held in public; its page's URL."""
    page = secretariat.goto("/meetings/")
    link = page.get_by_role("link", name=committee, exact=True)
    secretariat.click(link.and_(page.locator("[href*='/committees/']")).first)
    secretariat.click(page.get_by_role("link", name="Call a meeting"))
    page.get_by_label(re.compile("^Title")).fill(title)
    page.get_by_label("Start").fill(f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_label(re.compile("^Place")).fill("Council Chamber, Northmere Civic Centre")
    choose(page, "Session", "Meeting held in public")
    secretariat.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return page.url


def table_for_decision(secretariat, meeting_url: str, what: str) -> None:
    page = secretariat.goto(meeting_url)
    secretariat.click(page.get_by_role("link", name=re.compile("Table a proposal or risk")))
    option = page.get_by_role("radio", name=re.compile(re.escape(what)))
    if option.count():
        option.check()
        secretariat.click(page.get_by_role("button", name=re.compile("Table")))
    else:  # one button per candidate
        row = page.get_by_role("row").filter(has_text=what)
        secretariat.click(row.get_by_role("button"))
    expect(page.get_by_text(re.compile(r"Tabled as item \d+")).first).to_be_visible()


def open_signoff_by_keyboard(person, title: str):
    """From My tasks, open the sign-off of the proposal ``title`` with the keyboard."""
    page = person.page
    person.key_activate(page.get_by_role("link", name="My tasks").first)
    row = page.get_by_role("row").filter(has_text=title)
    person.key_activate(row.get_by_role("link").last)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign-off by")
    return page


def approve_by_keyboard(person, comment: str = "") -> None:
    page = person.page
    person.key_activate(page.get_by_role("radio", name="Approve"), "Space")
    if comment:
        person.key_type(page.get_by_label("Comment"), comment)
    person.key_activate(page.get_by_role("button", name="Record the sign-off"))


# --- (2) three partners sign off; one blocked by an interest, resolved (keyboard only) ---


def test_2_partners_sign_off_one_blocked_by_an_interest_by_keyboard(people):
    title = "Calder social prescribing link workers"
    calder = people("calder.signatory")
    declare_interest(
        calder,
        "Calder Valley Community Alliance",
        "Trustee of Calder Valley Community Alliance (unpaid).",
    )
    proposer = people("icb.member")
    url = raise_proposal(
        proposer,
        title=title,
        summary="Six social prescribing link workers for Calder, delivered by the Alliance.",
        value="120000.00",
        kind="Commissioning and contract award",
        binds=[
            "Calder Valley Council",
            "Calder Rural Primary Care Network",
            "Northmere and Calder VCSE Alliance",
        ],
        named=["Calder Valley Community Alliance"],
    )
    accept_proposal(people("icb.secretariat"), url)

    # two partners approve, by keyboard
    for username, organisation in (
        ("pcn2.signatory", "Calder Rural Primary Care Network"),
        ("vcse.signatory", "Northmere and Calder VCSE Alliance"),
    ):
        signatory = people(username, keyboard=True)
        open_signoff_by_keyboard(signatory, title)
        approve_by_keyboard(signatory, "Agreed at our locality meeting.")
        expect(signatory.page.get_by_role("status")).to_contain_text(
            f"Sign-off recorded for {organisation}"
        )
    signatory.shot("2-signoff-recorded")

    # the council's only signatory is blocked by his declared interest
    calder.close()
    calder = people("calder.signatory", keyboard=True)
    page = open_signoff_by_keyboard(calder, title)
    expect(page.get_by_text("This sign-off is blocked.")).to_be_visible()
    expect(page.get_by_role("heading", name="You cannot sign this off")).to_be_visible()
    expect(page.get_by_role("button", name="Record the sign-off")).to_have_count(0)
    calder.shot("2-signoff-blocked")
    signoff_url = page.url

    # the chair of the deciding body records how the conflict is managed
    chair = people("board.chair", keyboard=True)
    c = chair.goto(signoff_url)
    chair.key_activate(c.get_by_role("link", name=re.compile("Record how the conflict is managed")))
    chair.key_select(c.get_by_label("Whose conflict"), re.compile("Ben Ward"))
    chair.key_type(
        c.get_by_label("Conditions"),
        "He may sign; he takes no part in monitoring the Alliance's contract.",
    )
    chair.key_type(
        c.get_by_label("Reason for your decision"),
        "The council has no other signatory and the interest is unpaid and declared.",
    )
    chair.key_activate(c.get_by_role("button", name=re.compile("Record|Permit|Save")))
    chair.shot("2-conflict-managed")

    # now he may sign, and the record says on what conditions
    page = calder.goto(signoff_url)
    expect(page.get_by_text(re.compile("has permitted you to sign"))).to_be_visible()
    approve_by_keyboard(calder)
    expect(page.get_by_role("status")).to_contain_text(
        "Sign-off recorded for Calder Valley Council"
    )

    p = proposer.goto(url)
    expect(p.get_by_text("Ready for decision").first).to_be_visible()
    table = p.get_by_role("region", name="Partner sign-off")
    for organisation in (
        "Calder Valley Council",
        "Calder Rural Primary Care Network",
        "Northmere and Calder VCSE Alliance",
    ):
        expect(table.get_by_role("row").filter(has_text=organisation)).to_contain_text("Approved")
    proposer.shot("2-proposal-ready-for-decision")


# --- (5) a member of the public: portal, public pack, iCal feed (keyboard only) ----------


def test_5_public_portal_pack_and_calendar_by_keyboard(people):
    import io

    from pypdf import PdfReader

    public = people(None)
    page = public.goto("/public/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("meetings")
    public.shot("5-public-portal")

    # the decision register, then back to the portal
    public.key_activate(page.get_by_role("main").get_by_role("link", name="Decision register"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decision")
    expect(page.get_by_text("Winter discharge to assess beds").first).to_be_visible()
    public.shot("5-public-decision-register")
    page.go_back()
    public.checked()

    # the board's forthcoming meeting: its agenda, Part 2 shown only with its reason
    board = page.get_by_role("heading", name="NHS Northmere and Calder ICB Board", level=2)
    public.key_activate(board.locator("xpath=following::a[1]"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Board meeting in public")
    agenda = page.get_by_role("table").first
    expect(agenda).to_contain_text("Winter plan 2026/27")
    expect(agenda).to_contain_text("Confidential item — exempt under commercial interests")
    expect(page.get_by_text("ZEBRA")).to_have_count(0)
    public.shot("5-public-meeting")

    # the public pack opens in the browser; it is the published PDF
    pack = page.get_by_role("link", name=re.compile(r"Full pack, version \d+"))
    label = pack.locator("xpath=..").inner_text()  # "Full pack, version 1 (PDF, 22 pages, …)"
    public.key_activate(pack)
    response = page.request.get(page.url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    pages = int(re.search(r"(\d+) pages", label).group(1))
    assert len(reader.pages) == pages
    text = "\n".join(p.extract_text() or "" for p in reader.pages[:3])
    assert "Board meeting in public" in text
    assert "Winter plan 2026/27" in text
    page.go_back()
    public.checked()

    # the calendar feed, from the portal
    public.goto("/public/")
    calendar = page.get_by_role("link", name=re.compile("Meetings calendar"))
    public.tab_to(calendar)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    ics = download.value.path().read_text()
    assert ics.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY:" in ics and "Board meeting in public" in ics
    assert "DTSTART;TZID=Europe/London:" in ics or re.search(r"DTSTART:\d{8}T\d{6}Z", ics)


# --- (6) an auditor opens a decision's history and exports the register -------------------


def test_6_auditor_reads_a_decision_history_and_exports(people):
    import csv
    import io

    auditor = people("icb.auditor")
    page = auditor.page
    auditor.click(page.get_by_role("navigation").get_by_role("link", name="Decisions").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision register")
    auditor.click(page.get_by_role("link", name="DEC-2026-0001"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Winter discharge to assess beds")
    expect(page.get_by_text("The Finance and Performance Committee").first).to_be_visible()
    signoffs = page.get_by_role("table").first
    for organisation in (
        "Calder Community and Mental Health NHS Trust",
        "Northmere Hospitals NHS Foundation Trust",
        "Northmere Metropolitan Borough Council",
    ):
        expect(signoffs.get_by_role("row").filter(has_text=organisation)).to_contain_text(
            "Approved"
        )
    auditor.shot("6-decision-register-entry")

    # the whole history, read-only: no action is offered to an auditor
    auditor.click(page.get_by_role("link", name=re.compile("full timeline")))
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Raised as a draft")
    expect(timeline).to_contain_text("Submitted for secretariat review")
    expect(timeline).to_contain_text(re.compile("Signed off|sign-off", re.I))
    expect(page.get_by_role("link", name="Edit the proposal")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Withdraw|Accept|Return"))).to_have_count(0)
    auditor.shot("6-decision-timeline")

    # the register as CSV, the same entries
    page.go_back()
    page.go_back()
    auditor.checked()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the register as CSV")).click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    references = {row.get("Reference") or next(iter(row.values())) for row in rows}
    assert "DEC-2026-0001" in references
    listed = page.get_by_role("table").last.get_by_role("row").count() - 1
    assert len(rows) == listed

    # and the audit trail, newest first
    auditor.goto("/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.get_by_role("table").first).to_contain_text("Signed off")
    auditor.shot("6-audit-trail")


# --- (7) the pool manager commits an allocation and reads the fund chart ------------------


def fund_committed(person) -> str:
    page = person.page
    position = page.get_by_text(re.compile(r"^Committed$")).first.locator("xpath=..")
    return re.search(r"£[\d,]+", position.inner_text()).group(0)


def decide_at_place_meeting(secretariat, reference: str) -> None:
    """The Northmere place partnership meets now and approves ``reference`` by consensus."""
    import datetime
    from zoneinfo import ZoneInfo

    now = datetime.datetime.now(ZoneInfo("Europe/London")) - datetime.timedelta(minutes=10)
    committee = "Northmere Place Partnership Board"
    meeting_url = call_meeting(secretariat, "Place partnership meeting", now, committee)
    table_for_decision(secretariat, meeting_url, reference)
    page = secretariat.goto(meeting_url)
    secretariat.click(page.get_by_role("link", name="Run the meeting"))
    attendance = page.get_by_role("table", name="Attendance of the members")
    for radio in attendance.get_by_role("radio", name=re.compile(": Present$")).all():
        radio.check()
    secretariat.click(page.get_by_role("button", name="Record attendance"))
    expect(page.get_by_text(re.compile(r"Quorum: quorate")).first).to_be_visible()
    secretariat.click(page.get_by_role("link", name=re.compile(re.escape(reference))).first)
    page.get_by_label(re.compile("^Outcome")).select_option(label="Approved")
    page.get_by_label(re.compile("^Resolution")).fill(
        "The partnership approves the allocation for Disabled Facilities Grant adaptations."
    )
    secretariat.click(page.get_by_role("button", name="Record the decision"))
    expect(page.get_by_text(re.compile("Approved")).first).to_be_visible()
    secretariat.close()


def test_7_pool_manager_commits_an_allocation_and_reads_the_fund_chart(people):
    manager = people("icb.member")
    page = manager.page
    manager.click(page.get_by_role("navigation").get_by_role("link", name="Funds").first)
    manager.click(page.get_by_role("link", name=re.compile("Northmere Better Care Fund")).first)
    chart = page.get_by_role("img", name=re.compile("Fund position per partner"))
    expect(chart).to_be_visible()
    before_chart = chart.get_attribute("aria-labelledby") and chart.evaluate("el => el.textContent")
    before = fund_committed(manager)
    after = f"£{int(before[1:].replace(',', '')) + 900_000:,}"
    manager.shot("7-fund-before")

    # the pool manager accepts the request from My tasks
    manager.click(page.get_by_role("navigation").get_by_role("link", name="My tasks").first)
    manager.click(page.get_by_role("link", name=re.compile("ALLOC-2026-0006")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("£900,000")
    expect(page.get_by_text("ALLOC-2026-0006").first).to_be_visible()
    page.get_by_label("Accept: send to the partners for sign-off").check()
    manager.click(page.get_by_role("button", name="Record the review"))
    expect(page.get_by_text(re.compile("sign-off", re.I)).first).to_be_visible()

    # the fund's partners sign it off; the last sign-off commits it
    for username in ("icb.signatory", "northmere.signatory", "mh.signatory"):
        signatory = people(username)
        s = signatory.page
        signatory.click(s.get_by_role("navigation").get_by_role("link", name="My tasks").first)
        row = s.get_by_role("row").filter(has_text="ALLOC-2026-0006")
        signatory.click(row.get_by_role("link").last)
        s.get_by_role("radio", name="Approve").check()
        signatory.click(s.get_by_role("button", name="Record the sign-off"))
        expect(s.get_by_role("status")).to_contain_text("Sign-off recorded")
        signatory.close()

    allocation = manager.goto(page.url.split("?")[0])
    if allocation.get_by_text("Awaiting the committee's decision").count():
        # a fund hosted at place: its place partnership decides at a meeting
        decide_at_place_meeting(people("icb.secretariat"), "ALLOC-2026-0006")
        allocation = manager.goto(page.url.split("?")[0])
    expect(allocation.get_by_text("Committed", exact=True).first).to_be_visible()
    manager.shot("7-allocation-committed")

    # the fund's position and chart now show it
    manager.click(
        allocation.get_by_role("link", name=re.compile("Northmere Better Care Fund")).first
    )
    assert fund_committed(manager) == after
    chart = page.get_by_role("img", name=re.compile("Fund position per partner"))
    expect(chart).to_be_visible()
    assert chart.evaluate("el => el.textContent") != before_chart
    table = page.get_by_role("table", name=re.compile("Fund position per partner"))
    expect(table.get_by_role("row").filter(has_text="Fund total")).to_contain_text(after)
    manager.shot("7-fund-after")


# --- (3) the secretariat builds an agenda, tables, approves papers, generates packs -------


def sign_off(person, title: str) -> None:
    page = person.goto("/inbox/")
    row = page.get_by_role("row").filter(has_text=title)
    person.click(row.get_by_role("link").last)
    page.get_by_role("radio", name="Approve").check()
    person.click(page.get_by_role("button", name="Record the sign-off"))
    expect(page.get_by_role("status")).to_contain_text("Sign-off recorded")


def escalate_risk(person, risk_path: str) -> str:
    """Record a review that takes the risk's current score above its appetite."""
    page = person.goto(risk_path)
    reference = re.search(r"RISK-\d{4}-\d{4}", page.get_by_role("main").inner_text())
    page.get_by_label("Current likelihood").select_option("5")
    page.get_by_label("Current consequence").select_option("5")
    page.get_by_label("What the review found").fill(
        "Agency spend has doubled since October; the controls are not holding."
    )
    person.click(page.get_by_role("button", name="Record the review"))
    return reference.group(0)


def word_paper() -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_heading("Community diagnostic centre: second CT scanner", level=1)
    document.add_paragraph("The board is asked to approve the business case.")
    document.add_heading("Background", level=2)
    document.add_paragraph("Waits for CT scans exceed six weeks for 1,240 patients.")
    for point in ("Capital £1.1m from the system envelope", "Revenue £400,000 a year"):
        document.add_paragraph(point, style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Year", "Scans"), ("2027/28", "14,600")), strict=True):
        row.cells[0].text, row.cells[1].text = cells
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_3_secretariat_builds_agenda_tables_approves_generates_and_publishes(people, tmp_path):
    import datetime
    import io

    from pypdf import PdfReader

    title = "Community diagnostic centre: second CT scanner"
    proposer = people("icb.member")
    url = raise_proposal(
        proposer,
        title=title,
        summary="A second CT scanner at the community diagnostic centre in Calder.",
        value="1500000.00",
        kind="Commissioning and contract award",
        binds=["Northmere Hospitals NHS Foundation Trust"],
    )
    secretariat = people("icb.secretariat")
    accept_proposal(secretariat, url)
    sign_off(people("acute.signatory"), title)
    risk = escalate_risk(secretariat, "/risks/2/")

    # a new meeting of the board, three days away (so its papers publish at once)
    day = datetime.date.today() + datetime.timedelta(days=3)
    start = datetime.datetime.combine(day, datetime.time(14, 0))
    meeting_url = call_meeting(secretariat, "Extraordinary board meeting in public", start)
    page = secretariat.page

    # an item of its own, then the proposal and the escalated risk tabled for decision
    secretariat.click(page.get_by_role("link", name="Add an item"))
    page.get_by_label("Title", exact=True).fill("Urgent and emergency care recovery")
    page.get_by_label(re.compile("^Presenter")).fill("Amara Nwosu, Chief Executive")
    choose(page, "Purpose", "For assurance")
    page.get_by_label("Duration minutes").fill("20")
    secretariat.click(page.get_by_role("button", name="Save"))
    for what in (title, risk):
        table_for_decision(secretariat, meeting_url, what)
    agenda = page.get_by_role("table").first
    expect(agenda).to_contain_text(title)
    expect(agenda).to_contain_text(risk)
    expect(agenda).to_contain_text("Urgent and emergency care recovery")
    secretariat.shot("3-agenda-built")

    # the proposal's paper: commissioned from the proposer, who uploads it from Word
    item = page.get_by_role("row").filter(has_text=title)
    secretariat.click(item.get_by_role("link", name=re.compile("paper for item")))
    paper_url = page.url
    page.get_by_label("Author").select_option(label="Grace Lund")
    secretariat.click(page.get_by_role("button", name="Commission the paper"))
    author = proposer.goto(paper_url)
    docx = tmp_path / "ct-scanner-paper.docx"
    docx.write_bytes(word_paper())
    author.get_by_label("Upload the paper from Word").set_input_files(str(docx))
    proposer.click(author.get_by_role("button", name="Upload the Word document"))
    expect(author.get_by_role("status")).to_contain_text("ct-scanner-paper.docx")
    editor = next(f for f in author.frames if f.get_by_role("heading", name="Background").count())
    expect(editor.get_by_role("cell", name="14,600")).to_be_visible()
    proposer.shot("3-paper-from-word")
    proposer.click(author.get_by_role("button", name="Submit to the secretariat"))
    page = secretariat.goto(paper_url)
    secretariat.click(page.get_by_role("button", name="Approve for the pack"))
    expect(page.get_by_text(re.compile("Approved", re.I)).first).to_be_visible()

    # both packs, watched as they render; then the public page has the public pack
    page = secretariat.goto(meeting_url)
    secretariat.click(page.get_by_role("button", name="Generate packs"))
    # the click returns at once: the packs render off the request, the page follows them
    summary = page.get_by_role("status").filter(has_text=re.compile(r"packs"))
    expect(summary).to_have_text("Generating 2 packs")
    secretariat.shot("3-packs-generating")
    loads = len(secretariat.loads)  # pages shown so far: the rest must come without a reload
    values, messages = set(), set()
    deadline = time.monotonic() + 180
    while summary.inner_text().strip() != "2 packs ready":
        assert time.monotonic() < deadline, (summary.inner_text(), values, messages)
        values.update(
            int(v) for v in page.locator("progress").evaluate_all("bars => bars.map(b => b.value)")
        )
        messages.update(page.locator(".app-job__message").all_inner_texts())
        page.wait_for_timeout(200)
    assert any(0 < v < 100 for v in values), values  # it rose while we watched
    assert any(re.search(r"\(\d+%\)", m) for m in messages), messages
    expect(page.get_by_role("link", name="Download Members' pack (PDF)")).to_be_visible()
    expect(page.get_by_role("link", name="Download Public pack (PDF)")).to_be_visible()
    # the "Packs issued" table and the agenda's page numbers follow, without a reload
    issued = page.locator("#pack-versions[data-refreshed='1']")
    for variant in ("Members", "Public"):
        link = issued.get_by_role("link", name=re.compile(rf"PDF\s*: {variant}.*version 1"))
        expect(link).to_be_visible()
    expect(page.locator("#agenda-region[data-refreshed='1']")).to_contain_text(
        "Page numbers are those of the members' pack, version 1"
    )
    assert len(secretariat.loads) == loads, secretariat.loads[loads:]
    secretariat.shot("3-packs-ready")
    response = page.request.get(
        page.get_by_role("link", name="Download Members' pack (PDF)").get_attribute("href")
    )
    assert response.ok and response.body().startswith(b"%PDF-")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.body())).pages)
    for words in (title, "Background", "Capital £1.1m from the system envelope", "14,600", risk):
        assert words in text, words  # the Word paper's heading, list and table are in the pack

    public = people(None)
    p = public.goto(meeting_url.replace("/meetings/", "/public/meetings/"))
    expect(p.get_by_role("heading", level=1)).to_contain_text("Extraordinary board meeting")
    expect(p.get_by_role("link", name=re.compile(r"Full pack, version 1"))).to_be_visible()
    expect(p.get_by_role("table").first).to_contain_text(title)
    public.shot("3-published")


# --- (4) the meeting: attendance, quorum, declarations, named votes, minutes ---------------


def test_4_meeting_attendance_quorum_declarations_votes_minutes(people):
    import datetime
    from zoneinfo import ZoneInfo

    title = "Calder crisis line: 24-hour extension"
    proposer = people("icb.member")
    url = raise_proposal(
        proposer,
        title=title,
        summary="Extend the Calder mental health crisis line to 24 hours, seven days a week.",
        value="1500000.00",
        kind="Commissioning and contract award",
        binds=["Calder Community and Mental Health NHS Trust"],
    )
    secretariat = people("icb.secretariat")
    accept_proposal(secretariat, url)
    sign_off(people("mh.signatory"), title)
    # the board meets now (it began ten minutes ago) with the proposal on its agenda
    now = datetime.datetime.now(ZoneInfo("Europe/London")) - datetime.timedelta(minutes=10)
    meeting_url = call_meeting(secretariat, "Board meeting in public (urgent)", now)
    table_for_decision(secretariat, meeting_url, title)
    page = secretariat.goto(meeting_url)
    secretariat.click(page.get_by_role("link", name="Run the meeting"))
    # the register of interests is tested against the item's parties
    secretariat.click(page.get_by_role("button", name=re.compile("Test the register of interests")))
    expect(page.get_by_text(re.compile("Quorum: not quorate")).first).to_be_visible()

    # attendance: the chair, executives and non-executives present; one apology, one absent
    absent = {"Laura Quinn": "Apologies", "Ben Ward": "Absent"}
    attendance = page.get_by_role("table", name="Attendance of the members")
    names = [h.inner_text().split(" (")[0] for h in attendance.get_by_role("rowheader").all()]
    for name in names:
        attendance.get_by_role("radio", name=f"{name}: {absent.get(name, 'Present')}").check()
    secretariat.click(page.get_by_role("button", name="Record attendance"))
    expect(page.get_by_text(re.compile(r"Quorum: quorate")).first).to_be_visible()
    secretariat.shot("4-attendance-quorate")

    # the declared interest on the proposal: the chair excludes him from the item
    secretariat.click(page.get_by_role("link", name=re.compile(re.escape(title))))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.get_by_text("Awaiting the chair's decision.")).to_be_visible()
    decides = page.get_by_role("group", name="The chair decides for this item")
    decides.get_by_role("radio", name="Leaves the room (no discussion, no vote)").check()
    decides.get_by_role("textbox").fill(
        "Kofi Mensah left the room for this item as Chief Executive of a party to it."
    )
    secretariat.click(page.get_by_role("button", name="Record the chair's decision"))
    expect(page.get_by_text(re.compile("Leaves the room")).first).to_be_visible()

    # discussion, then named votes: the excluded member has no vote
    page.get_by_label(re.compile("^Discussion")).fill(
        "The board discussed call volumes overnight and the staffing of the extended line."
    )
    secretariat.click(page.get_by_role("button", name="Save", exact=True))
    votes = page.get_by_role("table", name="Named votes")
    expect(votes.get_by_role("row").filter(has_text="Kofi Mensah")).to_contain_text(
        re.compile("Does not vote", re.I)
    )
    voters = [
        row.get_by_role("rowheader").inner_text()
        for row in votes.get_by_role("row").all()[1:]
        if row.get_by_role("radio").count()
    ]
    assert len(voters) >= 4, voters
    for n, name in enumerate(voters):
        vote = "Against" if n == len(voters) - 1 else "For"
        votes.get_by_role("radio", name=re.compile(f"^{re.escape(name)}.*{vote}$")).check()
    page.get_by_label(re.compile("^Resolution")).fill(
        "The board approves the extension of the crisis line to 24 hours."
    )
    secretariat.click(page.get_by_role("button", name="Record the decision"))
    expect(page.get_by_text(re.compile(r"Approved", re.I)).first).to_be_visible()
    expect(
        page.get_by_text(re.compile(rf"For:? {len(voters) - 1}|{len(voters) - 1} for", re.I)).first
    ).to_be_visible()
    secretariat.shot("4-named-votes")

    # close the meeting (it asks first), then the draft minutes record it all
    secretariat.goto(meeting_url)
    secretariat.click(page.get_by_role("link", name="Run the meeting"))
    secretariat.click(
        page.get_by_role("link", name=re.compile("Close the meeting"))
        .or_(page.get_by_role("button", name=re.compile("Close the meeting")))
        .first
    )
    secretariat.click(page.get_by_role("button", name=re.compile("Close the meeting")))
    expect(page.get_by_text(re.compile("held", re.I)).first).to_be_visible()
    secretariat.goto(meeting_url)
    secretariat.click(page.get_by_role("link", name="Minutes").first)
    draft = page.get_by_role("button", name=re.compile("Draft the minutes"))
    if draft.count():
        secretariat.click(draft)
    minutes = page.get_by_role("main")
    expect(minutes).to_contain_text(title)
    expect(minutes).to_contain_text("Kofi Mensah")
    expect(minutes).to_contain_text(re.compile("left the room|Leaves the room", re.I))
    expect(minutes).to_contain_text("The board approves the extension")
    expect(minutes).to_contain_text(voters[-1])
    secretariat.shot("4-minutes")
