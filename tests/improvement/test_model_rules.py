"""Rules the database keeps: risk scores are computed, scores stay 1–5, references are unique."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from improvement.models import SCORE_OUT_OF_RANGE, Risk
from tests.factories import ActionFactory, PlanFactory, RiskFactory


def test_risk_score_is_likelihood_times_impact_and_follows_a_change(plan):
    risk = RiskFactory(plan=plan, likelihood=3, impact=4)
    risk.refresh_from_db()
    assert risk.score == 12

    risk.impact = 5
    risk.save()
    risk.refresh_from_db()
    assert risk.score == 15


def test_risk_score_follows_even_a_bulk_update(plan):
    risk = RiskFactory(plan=plan, likelihood=2, impact=4)

    Risk.objects.filter(pk=risk.pk).update(likelihood=5)

    risk.refresh_from_db()
    assert risk.score == 20


def test_residual_score_is_computed_and_empty_until_both_factors_are_known(plan):
    risk = RiskFactory(plan=plan, residual_likelihood=2)
    risk.refresh_from_db()
    assert risk.residual_score is None

    Risk.objects.filter(pk=risk.pk).update(residual_impact=3)
    risk.refresh_from_db()
    assert risk.residual_score == 6


@pytest.mark.parametrize("field", ["likelihood", "impact", "residual_likelihood"])
@pytest.mark.parametrize("value", [0, 6])
def test_the_database_refuses_a_factor_outside_1_to_5(plan, field, value):
    risk = RiskFactory(plan=plan)

    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(**{field: value})

    risk.refresh_from_db()
    assert getattr(risk, field) != value


def test_the_admin_form_explains_a_likelihood_of_6_and_saves_nothing(client, admin_user, plan):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:improvement_risk_add"),
        {
            "plan": plan.pk,
            "reference": "R1",
            "description": "Social workers leave",
            "status": "open",
            "order": 0,
            "likelihood": 6,
            "impact": 3,
        },
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["likelihood"] == [SCORE_OUT_OF_RANGE]
    assert "Constraint" not in response.content.decode()
    assert not Risk.objects.exists()


def test_the_admin_shows_score_and_residual_score_read_only(client, admin_user, plan):
    risk = RiskFactory(plan=plan, likelihood=4, impact=5, residual_likelihood=2, residual_impact=2)
    client.force_login(admin_user)

    response = client.get(reverse("admin:improvement_risk_change", args=[risk.pk]))

    assert "score" not in response.context["adminform"].form.fields
    html = response.content.decode()
    assert '<div class="readonly">20</div>' in html
    assert '<div class="readonly">4</div>' in html


def test_an_action_reference_is_unique_within_a_plan_but_may_recur_in_another(plan):
    ActionFactory(plan=plan, reference="JAN17-22")
    ActionFactory(plan=PlanFactory(), reference="JAN17-22")

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(plan=plan, reference="JAN17-22")

    assert plan.actions.filter(reference="JAN17-22").count() == 1
