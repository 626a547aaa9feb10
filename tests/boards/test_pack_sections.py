import pytest

from boards.pack.sections import measure_rag
from improvement.models import Rag


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (90, 90, "higher", Rag.GREEN),
        (95, 90, "higher", Rag.GREEN),
        (81, 90, "higher", Rag.AMBER),  # 9 short of 90: within 10%
        (80, 90, "higher", Rag.RED),
        (20, 20, "lower", Rag.GREEN),
        (22, 20, "lower", Rag.AMBER),
        (23, 20, "lower", Rag.RED),
        (None, 90, "higher", Rag.NOT_RATED),
        (50, None, "higher", Rag.NOT_RATED),
    ],
)
def test_a_measure_is_rated_against_its_target_in_its_direction(value, target, direction, expected):
    assert measure_rag(value, target, direction) == expected
