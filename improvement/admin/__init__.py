"""The installation administrators' admin, one module per concept; importing each registers it."""

from improvement.admin import (  # noqa: F401
    actions,
    leads,
    measures,
    plans,
    recommendations,
    risks,
    users,
)
