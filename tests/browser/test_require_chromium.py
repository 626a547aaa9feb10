from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, require_chromium

MISSING = Path("/nonexistent/chromium")


def test_a_missing_chromium_skips_the_browser_tests_with_the_reason():
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require_chromium(path=MISSING, ci=None)


def test_a_missing_chromium_fails_in_ci():
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_chromium(path=MISSING, ci="true")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the installed chromium")
def test_an_installed_chromium_is_used():
    assert require_chromium(path=CHROMIUM, ci="true") is None
