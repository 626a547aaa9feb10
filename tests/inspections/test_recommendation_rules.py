import pytest
from django.db import IntegrityError, transaction

from inspections.models import Recommendation
from tests.factories import InspectionFactory, RecommendationFactory


def test_a_recommendation_reference_is_unique_within_an_inspection_only(db):
    inspection = InspectionFactory()
    RecommendationFactory(inspection=inspection, reference="SB1")
    RecommendationFactory(inspection=InspectionFactory(), reference="SB1")

    with pytest.raises(IntegrityError), transaction.atomic():
        RecommendationFactory(inspection=inspection, reference="SB1")

    assert Recommendation.objects.filter(reference="SB1").count() == 2
