"""Changes to who holds which role in a plan and who is linked to which lead, from the people
page: each atomic, permission first, and each writing its line of the plan's audit trail
(`PeopleChange`; plan roles keep their own history rows as well, with who made the change)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from improvement.models import Lead, PeopleChange, Plan, PlanRole
from improvement.people_selectors import person_display, plan_people
from improvement.permissions import can_manage_people

NOT_ALLOWED = "Only the plan's improvement leads change its people."
NOT_OF_PLAN = "This person is not one of the plan's people: invite them first."
ROLE_HELD = "%(person)s is already %(role)s of this plan."
ROLE_NOT_HELD = "%(person)s is not %(role)s of this plan."
LAST_IMPROVEMENT_LEAD = (
    "%(person)s is the plan's only improvement lead, and a plan needs one to manage its people, "
    "sign off its actions and issue its packs: make someone else improvement lead first."
)
LEAD_OF_OTHER_COUNCIL = "That lead is not one of %(authority)s's leads."
LEAD_LINKED = "%(person)s is already linked to %(lead)s."
LEAD_NOT_LINKED = "%(person)s is not linked to %(lead)s."

ROLE_GIVEN = "%(person)s is now %(role)s of this plan."
ROLE_REMOVED = "%(person)s is no longer %(role)s of this plan."
LEAD_LINK_MADE = "%(person)s is now linked to %(lead)s."
LEAD_LINK_REMOVED = "%(person)s is no longer linked to %(lead)s."


def record_change(
    *, plan: Plan, by, person=None, person_name: str = "", text: str, at=None
) -> PeopleChange:
    """`person` None with `person_name` an address: someone invited who has no account yet."""
    return PeopleChange.objects.create(
        plan=plan,
        at=at or timezone.now(),
        by=by,
        person=person,
        person_name=person_display(person) if person is not None else person_name,
        text=text,
    )


def _check(*, plan: Plan, by, person) -> None:
    if not can_manage_people(by, plan):
        raise PermissionDenied(NOT_ALLOWED)
    if not plan_people(plan).filter(pk=person.pk).exists():
        raise ValidationError(NOT_OF_PLAN, code="not_of_plan")


def role_words(role: str) -> str:
    label = PlanRole.Role(role).label
    return f"an {label.lower()}" if label[0] in "AEIOU" else f"a {label.lower()}"


def _words(message: str, *, person, **params) -> str:
    return message % {"person": person_display(person), **params}


def give_role(*, plan: Plan, person, role: str, by) -> PlanRole:
    """Also the grant an accepted invitation makes, with `by` the invitation's sender."""
    with transaction.atomic():
        _check(plan=plan, by=by, person=person)
        return write_role(plan=plan, person=person, role=role, by=by)


def write_role(*, plan: Plan, person, role: str, by, text: str | None = None) -> PlanRole:
    """The grant itself, for callers that have asked permission (or accept an invitation)."""
    if PlanRole.objects.filter(plan=plan, user=person, role=role).exists():
        raise ValidationError(
            _words(ROLE_HELD, person=person, role=role_words(role)), code="role_held"
        )
    granted = PlanRole(plan=plan, user=person, role=role)
    granted._history_user = by
    granted.save()
    record_change(
        plan=plan,
        by=by,
        person=person,
        text=text or f"Given the role {PlanRole.Role(role).label.lower()}",
    )
    return granted


@transaction.atomic
def remove_role(*, plan: Plan, person, role: str, by) -> None:
    _check(plan=plan, by=by, person=person)
    # Locked in a fixed order, so two leads removing each other's role cannot both succeed.
    leads = list(
        PlanRole.objects.select_for_update()
        .filter(plan=plan, role=PlanRole.Role.IMPROVEMENT_LEAD)
        .order_by("pk")
    )
    held = PlanRole.objects.filter(plan=plan, user=person, role=role).first()
    if held is None:
        raise ValidationError(
            _words(ROLE_NOT_HELD, person=person, role=role_words(role)), code="role_not_held"
        )
    if role == PlanRole.Role.IMPROVEMENT_LEAD and len(leads) <= 1:
        raise ValidationError(
            _words(LAST_IMPROVEMENT_LEAD, person=person), code="last_improvement_lead"
        )
    held._history_user = by
    held.delete()
    record_change(
        plan=plan,
        by=by,
        person=person,
        text=f"No longer {PlanRole.Role(role).label.lower()}",
    )


def _lead_of_plan(plan: Plan, lead: Lead) -> None:
    if lead.authority_id != plan.authority_id:
        raise ValidationError(
            LEAD_OF_OTHER_COUNCIL % {"authority": plan.authority}, code="lead_of_other_authority"
        )


@transaction.atomic
def link_lead(*, plan: Plan, person, lead: Lead, by) -> None:
    _check(plan=plan, by=by, person=person)
    write_lead_link(plan=plan, person=person, lead=lead, by=by)


def write_lead_link(*, plan: Plan, person, lead: Lead, by, text: str | None = None) -> None:
    """The link itself, for callers that have asked permission (or accept an invitation)."""
    _lead_of_plan(plan, lead)
    if lead.users.filter(pk=person.pk).exists():
        raise ValidationError(
            _words(LEAD_LINKED, person=person, lead=lead.name), code="lead_linked"
        )
    lead.users.add(person)
    record_change(plan=plan, by=by, person=person, text=text or f"Linked to the lead {lead}")


@transaction.atomic
def unlink_lead(*, plan: Plan, person, lead: Lead, by) -> None:
    _check(plan=plan, by=by, person=person)
    _lead_of_plan(plan, lead)
    if not lead.users.filter(pk=person.pk).exists():
        raise ValidationError(
            _words(LEAD_NOT_LINKED, person=person, lead=lead.name), code="lead_not_linked"
        )
    lead.users.remove(person)
    # The lead's actions stay with the lead: the person only stops acting for it.
    record_change(plan=plan, by=by, person=person, text=f"No longer linked to the lead {lead}")
