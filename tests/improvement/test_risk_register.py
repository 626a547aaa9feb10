"""The risk register: the list and its filters, the heat maps, a risk's page and score path, and a
risk owner's review with the same no-lost-update rule as an officer's update."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.models import PlanRole, Risk
from improvement.risk_services import (
    RESIDUAL_SCORED_TOGETHER,
    REVIEW_NOTE_REQUIRED,
    REVIEWED_IN_FUTURE,
    STALE_RISK_EDIT,
    StaleRiskEdit,
    update_risk,
)
from improvement.risk_views import RISK_UNCHANGED, RISK_UPDATED
from tests import factories
from tests.conftest import plan_role_holder
from tests.improvement.conftest import TODAY

Status = Risk.RiskStatus


@pytest.fixture
def member(plan):
    return plan_role_holder(plan, username="board_member", role=PlanRole.Role.BOARD_MEMBER)


@pytest.fixture
def owned_risk(plan, officer_lead, officer):
    risk = factories.RiskFactory(
        plan=plan,
        reference="R1",
        description="Social worker turnover leaves children without a consistent worker",
        owner=officer_lead,
        likelihood=4,
        impact=5,
        residual_likelihood=3,
        residual_impact=4,
        target_score=6,
        target_on=datetime.date(2017, 9, 30),
        existing_controls="Agency cover agreed",
        reviewed_on=datetime.date(2017, 1, 10),
    )
    return Risk.objects.get(pk=risk.pk)


@pytest.fixture
def register(plan, owned_risk):
    """Five more risks over the grid, one closed, one never scored after controls."""
    other = factories.LeadFactory(name="Head of Fostering")
    for reference, li, im, rli, rim, extra in (
        ("R2", 4, 5, 2, 2, {}),
        ("R3", 2, 2, 1, 2, {"reviewed_on": datetime.date(2016, 6, 1)}),
        ("R4", 5, 3, None, None, {"owner": other}),
        ("R5", 1, 1, 1, 1, {"status": Status.CLOSED}),
        ("R6", 3, 3, 2, 3, {"owner": other, "reviewed_on": TODAY}),
    ):
        factories.RiskFactory(
            plan=plan,
            reference=reference,
            likelihood=li,
            impact=im,
            residual_likelihood=rli,
            residual_impact=rim,
            owner=extra.pop("owner", owned_risk.owner),
            reviewed_on=extra.pop("reviewed_on", datetime.date(2017, 1, 20)),
            **extra,
        )
    return plan


def _url(risk, suffix=""):
    return f"{risk.get_absolute_url()}{suffix}"


def _register_url(plan, query=""):
    return f"/plans/{plan.slug}/risks/{'?' + query if query else ''}"


def _listed(response) -> list[str]:
    return re.findall(r'href="/plans/[^/]+/risks/([^/]+)/"', response.content.decode())


def _heat_links(response) -> dict[str, int]:
    """Each heat-map link's query string and the count it shows."""
    return {
        query.replace("&amp;", "&"): int(count)
        for query, count in re.findall(
            r'<a class="tracker-heat__link" href="\?([^"]+)">(\d+)<', response.content.decode()
        )
    }


def _review(risk, **changes):
    data = {
        "version": risk.version,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "residual_likelihood": risk.residual_likelihood or "",
        "residual_impact": risk.residual_impact or "",
        "existing_controls": risk.existing_controls,
        "additional_controls": risk.additional_controls,
        "review_note": "",
        "reviewed_on": TODAY.strftime("%d/%m/%Y"),
    }
    data.update(changes)
    return data


# --- The register ---------------------------------------------------------------------------


def test_a_chair_reads_the_register_linked_from_the_plan_page(client, chair, register):
    client.force_login(chair)

    assert _register_url(register) in client.get(register.get_absolute_url()).content.decode()
    response = client.get(_register_url(register))

    assert response.status_code == 200
    assert sorted(_listed(response)) == ["R1", "R2", "R3", "R4", "R5", "R6"]


