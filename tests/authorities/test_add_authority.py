"""An installation admin adds the first council from the command line, as the deploy guide says."""

import io

import pytest
from django.core.management import CommandError, call_command

from authorities.models import Authority

pytestmark = pytest.mark.django_db


def test_the_admin_adds_a_council_and_is_told_its_slug():
    out = io.StringIO()

    call_command("add_authority", "Wirral Council", stdout=out)

    assert Authority.objects.get().slug == "wirral-council"
    assert out.getvalue().strip() == "Added Wirral Council (slug wirral-council)."


def test_the_same_council_twice_is_refused_by_name_in_any_case():
    call_command("add_authority", "Wirral Council", stdout=io.StringIO())

    with pytest.raises(CommandError, match="Wirral Council is already here"):
        call_command("add_authority", "wirral council")
    assert Authority.objects.count() == 1
