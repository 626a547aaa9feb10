import datetime
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.utils import timezone

from improvement import clock

ELECTION_DAY = datetime.date(2019, 5, 2)
PROJECT = Path(__file__).resolve().parents[2]
APPS = ("authorities", "inspections", "improvement", "boards", "config")


def test_the_pinned_test_day_is_the_day_pages_count_from(pinned_today):
    assert clock.today() == pinned_today


def test_a_pinned_day_ends_with_its_block(pinned_today):
    with clock.pinned(ELECTION_DAY):
        assert clock.today() == ELECTION_DAY

    assert clock.today() == pinned_today


def test_a_pin_does_not_reach_another_thread(pinned_today):
    with ThreadPoolExecutor(max_workers=1) as pool:
        elsewhere = pool.submit(clock.today).result()

    assert elsewhere == timezone.localdate()
    assert clock.today() == pinned_today


def test_only_tests_pin_the_day():
    pinning = [
        str(path.relative_to(PROJECT))
        for app in APPS
        for path in (PROJECT / app).rglob("*.py")
        if "pinned(" in path.read_text() and path != PROJECT / "improvement" / "clock.py"
    ]

    assert pinning == []
