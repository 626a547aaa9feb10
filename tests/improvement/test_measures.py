"""The measures of a plan in the site: latest against target with the change since the last
period, comparators beside the value, a trend line, and values entered by the measure's owner."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from improvement.measure_services import record_measure_value
from improvement.models import Measure, MeasureValue, Rag
from improvement.selectors import plan_measures
from tests import factories

Q3, Q4 = datetime.date(2026, 12, 31), datetime.date(2027, 3, 31)


@pytest.fixture
def timely(plan, officer_lead):
    # The owner also leads an action, so reads the plan as its officers do.
    factories.ActionFactory(plan=plan, lead=officer_lead)
    measure = factories.MeasureFactory(
        plan=plan,
        name="Assessments completed within 45 days",
        unit="%",
        direction=Measure.Direction.HIGHER,
        target=Decimal("85"),
        tolerance=Decimal("5"),
        owner=officer_lead,
        england_average=Decimal("82.1"),
        statistical_neighbours=Decimal("79.4"),
    )
    factories.MeasureValueFactory(measure=measure, period_ending=Q3, value=Decimal("72"))
    return measure


def test_the_officer_who_owns_a_measure_records_this_quarters_value(timely, officer):
    value = record_measure_value(
        measure=timely, by=officer, period_ending=Q4, value=Decimal("81.5"), note="Agency cover"
    )

    (row,) = plan_measures(timely.plan)
    assert (row.latest, row.previous.value, row.change) == (value, Decimal("72"), Decimal("9.5"))
    assert row.rag == Rag.AMBER  # 3.5 short of 85, within the tolerance of 5
    assert value.label == "Mar 2027"
    assert value.recorded_by == officer
    assert value.history.get().history_user == officer


def test_a_recorded_period_is_never_overwritten_without_a_correction_and_a_reason(timely, officer):
    with pytest.raises(ValidationError, match="already recorded for the period ending 31/12/2026"):
        record_measure_value(measure=timely, by=officer, period_ending=Q3, value=Decimal("90"))
    with pytest.raises(ValidationError, match="Say why"):
        record_measure_value(
            measure=timely, by=officer, period_ending=Q3, value=Decimal("90"), correcting=True
        )

    assert MeasureValue.objects.get(measure=timely, period_ending=Q3).value == Decimal("72")
    record_measure_value(
        measure=timely,
        by=officer,
        period_ending=Q3,
        value=Decimal("74"),
        correcting=True,
        note="Late returns from the east team",
    )
    assert MeasureValue.objects.get(measure=timely, period_ending=Q3).value == Decimal("74")


def test_only_the_owner_and_improvement_leads_record_values(timely, chair, other_officer):
    for reader in (chair, other_officer):
        with pytest.raises(PermissionDenied):
            record_measure_value(measure=timely, by=reader, period_ending=Q4, value=Decimal(1))

    assert timely.values.count() == 1


def test_the_measures_page_shows_target_comparators_rag_and_a_trend_in_words(
    client, timely, chair, officer
):
    record_measure_value(measure=timely, by=officer, period_ending=Q4, value=Decimal("81.5"))
    factories.MeasureFactory(plan=timely.plan, name="Re-referrals within 12 months")
    client.force_login(chair)

    page = client.get(reverse("improvement:measures", kwargs={"slug": timely.plan.slug}))
    text = page.content.decode()

    assert "81.5%" in text
    assert "change +9.5" in text
    assert "England 82.1%" in text
    assert "Statistical neighbours 79.4%" in text
    assert "tracker-rag--amber" in text
    assert "Trend: Dec 2026: 72.00; Mar 2027: 81.50" in text
    assert "<polyline" in text
    assert "No values yet:" in text
    assert "Re-referrals within 12 months" in text


def test_the_owner_records_a_value_through_the_page_and_a_chair_is_refused(
    client, timely, officer, chair
):
    url = reverse(
        "improvement:measure_value_new", kwargs={"slug": timely.plan.slug, "pk": timely.pk}
    )
    client.force_login(chair)
    assert client.post(url, {"period_ending": "31/03/2027", "value": "80"}).status_code == 403

    client.force_login(officer)
    again = client.post(url, {"period_ending": "31/12/2026", "value": "80"})
    saved = client.post(url, {"period_ending": "31/03/2027", "value": "80", "note": "On track"})

    assert "already recorded for the period ending 31/12/2026" in again.content.decode()
    assert saved["Location"] == timely.get_absolute_url()
    assert list(timely.values.values_list("value", flat=True)) == [Decimal("72"), Decimal("80")]


@pytest.mark.parametrize("measures", [5, 100])
def test_the_measures_page_costs_the_same_for_5_and_100_measures(
    client, plan, chair, measures, django_assert_num_queries
):
    for n in range(measures):
        measure = factories.MeasureFactory(plan=plan, name=f"Measure {n}", target=Decimal(50))
        for month in (1, 2, 3):
            factories.MeasureValueFactory(
                measure=measure, period_ending=datetime.date(2027, month, 28), value=Decimal(n)
            )
    client.force_login(chair)

    with django_assert_num_queries(MEASURES_PAGE_QUERIES):
        response = client.get(reverse("improvement:measures", kwargs={"slug": plan.slug}))
    assert response.status_code == 200


MEASURES_PAGE_QUERIES = 11
