"""A reference is part of an address (/plans/<slug>/actions/<reference>/): the models refuse one
no address could hold, and a number printed as councils print it becomes one that can."""

import pytest
from django.core.exceptions import ValidationError

from improvement.importing.cells import action_reference
from inspections.references import REFERENCE_REFUSED, url_safe_reference, validate_reference
from tests import factories


@pytest.mark.parametrize(
    ("printed", "reference"),
    [
        ("4", "4"),
        ("1.1.1", "1.1.1"),
        ("1.1 (a)", "1.1-a"),
        ("4/5", "4-5"),
        ("  12  ", "12"),
        ("(b)", "b"),
        ("3 & 4.", "3-4"),
        ("“7”", "7"),
        ("A" * 40, "A" * 30),
        ("—", ""),
    ],
)
def test_a_printed_number_becomes_a_reference_an_address_can_hold(printed, reference):
    assert url_safe_reference(printed) == reference


@pytest.mark.parametrize(
    ("number", "period", "reference"),
    [
        ("4", "September - December 2016", "SEP16-4"),
        ("1.1 (a)", "September - December 2016", "SEP16-1.1-a"),
        ("2/3", "", "2-3"),
    ],
)
def test_an_imported_actions_reference_is_derived_url_safe(number, period, reference):
    assert action_reference(number=number, period=period) == reference


@pytest.mark.parametrize("good", ["SEP16-4", "JAN17-22", "LSCB-1.1", "1", "SB1", "1.1-a"])
def test_real_references_are_accepted(good):
    validate_reference(good)


@pytest.mark.parametrize("bad", ["SEP16 4", "4/5", "-1", ".1", "A" * 31, "1\x00", "<b>", ""])
def test_a_reference_no_address_could_hold_is_refused(bad):
    with pytest.raises(ValidationError) as refused:
        validate_reference(bad)

    assert refused.value.messages == [REFERENCE_REFUSED]


def test_an_action_or_recommendation_with_such_a_reference_is_refused_by_its_model(plan):
    action = factories.ActionFactory.build(plan=plan, reference="SEP16 4", lead=None)
    recommendation = factories.RecommendationFactory.build(
        inspection=factories.InspectionFactory(), reference="LSCB 1"
    )

    for obj in (action, recommendation):
        with pytest.raises(ValidationError) as refused:
            obj.full_clean()
        assert refused.value.message_dict["reference"] == [REFERENCE_REFUSED]
