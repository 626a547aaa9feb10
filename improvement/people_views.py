"""The people of a plan, for its improvement leads: who holds which role and lead, who is
invited, and every change. GET renders; each POST calls one service and redirects."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from improvement import invitation_services, people_services
from improvement.models import Invitation, Plan, PlanRole
from improvement.people_forms import InviteForm, LeadChangeForm, RoleChangeForm
from improvement.people_selectors import people_page, person_changes, person_of_plan
from improvement.permissions import can_manage_people
from improvement.views import readable_plan

INVITATION_SENT = "An invitation to %(email)s as %(role)s is on its way."
INVITATION_REVOKED = "The invitation to %(email)s has been revoked: its link no longer works."
CHANGE_NOT_UNDERSTOOD = "Choose a role or lead, and whether to give or remove it."


def _managed_plan(request, slug) -> Plan:
    plan = readable_plan(request, slug)
    if not can_manage_people(request.user, plan):
        raise PermissionDenied
    return plan


def _person(plan: Plan, pk):
    person = person_of_plan(plan=plan, pk=pk)
    if person is None:
        raise Http404
    return person


@login_required
@require_safe
def people(request, slug):
    plan = _managed_plan(request, slug)
    return render(
        request, "improvement/people/people.html", {"plan": plan, "page": people_page(plan=plan)}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def people_invite(request, slug):
    plan = _managed_plan(request, slug)
    form = InviteForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_services.invite(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                INVITATION_SENT % {"email": invitation.email, "role": invitation.role_words()},
            )
            return redirect("improvement:people", slug=plan.slug)
    return render(
        request,
        "improvement/people/invite.html",
        {"plan": plan, "form": form, "invitation_days": settings.INVITATION_DAYS},
    )


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    plan = _managed_plan(request, slug)
    invitation = Invitation.objects.for_plan(plan).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    try:
        invitation_services.revoke_invitation(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, INVITATION_REVOKED % {"email": invitation.email})
    return redirect("improvement:people", slug=plan.slug)


@login_required
@require_safe
def person(request, slug, pk):
    plan = _managed_plan(request, slug)
    found = _person(plan, pk)
    held = {role.role for role in found.roles}
    return render(
        request,
        "improvement/people/person.html",
        {
            "plan": plan,
            "person": found,
            "roles_to_give": [choice for choice in PlanRole.Role if choice not in held],
            "lead_form": LeadChangeForm(plan=plan, initial={"change": "link"}),
            "changes": person_changes(plan=plan, person=found.user),
        },
    )


def _after_change(request, plan: Plan, found, change):
    """Run one service; its refusal is the message, and either way back to the person's page."""
    try:
        done = change()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return redirect(reverse("improvement:person", kwargs={"slug": plan.slug, "pk": found.user.pk}))


@login_required
@require_POST
def person_roles(request, slug, pk):
    plan = _managed_plan(request, slug)
    found = _person(plan, pk)
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, CHANGE_NOT_UNDERSTOOD)
        return redirect("improvement:person", slug=plan.slug, pk=found.user.pk)
    role, adding = form.cleaned_data["role"], form.cleaned_data["change"] == "add"
    words = {"person": found.name, "role": people_services.role_words(role)}

    def change():
        service = people_services.give_role if adding else people_services.remove_role
        service(plan=plan, person=found.user, role=role, by=request.user)
        return (people_services.ROLE_GIVEN if adding else people_services.ROLE_REMOVED) % words

    return _after_change(request, plan, found, change)


@login_required
@require_POST
def person_leads(request, slug, pk):
    plan = _managed_plan(request, slug)
    found = _person(plan, pk)
    form = LeadChangeForm(request.POST, plan=plan)
    if not form.is_valid():
        errors = form.errors.get("lead") or [CHANGE_NOT_UNDERSTOOD]
        messages.error(request, errors[0])
        return redirect("improvement:person", slug=plan.slug, pk=found.user.pk)
    lead, linking = form.cleaned_data["lead"], form.cleaned_data["change"] == "link"
    words = {"person": found.name, "lead": lead.name}

    def change():
        service = people_services.link_lead if linking else people_services.unlink_lead
        service(plan=plan, person=found.user, lead=lead, by=request.user)
        return (
            people_services.LEAD_LINK_MADE if linking else people_services.LEAD_LINK_REMOVED
        ) % words

    return _after_change(request, plan, found, change)
