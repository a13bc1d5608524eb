"""The seven journeys of the people who use the app, in headless chromium against the
demo ICS, asserting what each person sees (axe checks every page: see conftest.py).

Journeys 1, 2 and 5 are done with the keyboard only (Tab, Shift+Tab, Enter, Space,
arrow keys and typing): no mouse click anywhere in them.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect


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


def test_7_pool_manager_commits_an_allocation_and_reads_the_fund_chart(people):
    manager = people("icb.member")
    page = manager.page
    manager.click(page.get_by_role("navigation").get_by_role("link", name="Funds").first)
    manager.click(page.get_by_role("link", name=re.compile("Northmere Better Care Fund")).first)
    chart = page.get_by_role("img", name=re.compile("Fund position per partner"))
    expect(chart).to_be_visible()
    before_chart = chart.get_attribute("aria-labelledby") and chart.evaluate("el => el.textContent")
    before = fund_committed(manager)
    assert before == "£4,550,000"
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
    expect(allocation.get_by_text("Committed").first).to_be_visible()
    manager.shot("7-allocation-committed")

    # the fund's position and chart now show it
    manager.click(
        allocation.get_by_role("link", name=re.compile("Northmere Better Care Fund")).first
    )
    assert fund_committed(manager) == "£5,450,000"
    chart = page.get_by_role("img", name=re.compile("Fund position per partner"))
    expect(chart).to_be_visible()
    assert chart.evaluate("el => el.textContent") != before_chart
    table = page.get_by_role("table", name=re.compile("Fund position per partner"))
    expect(table.get_by_role("row").filter(has_text="Fund total")).to_contain_text("£5,450,000")
    manager.shot("7-fund-after")
