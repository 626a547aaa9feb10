import pytest

from tests.operations.scratch import Databases


@pytest.fixture
def scratch_databases(tmp_path):
    """Scratch databases for processes of a test's own, dropped however the test ends."""
    made = Databases(tmp_path)
    yield made
    made.drop()