def test_heat_map_counts_equal_the_risks_listed(client, chair, register):
    client.force_login(chair)
    response = client.get(_register_url(register))
    before, after = response.context["heat_maps"]

    assert before.total == Risk.objects.filter(plan=register).count() == 6
    # R4 has no score after controls yet, so it is in the first map only.
    assert after.total == 5
    links = _heat_links(response)
    assert links["likelihood=4&impact=5"] == 2
    assert links["likelihood=5&impact=3"] == 1
    assert links["residual_likelihood=3&residual_impact=4"] == 1
    assert sum(n for q, n in links.items() if q.startswith("likelihood")) == 6
    assert sum(n for q, n in links.items() if q.startswith("residual")) == 5


def test_a_heat_map_cell_links_to_exactly_its_risks(client, chair, register):
    client.force_login(chair)

    response = client.get(_register_url(register, "likelihood=4&impact=5"))

    assert sorted(_listed(response)) == ["R1", "R2"]
    # The list's other filters stay in each cell's link; the cell's own pair is replaced.
    filtered = client.get(_register_url(register, "status=open&likelihood=4&impact=5"))
    assert "status=open&likelihood=4&impact=5" in _heat_links(filtered)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("status=closed", ["R5"]),
        ("band=high", ["R1", "R2", "R4"]),
        ("band=medium", ["R6"]),
        ("residual_band=medium", ["R1"]),
        ("residual_band=low", ["R2", "R3", "R5", "R6"]),
        # Reviewed 10 or 20 January is due by April; R3, reviewed in June 2016, is overdue.
        ("review_overdue=on", ["R3"]),
    ],
)
def test_the_register_filters(client, chair, register, query, listed):
    client.force_login(chair)

    assert sorted(_listed(client.get(_register_url(register, query)))) == listed


def test_the_register_filters_by_owner(client, chair, register, officer_lead):
    client.force_login(chair)

    response = client.get(_register_url(register, f"owner={officer_lead.pk}"))

    assert sorted(_listed(response)) == ["R1", "R2", "R3", "R5"]


def test_a_refused_filter_lists_nothing(client, chair, register):
    client.force_login(chair)

    response = client.get(_register_url(register, "likelihood=9"))

    assert _listed(response) == []
    assert response.context["filter"].errors


def test_the_register_flags_overdue_reviews(client, chair, register):
    client.force_login(chair)

    page = client.get(_register_url(register)).content.decode()

    assert page.count("Review overdue</strong>") == 1


def test_another_councils_user_gets_404_on_every_risk_page(client, foreign_officer, owned_risk):
    client.force_login(foreign_officer)

    for url in (_register_url(owned_risk.plan), _url(owned_risk), _url(owned_risk, "update/")):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("rows", [5, 500])
