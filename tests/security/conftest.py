"""Shared by the security tests of files: an officer's action and a PDF of evidence on it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from improvement.services import attach_evidence
from tests import factories
from tests.sample_files import SMALL_PDF


@pytest.fixture
def action(plan, officer_lead):
    return factories.ActionFactory(plan=plan, reference="JAN17-5", lead=officer_lead)


@pytest.fixture
def evidence(action, officer):
    return attach_evidence(
        action=action,
        by=officer,
        expected_version=action.version,
        file=SimpleUploadedFile("Audit report – March.pdf", SMALL_PDF),
    )
