"""A paper's page: its cover sheet and body (written in the app), appendices, and the
secretariat's approval. The author may use it even if not on the committee."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from governance.audit.reads import record_read
from governance.meetings import policy, selectors, wordpaper
from governance.meetings.forms import (
    AppendixForm,
    PaperCreateForm,
    PaperDocxForm,
    PaperForm,
    ReasonForm,
)
from governance.meetings.models import COVER_FIELDS, AgendaItem, Paper, PaperAppendix, Part
from governance.meetings.services import papers
from governance.meetings.views.common import attempt, item_or_404

MAX_UPLOAD_READ = 64 * 1024 * 1024


def _paper_or_404(user, item_pk: int) -> tuple[AgendaItem, Paper | None]:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__committee"), pk=item_pk)
    paper = Paper.objects.filter(item=item).first()
    if paper is not None and paper.author_id == user.pk and user.is_active:
        return item, paper
    item = item_or_404(user, item_pk)
    return item, paper


def _render_paper(request, item, paper, *, form=None, docx_form=None, status=200):
    committee = item.meeting.committee
    can_manage = policy.can_manage(request.user, committee)
    can_edit = paper is not None and policy.can_edit_paper(request.user, paper)
    if can_edit and form is None:
        initial = {name: getattr(paper, name) for name, _ in (*COVER_FIELDS, ("body", ""))}
        form = PaperForm(initial=initial)
    if can_edit and docx_form is None:
        docx_form = PaperDocxForm(has_body=bool(paper.body))
    return render(
        request,
        "meetings/paper.html",
        {
            "item": item,
            "meeting": item.meeting,
            "paper": paper,
            "form": form if can_edit else None,
            "docx_form": docx_form if can_edit else None,
            "can_manage": can_manage,
            "can_edit": can_edit,
            # stored sanitised; cleaned again on the way out (idempotent) for defence in depth
            "sections": [
                (label, papers.clean(getattr(paper, name))) for name, label in COVER_FIELDS
            ]
            if paper
            else [],
            "body": papers.clean(paper.body) if paper else "",
            "create_form": PaperCreateForm(initial={"author": request.user.pk})
            if can_manage and paper is None
            else None,
            "appendix_form": AppendixForm() if can_edit else None,
            "return_form": ReasonForm() if can_manage else None,
            "due": selectors.papers_due_date(item.meeting),
            "confirm_yes": {"confirm": "yes"},
        },
        status=status,
    )


@login_required
def paper_page(request, pk):
    item, paper = _paper_or_404(request.user, pk)
    can_edit = paper is not None and policy.can_edit_paper(request.user, paper)
    if request.method != "POST":
        if paper is not None and item.part == Part.PRIVATE:
            record_read(user=request.user, target=paper, how="page", request=request)
        return _render_paper(request, item, paper)
    if not can_edit:
        raise PermissionDenied("You cannot edit this paper.")
    form = PaperForm(request.POST)
    if form.is_valid() and attempt(
        form, papers.paper_update, actor=request.user, paper=paper, **form.cleaned_data
    ):
        messages.success(request, "The paper was saved.")
        return redirect("meetings:paper", pk=item.pk)
    return _render_paper(request, item, paper, form=form)


@login_required
@require_POST
def paper_docx(request, pk):
    """Replace the paper's body with an uploaded Word document (.docx)."""
    item, paper = _paper_or_404(request.user, pk)
    if paper is None:
        raise Http404("This item has no paper.")
    if not policy.can_edit_paper(request.user, paper):
        raise PermissionDenied("You cannot edit this paper.")
    form = PaperDocxForm(request.POST, request.FILES, has_body=bool(paper.body))
    if form.is_valid():
        upload = form.cleaned_data["document"]
        data = upload.read(wordpaper.MAX_DOCX_BYTES + 1)
        converted = attempt(
            form,
            papers.paper_import_docx,
            actor=request.user,
            paper=paper,
            data=data,
            filename=upload.name,
        )
        if converted:
            note = ""
            if converted.images_left_out:
                note = (
                    f" {converted.images_left_out} picture(s) in a format a pack cannot show "
                    "(for example a Word drawing) were left out: insert them as PNG or JPEG."
                )
            messages.success(request, f"The paper's text was replaced with {upload.name}.{note}")
            return redirect("meetings:paper", pk=item.pk)
    return _render_paper(request, item, paper, docx_form=form)


@login_required
@require_POST
def paper_create(request, pk):
    item = item_or_404(request.user, pk, manage=True)
    form = PaperCreateForm(request.POST)
    if form.is_valid():
        try:
            papers.paper_create(actor=request.user, item=item, author=form.cleaned_data["author"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose the author.")
    return redirect("meetings:paper", pk=item.pk)


def _paper_action(request, pk, func, success, **kwargs):
    item, paper = _paper_or_404(request.user, pk)
    if paper is None:
        raise Http404("This item has no paper.")
    try:
        func(actor=request.user, paper=paper, **kwargs)
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meetings:paper", pk=item.pk)


@login_required
@require_POST
def paper_submit(request, pk):
    return _paper_action(request, pk, papers.paper_submit, "The paper was submitted.")


@login_required
@require_POST
def paper_approve(request, pk):
    return _paper_action(request, pk, papers.paper_approve, "The paper was approved for the pack.")


@login_required
@require_POST
def paper_return(request, pk):
    return _paper_action(
        request,
        pk,
        papers.paper_return,
        "The paper was returned to its author.",
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_POST
def appendix_add(request, pk):
    item, paper = _paper_or_404(request.user, pk)
    if paper is None:
        raise Http404("This item has no paper.")
    form = AppendixForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a PDF file to upload.")
        return redirect("meetings:paper", pk=item.pk)
    upload = form.cleaned_data["file"]
    data = upload.read(MAX_UPLOAD_READ)
    try:
        papers.appendix_add(
            actor=request.user,
            paper=paper,
            title=form.cleaned_data["title"],
            data=data,
            filename=upload.name,
        )
        messages.success(request, "The appendix was added.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meetings:paper", pk=item.pk)


@login_required
@require_POST
def appendix_remove(request, pk):
    appendix = get_object_or_404(PaperAppendix.objects.select_related("paper"), pk=pk)
    item, paper = _paper_or_404(request.user, appendix.paper.item_id)
    if not policy.can_edit_paper(request.user, paper):
        raise PermissionDenied("Only the paper's author or the secretariat can remove appendices.")
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing was removed: confirm that the appendix is to be removed.")
        return redirect("meetings:paper", pk=item.pk)
    try:
        papers.appendix_remove(actor=request.user, appendix=appendix)
        messages.success(request, "The appendix was removed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meetings:paper", pk=item.pk)


@login_required
def appendix_download(request, pk):
    appendix = get_object_or_404(PaperAppendix.objects.select_related("paper"), pk=pk)
    item, _paper = _paper_or_404(request.user, appendix.paper.item_id)
    try:
        handle = appendix.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    if item.part == Part.PRIVATE:
        record_read(user=request.user, target=appendix, how="download", request=request)
    return FileResponse(handle, filename=appendix.original_name, content_type="application/pdf")
