"""The dashboard's board part: what moved since the plan's last issued pack.

The plan as it stands today is snapshotted as a pack would be and compared with the last issued
pack's frozen snapshot by the pack's own movement rule, so the dashboard says exactly what the
next pack's "since the last pack" section would.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from boards.models import Pack
from boards.pack.movement import movement
from boards.pack.schema import upgrade
from boards.pack.sections import MOVEMENT_LISTS
from boards.pack.snapshot import take_snapshot
from improvement.models import Plan

RISK_LISTS = (("risks_rose", "Risks rated higher"), ("risks_fell", "Risks rated lower"))


@dataclass(frozen=True)
class Moved:
    key: str
    title: str
    rows: list = field(default_factory=list)


@dataclass(frozen=True)
class PackMovement:
    pack: Pack | None
    lists: list[Moved] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(moved.rows) for moved in self.lists)


def last_issued_pack(plan: Plan) -> Pack | None:
    return (
        Pack.objects.filter(plan=plan, status=Pack.PackStatus.ISSUED)
        .select_related("board")
        .order_by("-as_at", "-version")
        .first()
    )


def _action_url(plan: Plan, reference: str) -> str:
    return reverse("improvement:action", kwargs={"slug": plan.slug, "reference": reference})


def movement_since_last_pack(*, plan: Plan, today: datetime.date) -> PackMovement:
    """Every kind of move, in the pack's order, each with its rows (possibly none); no lists at
    all when no pack has been issued."""
    pack = last_issued_pack(plan)
    if pack is None:
        return PackMovement(pack=None)
    moved = movement(upgrade(pack.snapshot), take_snapshot(plan=plan, as_at=today, visits=False))
    lists = [
        Moved(
            key,
            title,
            [
                {**row, "detail": detail(row), "url": _action_url(plan, row["reference"])}
                for row in moved[key]
            ],
        )
        for key, title, detail in MOVEMENT_LISTS
    ]
    lists += [
        Moved(
            key,
            title,
            [{**row, "detail": f"score {row['from']} to {row['to']}"} for row in moved[key]],
        )
        for key, title in RISK_LISTS
    ]
    return PackMovement(pack=pack, lists=lists)
