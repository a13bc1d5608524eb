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
