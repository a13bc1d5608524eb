"""Forms of the secretariat's pages. Forms only parse input; services validate and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.templatetags.static import PrefixNode

from governance.forms import add_service_errors
from governance.meetings.models import (
    COVER_FIELDS,
    ActionStatus,
    Committee,
    CommitteeKind,
    CommitteeRole,
    Handling,
    Outcome,
    Part,
    Purpose,
    Session,
)
from governance.organisations.models import Organisation

NED_OR_CHAIR = "non_executive|chair|vice_chair"
DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# one shared helper puts a service's ValidationError next to the fields it names
apply_errors = add_service_errors


def people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class CommitteeForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=CommitteeKind.choices)
    organisation = forms.ModelChoiceField(
        Organisation.objects.filter(is_active=True), label="Host organisation"
    )
    terms_of_reference = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    quorum_min_members = forms.IntegerField(
        min_value=1, required=False, label="Quorum: at least this many voting members"
    )
    quorum_fraction = forms.DecimalField(
        min_value=0,
        max_value=1,
        decimal_places=3,
        required=False,
        label="Quorum: at least this fraction of voting members (e.g. 0.5)",
    )
    required_executive = forms.IntegerField(
        min_value=0, required=False, initial=0, label="…including at least this many executives"
    )
    required_non_executive = forms.IntegerField(
        min_value=0,
        required=False,
        initial=0,
        label="…and at least this many non-executives",
    )
    chair_counts_as_non_executive = forms.BooleanField(
        required=False,
        initial=True,
        label="The chair and vice-chair count as non-executive members for the quorum",
    )
    chair_has_casting_vote = forms.BooleanField(required=False, initial=True)
    place = forms.CharField(
        max_length=100, required=False, label="Place (for a place-based partnership)"
    )
    organisations = forms.ModelMultipleChoiceField(
        Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Member organisations",
        help_text="The partners of an ICP; a place's local authority and providers; the "
        "parties to a joint committee.",
    )
    bodies = forms.ModelMultipleChoiceField(
        Committee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Bodies meeting in common (committees in common only)",
    )
    quorum_each_organisation = forms.TypedChoiceField(
        choices=[
            ("", "As the kind of committee says (joint committees: yes)"),
            ("yes", "Yes"),
            ("no", "No"),
        ],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        label="Quorum needs a member from each member organisation",
    )
    majority_fraction = forms.DecimalField(
        min_value=0,
        max_value=1,
        decimal_places=3,
        required=False,
        label="Majority needed: this fraction of the votes cast (empty: simple majority)",
    )
    papers_due_days = forms.IntegerField(min_value=0, initial=10, label="Papers due (days before)")
    publication_clear_days = forms.IntegerField(
        min_value=0, initial=5, label="Public papers published (clear days before)"
    )

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Committee.objects.filter(is_active=True).exclude(
            kind=CommitteeKind.COMMITTEES_IN_COMMON
        )
        if committee is not None:
            bodies = bodies.exclude(pk=committee.pk)
        self.fields["bodies"].queryset = bodies.order_by("name")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisations"] = list(data.get("organisations") or [])
        data["bodies"] = list(data.get("bodies") or [])
        roles = {}
        chair_too = data.pop("chair_counts_as_non_executive", False)
        for role in ("executive", "non_executive"):
            n = data.pop(f"required_{role}", 0) or 0
            if n:
                key = NED_OR_CHAIR if role == "non_executive" and chair_too else role
                roles[key] = n
        data["quorum_required_roles"] = roles
        return data

    @staticmethod
    def initial_from(committee) -> dict:
        roles = committee.quorum_required_roles or {}
        ned = roles.get(NED_OR_CHAIR, roles.get("non_executive", 0))
        return {
            "name": committee.name,
            "kind": committee.kind,
            "organisation": committee.organisation_id,
            "terms_of_reference": committee.terms_of_reference,
            "quorum_min_members": committee.quorum_min_members,
            "quorum_fraction": committee.quorum_fraction,
            "required_executive": roles.get("executive", 0),
            "required_non_executive": ned,
            "chair_counts_as_non_executive": NED_OR_CHAIR in roles or not roles,
            "chair_has_casting_vote": committee.chair_has_casting_vote,
            "papers_due_days": committee.papers_due_days,
            "publication_clear_days": committee.publication_clear_days,
            "place": committee.place,
            "organisations": list(committee.organisations.values_list("pk", flat=True)),
            "bodies": list(committee.bodies.values_list("pk", flat=True)),
            "quorum_each_organisation": {True: "yes", False: "no"}.get(
                committee.quorum_each_organisation, ""
            ),
            "majority_fraction": committee.majority_fraction,
        }


class MemberForm(forms.Form):
    user = PersonChoice(queryset=people(), label="Person")
    organisation = forms.ModelChoiceField(Organisation.objects.filter(is_active=True))
    role = forms.ChoiceField(choices=CommitteeRole.choices)
    title = forms.CharField(max_length=200, required=False, label="Title (e.g. Chief Executive)")
    is_voting = forms.BooleanField(required=False, initial=True, label="Voting member")
    valid_from = forms.DateField(widget=DATE, label="From")
    valid_to = forms.DateField(widget=DATE, required=False, label="To (last day)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people()


class MemberEditForm(MemberForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["user"]


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    start = forms.DateTimeField(widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    location = forms.CharField(max_length=300, required=False, label="Place")
    online_link = forms.URLField(required=False, assume_scheme="https")
    session = forms.ChoiceField(choices=Session.choices)
    papers_due_on = forms.DateField(
        required=False,
        widget=DATE,
        label="Papers due by (optional)",
        help_text="The pack date. Leave blank for the committee's rule (a number of days "
        "before the meeting). Papers submitted after it are marked late.",
    )


class ItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    presenter = forms.CharField(max_length=200, required=False)
    purpose = forms.ChoiceField(choices=Purpose.choices)
    part = forms.TypedChoiceField(choices=Part.choices, coerce=int)
    exemption_reason = forms.CharField(
        max_length=300, required=False, label="Exemption reason (Part 2 only)"
    )
    duration_minutes = forms.IntegerField(min_value=1, max_value=480, initial=10)


class PaperCreateForm(forms.Form):
    author = PersonChoice(queryset=people())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = people()


RICH_TEXT_HINT = (
    "Headings, bulleted and numbered lists, tables, links to https:// addresses and "
    "pictures are kept; other formatting is removed when the paper is saved."
)


def rich_text_attrs(rows: int) -> dict:
    """A textarea that the rich-text editor (static/js/richtext.js) enhances when
    JavaScript runs; the elements it may produce come from the one sanitiser policy."""
    from governance.packs.sanitise import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

    elements = ",".join(
        f"{tag}[{'|'.join(sorted(ALLOWED_ATTRIBUTES[tag]))}]" if tag in ALLOWED_ATTRIBUTES else tag
        for tag in sorted(ALLOWED_TAGS)
    )
    return {
        "rows": rows,
        "data-rich-text": "paper",
        "data-valid-elements": elements,
        "data-editor-base": PrefixNode.handle_simple("STATIC_URL") + "tinymce",
    }


class PaperForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (*COVER_FIELDS, ("body", "The paper")):
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs=rich_text_attrs(12 if name == "body" else 4)),
                help_text=RICH_TEXT_HINT,
            )


class PaperDocxForm(forms.Form):
    document = forms.FileField(
        label="Upload the paper from Word",
        help_text="A .docx file. It replaces the text of the paper (the cover sheet is kept). "
        "Headings, lists, tables, links and pictures (PNG, JPEG or GIF, up to 2 MB each) "
        "are kept.",
    )
    replace = forms.BooleanField(
        required=False,
        label="Yes, replace the paper's current text with this document",
    )

    def __init__(self, *args, has_body: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_body = has_body
        if not has_body:
            del self.fields["replace"]

    def clean(self):
        data = super().clean()
        if self.has_body and not data.get("replace"):
            self.add_error("replace", "Confirm that the document replaces the current text.")
        return data


class AppendixForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    file = forms.FileField(label="PDF file")


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class GuestForm(forms.Form):
    name = forms.CharField(max_length=200)
    capacity = forms.CharField(max_length=200, required=False, label="Role / items attended")


class DeclarationAddForm(forms.Form):
    person = PersonChoice(queryset=people())
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, people_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_qs if people_qs is not None else people()


class DeclarationDecideForm(forms.Form):
    handling = forms.ChoiceField(
        choices=Handling.choices, widget=forms.RadioSelect, label="The chair decides"
    )
    chair_decision = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="The chair's decision, as minuted (optional)",
    )


class DiscussionForm(forms.Form):
    discussion = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)


class DecisionForm(forms.Form):
    """The outcome (or "from the votes"), the resolution and a casting vote; the named
    votes are radio buttons ``vote-<member id>`` and, for committees in common, each
    body's outcome ``body-<id>-outcome`` and casting vote ``body-<id>-casting`` (see
    ``votes_from``)."""

    outcome = forms.ChoiceField(
        choices=[("", "— from the votes —"), *[c for c in Outcome.choices if c[0] != "split"]],
        required=False,
    )
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    casting_vote = forms.ChoiceField(
        choices=[("", "Not used"), ("for", "For"), ("against", "Against")], required=False
    )

    @staticmethod
    def votes_from(data) -> dict:
        """The named votes, body outcomes and casting votes posted with the form."""
        votes, outcomes, casting = {}, {}, {}
        for key, value in data.items():
            if key.startswith("vote-") and value:
                votes[key.removeprefix("vote-")] = value
            elif key.startswith("body-") and key.endswith("-outcome") and value:
                outcomes[key.removeprefix("body-").removesuffix("-outcome")] = value
            elif key.startswith("body-") and key.endswith("-casting") and value:
                casting[key.removeprefix("body-").removesuffix("-casting")] = value
        return {"votes": votes, "body_outcomes": outcomes, "casting_votes": casting}


class ActionForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    owner = PersonChoice(queryset=people())
    due_date = forms.DateField(widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    progress = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