def test_the_register_costs_the_same_queries_for_5_and_500_risks(
    client, chair, plan, officer_lead, rows
):
    Risk.objects.bulk_create(
        Risk(
            plan=plan,
            reference=f"B{n}",
            description=f"Bulk risk {n}",
            owner=officer_lead,
            likelihood=n % 5 + 1,
            impact=(n // 5) % 5 + 1,
            residual_likelihood=1,
            residual_impact=n % 5 + 1,
            # every other risk a year since its review, so both lists have rows to show
            reviewed_on=TODAY - datetime.timedelta(days=365 * (n % 2)),
        )
        for n in range(rows)
    )
    client.force_login(chair)
    client.get(_register_url(plan))  # the session's first read

    with CaptureQueriesContext(connection) as captured:
        response = client.get(_register_url(plan, "review_overdue=on&status=open"))

    assert response.status_code == 200
    listed = response.context["page"].paginator.count
    assert listed == rows // 2
    assert response.context["heat_maps"][0].total == listed
    assert len(captured) == EXPECTED_REGISTER_QUERIES


# session, user, plan, the reader's reach, the count, the two heat maps, the menu's plans and
# boards, the owner choices, the page's rows (the session's idle clock was written a request ago)
EXPECTED_REGISTER_QUERIES = 11


# --- A risk's page ----------------------------------------------------------------------------


def test_a_risks_page_shows_its_scores_target_and_controls(client, chair, owned_risk):
    client.force_login(chair)

    page = client.get(_url(owned_risk)).content.decode()

    assert "Social worker turnover" in page
    assert "Head of Safeguarding" in page
    for score in ("20 high", "12 medium", "6 low"):
        assert score in page
    assert "30/09/2017" in page
    assert "Agency cover agreed" in page
    # A chair reads the risk; the review button is for its owner and improvement leads.
    assert "Review this risk" not in page


def test_the_owner_reviews_their_risk_and_the_score_path_shows_the_move(
    client, officer, owned_risk
):
    client.force_login(officer)
    assert "Review this risk" in client.get(_url(owned_risk)).content.decode()
    rows_before = owned_risk.history.count()

    response = client.post(
        _url(owned_risk, "update/"),
        _review(
            owned_risk,
            likelihood=3,
            residual_likelihood=2,
            additional_controls="Recruitment campaign",
            review_note="Six permanent social workers started in February.",
        ),
        follow=True,
    )

    owned_risk.refresh_from_db()
    assert (owned_risk.likelihood, owned_risk.score, owned_risk.residual_score) == (3, 15, 8)
    assert owned_risk.reviewed_on == TODAY
    assert owned_risk.review_note == "Six permanent social workers started in February."
    assert owned_risk.version == 2
    assert owned_risk.history.count() == rows_before + 1
    latest = owned_risk.history.first()
    assert (latest.version, latest.history_user, latest.score) == (2, officer, 15)
    assert RISK_UPDATED in response.content.decode()
    path = response.context["path"]
    assert [(s.score, s.residual_score) for s in path] == [(20, 12), (15, 8)]
    assert path[-1].by == "Olive Officer"


def test_an_improvement_lead_reviews_any_risk_of_the_plan(client, improvement_lead, owned_risk):
    client.force_login(improvement_lead)

    client.post(_url(owned_risk, "update/"), _review(owned_risk, review_note="Checked."))

    owned_risk.refresh_from_db()
    assert owned_risk.version == 2
    assert owned_risk.review_note == "Checked."


def test_the_review_date_is_today_unless_changed(client, officer, owned_risk):
    client.force_login(officer)

    form = client.get(_url(owned_risk, "update/")).context["form"]

    assert form["reviewed_on"].value() == TODAY
    assert form["version"].value() == owned_risk.version


def test_a_stale_review_is_refused_and_says_who_changed_it(
    client, officer, improvement_lead, owned_risk
):
    opened = _review(owned_risk, likelihood=2, review_note="Much better.")
    improvement_lead.first_name, improvement_lead.last_name = "Imogen", "Lead"
    improvement_lead.save()
    update_risk(
        risk=owned_risk,
        by=improvement_lead,
        expected_version=1,
        likelihood=5,
        impact=5,
        residual_likelihood=4,
        residual_impact=4,
        existing_controls="",
        additional_controls="",
        review_note="Two more leavers.",
        reviewed_on=TODAY,
    )
    client.force_login(officer)

    response = client.post(_url(owned_risk, "update/"), opened)

    assert response.status_code == 409
    page = response.content.decode()
    assert (STALE_RISK_EDIT % {"who": "Imogen Lead"}) in page
    assert "Two more leavers." in page
    owned_risk.refresh_from_db()
    assert (owned_risk.likelihood, owned_risk.version) == (5, 2)
    assert owned_risk.history.filter(version=3).count() == 0
    # The form is offered again against the version now stored.
    assert response.context["form"]["version"].value() == 2


def test_a_board_member_cannot_review_a_risk_and_nothing_changes(client, member, owned_risk):
    client.force_login(member)

    assert client.get(_url(owned_risk)).status_code == 200
    assert client.get(_url(owned_risk, "update/")).status_code == 403
    response = client.post(_url(owned_risk, "update/"), _review(owned_risk, likelihood=1))

    assert response.status_code == 403
    owned_risk.refresh_from_db()
    assert (owned_risk.likelihood, owned_risk.version, owned_risk.history.count()) == (4, 1, 1)


def test_an_officer_who_does_not_own_the_risk_cannot_review_it(client, other_officer, plan):
    risk = factories.RiskFactory(plan=plan, reference="R9")
    # Leading an action lets the other officer read the plan, not review others' risks.
    lead = other_officer.leads.get()
    factories.ActionFactory(plan=plan, lead=lead)
    client.force_login(other_officer)

    assert client.get(_url(risk)).status_code == 200
    assert client.post(_url(risk, "update/"), _review(risk, impact=1)).status_code == 403
    risk.refresh_from_db()
    assert (risk.impact, risk.version) == (4, 1)


def test_a_risk_owner_who_leads_no_action_reads_the_plan(client, plan, officer, owned_risk):
    client.force_login(officer)

    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(_register_url(plan)).status_code == 200


def test_a_score_change_needs_a_review_note(client, officer, owned_risk):
    client.force_login(officer)

    response = client.post(_url(owned_risk, "update/"), _review(owned_risk, impact=2))

    assert response.status_code == 200
    assert REVIEW_NOTE_REQUIRED in response.context["form"].errors["review_note"]
    owned_risk.refresh_from_db()
    assert (owned_risk.impact, owned_risk.version) == (5, 1)


def test_a_review_cannot_be_dated_in_the_future(client, officer, owned_risk):
    client.force_login(officer)
    tomorrow = (TODAY + datetime.timedelta(days=1)).strftime("%d/%m/%Y")

    response = client.post(_url(owned_risk, "update/"), _review(owned_risk, reviewed_on=tomorrow))

    assert REVIEWED_IN_FUTURE in response.context["form"].errors["reviewed_on"]


def test_a_review_that_changes_nothing_writes_nothing(client, officer, owned_risk):
    Risk.objects.filter(pk=owned_risk.pk).update(reviewed_on=TODAY)
    owned_risk.refresh_from_db()
    client.force_login(officer)

    response = client.post(_url(owned_risk, "update/"), _review(owned_risk), follow=True)

    assert RISK_UNCHANGED in response.content.decode()
    owned_risk.refresh_from_db()
    assert (owned_risk.version, owned_risk.history.count()) == (1, 1)


def test_a_review_with_unchanged_scores_is_still_a_review(client, officer, owned_risk):
    client.force_login(officer)

    client.post(_url(owned_risk, "update/"), _review(owned_risk, review_note="No change."))

    owned_risk.refresh_from_db()
    assert (owned_risk.reviewed_on, owned_risk.version) == (TODAY, 2)
    assert owned_risk.history.count() == 2
    # The path moves only with the scores.
    assert len(client.get(_url(owned_risk)).context["path"]) == 1


# --- The service, called directly as an importer or command would -------------------------------


def _service_review(risk, by, **changes):
    kwargs = {
        "risk": risk,
        "by": by,
        "expected_version": risk.version,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "existing_controls": risk.existing_controls,
        "additional_controls": risk.additional_controls,
        "review_note": "",
        "reviewed_on": TODAY,
    }
    kwargs.update(changes)
    return update_risk(**kwargs)


def test_each_review_is_one_version_and_one_history_row(officer, owned_risk):
    for n, likelihood in enumerate((3, 2, 2), start=2):
        review = _service_review(owned_risk, officer, likelihood=likelihood, review_note=f"R{n}")
        assert review.changed
        assert owned_risk.version == n
        assert owned_risk.score == likelihood * 5

    versions = list(owned_risk.history.order_by("history_id").values_list("version", flat=True))
    assert versions == [1, 2, 3, 4]


def test_the_service_refuses_a_chair_and_writes_nothing(chair, owned_risk):
    with pytest.raises(PermissionDenied):
        _service_review(owned_risk, chair, likelihood=1, review_note="Lower.")

    owned_risk.refresh_from_db()
    assert (owned_risk.likelihood, owned_risk.version, owned_risk.history.count()) == (4, 1, 1)


def test_the_service_refuses_a_stale_version(officer, improvement_lead, owned_risk):
    stale = Risk.objects.get(pk=owned_risk.pk)
    _service_review(owned_risk, improvement_lead, impact=4, review_note="Lower impact.")

    with pytest.raises(StaleRiskEdit) as refused:
        _service_review(stale, officer, impact=1, review_note="Much lower.")

    assert [row.version for row in refused.value.changes] == [2]
    assert refused.value.who == "improvement_lead"
    owned_risk.refresh_from_db()
    assert (owned_risk.impact, owned_risk.version) == (4, 2)


def test_residual_scores_come_in_pairs(officer, owned_risk):
    with pytest.raises(ValidationError) as refused:
        _service_review(owned_risk, officer, residual_impact=None, review_note="Half scored.")

    assert refused.value.message_dict == {"residual_impact": [RESIDUAL_SCORED_TOGETHER]}
