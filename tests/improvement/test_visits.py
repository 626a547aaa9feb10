"""Monitoring visits: an improvement lead records an Ofsted visit and its findings, links each
finding to the actions that answer it or makes an action from it; every reader of the plan sees
which findings no action answers yet, and nobody of another council sees anything."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement import visit_selectors, visit_services
from improvement.models import FindingResponse, PlanRole, ProgressUpdate, Status
from improvement.visit_views import NO_ACTION_YET
from inspections.models import Finding, MonitoringVisit
from tests import factories


@pytest.fixture
def visit(plan):
    return factories.MonitoringVisitFactory(
        plans=[plan], visited_on=datetime.date(2017, 1, 17), theme="Help and protection"
    )


@pytest.fixture
def findings(visit):
    return [
        factories.FindingFactory(visit=visit, reference="1", text="Supervision is irregular."),
        factories.FindingFactory(visit=visit, reference="2", text="Plans lack timescales."),
    ]


def visits_url(plan, **kwargs):
    name = "improvement:visit" if kwargs else "improvement:visits"
    return reverse(name, kwargs={"slug": plan.slug, **kwargs})


def finding_url(name, finding):
    return reverse(
        f"improvement:{name}",
        kwargs={
            "slug": finding.visit.plans.get().slug,
            "pk": finding.visit_id,
            "finding_pk": finding.pk,
        },
    )


def test_a_lead_records_a_visit_with_its_findings_on_one_form(client, improvement_lead, plan):
    client.force_login(improvement_lead)

    response = client.post(
        reverse("improvement:visit_new", kwargs={"slug": plan.slug}),
        {
            "kind": MonitoringVisit.Kind.OFSTED_MONITORING_VISIT,
            "visited_on": "14/03/2018",
            "theme": "Children in care",
            "inspectors": "Jane Inspector HMI",
            "letter_on": "10/04/2018",
            "findings": "Care plans are not reviewed on time.\n\nChildren's voices are heard.",
        },
    )

    visit = plan.visits().get()
    assert response.status_code == 302
    assert response.url == visits_url(plan, pk=visit.pk)
    assert visit.authority == plan.authority
    assert visit.visited_on == datetime.date(2018, 3, 14)
    assert [(f.reference, f.text) for f in visit.findings.all()] == [
        ("1", "Care plans are not reviewed on time."),
        ("2", "Children's voices are heard."),
    ]
    assert visit.history.get().history_user == improvement_lead
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.content.decode().count(NO_ACTION_YET) == 2


def test_a_lead_adds_a_finding_after_the_visit_numbered_after_the_last(
    client, improvement_lead, plan, findings
):
    recommendation = factories.RecommendationFactory(reference="7")
    plan.inspections.add(recommendation.inspection)
    client.force_login(improvement_lead)
    visit = findings[0].visit

    response = client.post(
        reverse("improvement:finding_new", kwargs={"slug": plan.slug, "pk": visit.pk}),
        {
            "kind": Finding.Kind.AREA_FOR_IMPROVEMENT,
            "text": "Return interviews are late.",
            "recommendation": recommendation.pk,
        },
    )

    added = visit.findings.get(text="Return interviews are late.")
    assert response.status_code == 302
    assert (added.reference, added.recommendation) == ("3", recommendation)


def test_a_finding_number_already_used_is_refused_beside_the_field(
    client, improvement_lead, plan, findings
):
    client.force_login(improvement_lead)
    visit = findings[0].visit
    response = client.post(
        reverse("improvement:finding_new", kwargs={"slug": plan.slug, "pk": visit.pk}),
        {"reference": "2", "kind": Finding.Kind.STRENGTH, "text": "Leaders know the service."},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reference"] == [
        visit_services.REFERENCE_TAKEN % {"reference": "2"}
    ]
    assert visit.findings.count() == 2


def test_a_lead_links_a_finding_to_an_action_and_the_link_says_who_and_when(
    client, improvement_lead, plan, findings, overdue_action
):
    client.force_login(improvement_lead)
    finding = findings[0]

    response = client.post(finding_url("finding_link", finding), {"actions": [overdue_action.pk]})

    assert response.status_code == 302
    link = FindingResponse.objects.get(finding=finding)
    assert (link.action, link.linked_by) == (overdue_action, improvement_lead)
    history = link.history.get()
    assert (history.history_type, history.history_user) == ("+", improvement_lead)
    page = client.get(visits_url(plan, pk=finding.visit_id)).content.decode()
    assert overdue_action.reference in page
    assert page.count(NO_ACTION_YET) == 1  # finding 2 only


def test_an_action_of_another_plan_cannot_answer_the_finding(
    improvement_lead, plan, findings, foreign_action
):
    with pytest.raises(ValidationError) as refused:
        visit_services.link_finding(
            plan=plan, finding=findings[0], by=improvement_lead, actions=[foreign_action]
        )
    assert visit_services.ACTION_OF_OTHER_PLAN in str(refused.value)
    assert not FindingResponse.objects.exists()


def test_a_lead_makes_a_new_action_from_a_finding(
    client, improvement_lead, plan, findings, theme, officer_lead
):
    client.force_login(improvement_lead)
    finding = findings[1]
    form = client.get(finding_url("finding_action_new", finding))
    assert form.context["form"].initial["reference"] == "MV1701-2"

    response = client.post(
        finding_url("finding_action_new", finding),
        {
            "reference": "MV1701-2",
            "text": "Every child's plan has timescales.",
            "theme": theme.pk,
            "lead": officer_lead.pk,
            "due_on": "30/06/2017",
        },
    )

    assert response.status_code == 302
    action = plan.actions.get(reference="MV1701-2")
    assert (action.status, action.lead, action.due_on) == (
        Status.NOT_STARTED,
        officer_lead,
        datetime.date(2017, 6, 30),
    )
    assert list(action.findings.all()) == [finding]
    update = ProgressUpdate.objects.get(action=action)
    assert update.commentary.startswith("Added to answer finding 2")
    assert action.history.get().history_user == improvement_lead
    assert list(visit_selectors.findings_without_action(plan)) == [findings[0]]


def test_a_new_action_with_a_reference_the_plan_has_is_refused_and_nothing_is_added(
    client, improvement_lead, plan, findings, theme, officer_lead, overdue_action
):
    client.force_login(improvement_lead)
    response = client.post(
        finding_url("finding_action_new", findings[0]),
        {
            "reference": overdue_action.reference,
            "text": "Again.",
            "theme": theme.pk,
            "lead": officer_lead.pk,
            "due_on": "30/06/2017",
        },
    )
    assert response.status_code == 200
    assert "reference" in response.context["form"].errors
    assert plan.actions.count() == 1
    assert not FindingResponse.objects.exists()


def test_findings_without_action_ignore_closed_actions_and_count_open_and_completed_ones(
    improvement_lead, plan, visit, officer_lead
):
    answered_open, answered_done, only_closed, none = (
        factories.FindingFactory(visit=visit, reference=ref) for ref in "1234"
    )
    for finding, status in (
        (answered_open, Status.IN_PROGRESS),
        (answered_done, Status.COMPLETE),
        (only_closed, Status.CLOSED),
    ):
        action = factories.ActionFactory(plan=plan, lead=officer_lead, status=status)
        visit_services.link_finding(
            plan=plan, finding=finding, by=improvement_lead, actions=[action]
        )

    assert list(visit_selectors.findings_without_action(plan)) == [only_closed, none]
    [row] = visit_selectors.plan_visits(plan)
    assert (row.finding_count, row.unanswered_count) == (4, 2)


def test_latest_visit_and_findings_since_a_date(plan, visit, findings):
    later = factories.MonitoringVisitFactory(plans=[plan], visited_on=datetime.date(2017, 6, 1))
    newer = factories.FindingFactory(visit=later, reference="1")
    assert visit_selectors.latest_visit(plan) == later
    assert list(visit_selectors.findings_since(plan, later.visited_on)) == [newer]


def test_the_unanswered_filter_lists_the_findings_with_no_action(
    client, chair, plan, findings, overdue_action, improvement_lead
):
    quiet = factories.MonitoringVisitFactory(plans=[plan], visited_on=datetime.date(2017, 5, 2))
    visit_services.link_finding(
        plan=plan, finding=findings[0], by=improvement_lead, actions=[overdue_action]
    )
    client.force_login(chair)

    response = client.get(visits_url(plan), {"unanswered": "on"})

    assert response.status_code == 200
    assert response.context["findings"] == [findings[1]]
    assert response.context["visits"] == [findings[1].visit]
    assert quiet not in response.context["visits"]
    assert not response.context["can_record"]


@pytest.mark.parametrize("who", ["chair", "officer"])
def test_readers_who_do_not_lead_the_plan_are_refused_every_write_and_nothing_changes(
    client, request, plan, findings, overdue_action, theme, officer_lead, who
):
    client.force_login(request.getfixturevalue(who))
    visit = findings[0].visit
    posts = {
        reverse("improvement:visit_new", kwargs={"slug": plan.slug}): {
            "kind": "dfe_review",
            "visited_on": "01/02/2017",
            "theme": "Leadership",
        },
        reverse("improvement:finding_new", kwargs={"slug": plan.slug, "pk": visit.pk}): {
            "kind": "strength",
            "text": "Good.",
        },
        finding_url("finding_link", findings[0]): {"actions": [overdue_action.pk]},
        finding_url("finding_action_new", findings[0]): {
            "reference": "X1",
            "text": "New.",
            "theme": theme.pk,
            "lead": officer_lead.pk,
            "due_on": "30/06/2017",
        },
    }
    for url, data in posts.items():
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert MonitoringVisit.objects.count() == 1
    assert Finding.objects.count() == 2
    assert not FindingResponse.objects.exists()
    assert plan.actions.count() == 1


def test_the_services_refuse_a_reader_who_does_not_lead_the_plan(chair, plan, findings):
    with pytest.raises(PermissionDenied):
        visit_services.record_visit(
            plan=plan, by=chair, kind="other", visited_on=datetime.date(2017, 1, 1), theme="x"
        )
    with pytest.raises(PermissionDenied):
        visit_services.add_finding(plan=plan, visit=findings[0].visit, by=chair, text="x")
    assert MonitoringVisit.objects.count() == 1
    assert Finding.objects.count() == 2


def test_another_councils_users_find_no_visit_page(
    client, plan, findings, foreign_officer, foreign_plan
):
    secretary = factories.UserFactory(username="foreign_secretary")
    factories.PlanRoleFactory(plan=foreign_plan, user=secretary, role=PlanRole.Role.BOARD_SECRETARY)
    visit = findings[0].visit
    urls = [
        visits_url(plan),
        visits_url(plan, pk=visit.pk),
        reverse("improvement:visit_new", kwargs={"slug": plan.slug}),
        reverse("improvement:finding_new", kwargs={"slug": plan.slug, "pk": visit.pk}),
        finding_url("finding_link", findings[0]),
        finding_url("finding_action_new", findings[0]),
    ]
    for user in (foreign_officer, secretary):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
        for url in urls[2:]:  # the pages that write
            assert client.post(url, {}).status_code == 404, url


def test_a_visit_of_the_plan_is_not_found_through_another_plan(
    client, improvement_lead, plan, findings
):
    other = factories.PlanFactory(slug="anytown-send", title="SEND plan")
    factories.PlanRoleFactory(
        plan=other, user=improvement_lead, role=PlanRole.Role.IMPROVEMENT_LEAD
    )
    client.force_login(improvement_lead)
    url = reverse("improvement:visit", kwargs={"slug": other.slug, "pk": findings[0].visit_id})
    assert client.get(url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_findings(visit, *, plan, lead, start, count, by):
    for n in range(start, start + count):
        finding = factories.FindingFactory(visit=visit, reference=f"F{n}")
        if n % 2:
            action = factories.ActionFactory(plan=plan, lead=lead, reference=f"V{n}")
            visit_services.link_finding(plan=plan, finding=finding, by=by, actions=[action])


def test_the_visit_list_and_visit_page_cost_the_same_at_5_and_50_findings(
    client, chair, improvement_lead, plan, visit, officer_lead
):
    second = factories.MonitoringVisitFactory(plans=[plan], visited_on=datetime.date(2017, 4, 4))
    _more_findings(visit, plan=plan, lead=officer_lead, start=0, count=5, by=improvement_lead)
    client.force_login(chair)
    pages = [visits_url(plan), visits_url(plan) + "?unanswered=on", visits_url(plan, pk=visit.pk)]
    for url in pages:
        client.get(url)
    at_5 = [_queries(client, url) for url in pages]

    _more_findings(visit, plan=plan, lead=officer_lead, start=5, count=45, by=improvement_lead)
    _more_findings(second, plan=plan, lead=officer_lead, start=50, count=5, by=improvement_lead)
    at_50 = [_queries(client, url) for url in pages]

    assert at_5 == at_50


def test_a_recommendations_page_shows_what_visits_found_and_which_has_no_action(
    client, chair, plan, visit
):
    recommendation = factories.RecommendationFactory(reference="4")
    plan.inspections.add(recommendation.inspection)
    factories.FindingFactory(
        visit=visit, reference="1", text="Step-down is still unsafe.", recommendation=recommendation
    )
    client.force_login(chair)

    page = client.get(
        reverse("improvement:recommendation", kwargs={"slug": plan.slug, "reference": "4"})
    ).content.decode()

    assert "Step-down is still unsafe." in page
    assert NO_ACTION_YET in page
