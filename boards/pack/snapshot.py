"""The plan as it stood at the end of an as-at date, read from history, as plain JSON.

Actions, themes, objectives, leads' names, evidence, risks, measures, recommendations, monitoring
visits with their findings and answers, and the board's action log are read from simple-history
as they were at the cut-off; an action's recommendation and co-lead links are today's links with
the later LinkChange rows undone. Only periods and the plan's own facts are read as they are now.
The shape is boards/pack/schema.py.

The number of queries is fixed whatever the size of the plan: each kind of row is read once.
"""

import datetime

from django.db.models import Count, Max, Min
from django.utils import timezone

from boards.models import Meeting, MeetingAction, Pack
from boards.pack.history import before_history_warning
from boards.pack.movement import movement, slow_to_progress
from boards.pack.schema import (
    VERSION,
    ActionRow,
    MeasureRow,
    PlanAsAt,
    RecommendationRow,
    RiskRow,
    Snapshot,
    VisitRow,
    upgrade,
)
from improvement.link_history import links_as_at
from improvement.models import (
    DONE_STATUSES,
    Action,
    Evidence,
    FindingResponse,
    Lead,
    LinkChange,
    Measure,
    MeasureValue,
    Objective,
    Period,
    Plan,
    ProgressUpdate,
    Risk,
    Theme,
    due_revision_q,
)
from improvement.rag import days_overdue, derive_action_rag
from improvement.ratings import Status
from inspections.models import Finding, MonitoringVisit, Recommendation


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _number(value) -> float | None:
    return None if value is None else float(value)


def take_snapshot(
    *, plan: Plan, as_at: datetime.date, board=None, meeting=None, visits: bool = True
) -> PlanAsAt:
    """The plan as at the date; `visits=False` leaves the monitoring visits out (three queries),
    for a caller that only compares actions and risks, as the dashboard's movement does."""
    cutoff = end_of_day(as_at)
    # Historical rows rather than as_of()'s instances: Action's history leaves out updated_at,
    # and simple-history fetches left-out fields with one query per instance.
    actions = list(
        Action.history.filter(history_date__lte=cutoff)
        .latest_of_each()
        .filter(plan_id=plan.pk)
        .exclude(history_type="-")
        .order_by("order", "id")
    )
    risks = list(Risk.history.as_of(cutoff).filter(plan_id=plan.pk).order_by("order", "id"))
    meeting_actions = _board_action_log(board=board, as_at=as_at)
    links = links_as_at(action_ids=[a.id for a in actions], cutoff=cutoff)
    lead_ids = {a.lead_id for a in actions} | {r.owner_id for r in risks}
    lead_ids |= {m.owner_id for m in meeting_actions}
    lead_ids |= {pk for co_leads in links[LinkChange.Link.CO_LEAD].values() for pk in co_leads}
    leads = {
        lead.id: lead.name
        for lead in _as_at(Lead.history.filter(id__in=lead_ids - {None}), cutoff, named=lead_ids)
    }
    themes = _as_at(
        Theme.history.filter(plan_id=plan.pk), cutoff, named={a.theme_id for a in actions}
    )
    objectives = _as_at(
        Objective.history.filter(plan_id=plan.pk), cutoff, named={a.objective_id for a in actions}
    )
    action_rows = _actions(plan, actions, leads=leads, links=links, as_at=as_at, cutoff=cutoff)
    return {
        "version": VERSION,
        "as_at": as_at.isoformat(),
        "taken_at": timezone.now().isoformat(),
        "plan": {
            "slug": plan.slug,
            "title": plan.title,
            "authority": plan.authority.name,
            "version": plan.version,
            "rag_rule": plan.rag_rule,
        },
        "board": {"name": board.name, "chair": board.chair_name} if board else None,
        "meeting": (
            {"held_on": _iso(meeting.held_on), "title": meeting.title} if meeting else None
        ),
        "themes": [
            {"id": t.id, "name": t.name} for t in sorted(themes, key=lambda t: (t.order, t.name))
        ],
        "objectives": [
            {"id": o.id, "title": o.title, "theme_id": o.theme_id}
            for o in sorted(objectives, key=lambda o: (o.order, o.id))
        ],
        "periods": list(Period.objects.filter(plan=plan).values("id", "name")),
        "actions": action_rows,
        "recommendations": _recommendations(plan, cutoff=cutoff),
        "measures": _measures(plan, cutoff=cutoff, as_at=as_at),
        "risks": [_risk(r, leads=leads) for r in risks],
        "meeting_actions": [
            {
                "meeting_held_on": _iso(m.meeting_held_on),
                "number": m.number,
                "text": m.text,
                "owner": leads.get(m.owner_id) or m.owner_text,
                "due_on": _iso(m.due_on),
                "due_text": m.due_text,
                "status": m.status,
                "closed_on": _iso(m.closed_on),
                "note": m.closing_note,
                "carried_forward": m.carried_forward,
            }
            for m in meeting_actions
        ],
        "visits": _visits(plan, actions=action_rows, as_at=as_at, cutoff=cutoff) if visits else [],
    }


def _visits(plan, *, actions: list[ActionRow], as_at, cutoff) -> list[VisitRow]:
    """The plan's visits held by the as-at date, newest first, with each finding's answer: the
    actions linked to it at the cut-off that were not closed on the day. Three queries."""
    visits = list(
        MonitoringVisit.history.as_of(cutoff)
        .filter(id__in=plan.visits().values("id"), visited_on__lte=as_at)
        .order_by("-visited_on", "-id")
    )
    findings = list(
        Finding.history.as_of(cutoff)
        .filter(visit_id__in=[v.id for v in visits])
        .select_related("recommendation")
        .order_by("order", "id")
    )
    open_refs = {a["id"]: a["reference"] for a in actions if a["status"] != Status.CLOSED}
    answers: dict[int, list[str]] = {}
    for response in FindingResponse.history.as_of(cutoff).filter(
        finding_id__in=[f.id for f in findings], action_id__in=list(open_refs)
    ):
        answers.setdefault(response.finding_id, []).append(open_refs[response.action_id])
    by_visit: dict[int, list] = {}
    for finding in findings:
        by_visit.setdefault(finding.visit_id, []).append(
            {
                "reference": finding.reference,
                "kind": Finding.Kind(finding.kind).label,
                "text": finding.text,
                "recommendation": finding.recommendation.reference
                if finding.recommendation_id and finding.recommendation
                else "",
                "answered_by": sorted(answers.get(finding.id, [])),
            }
        )
    return [
        {
            "kind": MonitoringVisit.Kind(visit.kind).label,
            "visited_on": visit.visited_on.isoformat(),
            "theme": visit.theme,
            "inspectors": visit.inspectors,
            "letter_on": _iso(visit.letter_on),
            "published": visit.published,
            "findings": by_visit.get(visit.id, []),
        }
        for visit in visits
    ]


def _as_at(history, cutoff, *, named: set) -> list:
    """Each row's historical version at the cut-off, deleted rows left out.

    A row an action still names is kept whatever: deleted later than its last version at the
    cut-off, or first recorded after it (it existed before its history began), it reads as the
    version nearest the cut-off.
    """
    latest, first = {}, {}
    for row in history.order_by("history_date", "history_id"):
        first.setdefault(row.id, row)
        if row.history_date <= cutoff:
            latest[row.id] = row
    kept = [row for pk, row in latest.items() if row.history_type != "-" or pk in named]
    return kept + [first[pk] for pk in named - latest.keys() if pk in first]


def _evidence_counts(action_ids: list[int], *, cutoff) -> dict[int, int]:
    """Evidence attached by the cut-off and not deleted by then, per action."""
    return dict(
        Evidence.history.filter(action_id__in=action_ids, history_date__lte=cutoff)
        .latest_of_each()
        .exclude(history_type="-")
        .order_by()
        .values("action_id")
        .annotate(count=Count("id"))
        .values_list("action_id", "count")
    )


def _latest_due_revisions(action_ids: list[int], *, cutoff) -> dict[int, tuple[str, bool]]:
    """Each action's latest due-date revision by the cut-off: the reason given, and whether a
    board decision made it."""
    latest: dict[int, tuple[str, bool]] = {}
    revisions = ProgressUpdate.objects.filter(
        due_revision_q(), action_id__in=action_ids, at__lte=cutoff
    ).order_by("at", "pk")
    for action_id, reason, decision_url in revisions.values_list(
        "action_id", "reason", "decision_url"
    ):
        latest[action_id] = (reason, bool(decision_url))
    return latest


def _actions(plan, actions, *, leads, links, as_at, cutoff) -> list[ActionRow]:
    ids = [a.id for a in actions]
    updates = {
        row["action_id"]: row
        for row in ProgressUpdate.objects.filter(action_id__in=ids, at__lte=cutoff)
        .values("action_id")
        .annotate(last=Max("at"), revisions=Count("pk", filter=due_revision_q()))
    }
    entered = dict(
        Action.history.filter(plan_id=plan.pk, history_date__lte=cutoff)
        .values("id")
        .annotate(first=Min("history_date"))
        .values_list("id", "first")
    )
    evidence = _evidence_counts(ids, cutoff=cutoff)
    revisions = _latest_due_revisions(ids, cutoff=cutoff)
    recs_of = links[LinkChange.Link.RECOMMENDATION]
    co_leads_of = links[LinkChange.Link.CO_LEAD]
    rows = []
    for action in actions:
        action.plan = plan  # derive_action_rag reads the rule from the plan: no query per row
        derived = derive_action_rag(action, today=as_at)
        update = updates.get(action.id, {})
        last = update.get("last") or entered.get(action.id)
        rows.append(
            {
                "id": action.id,
                "reference": action.reference,
                "number": action.number,
                "text": action.text,
                "theme_id": action.theme_id,
                "objective_id": action.objective_id,
                "period_id": action.period_id,
                "lead": leads.get(action.lead_id, ""),
                "co_leads": sorted(leads.get(pk, "") for pk in co_leads_of.get(action.id, [])),
                "is_key": action.is_key_action,
                "due_on": _iso(action.due_on),
                "due_text": action.due_text,
                "first_due_on": _iso(action.first_due_on),
                "status": action.status,
                "done": action.status in DONE_STATUSES,
                "progress_rag": action.progress_rag,
                "impact_rag": action.impact_rag,
                "rag": derived.rag.value,
                "rag_reason": derived.reason,
                "disagreement": derived.disagreement,
                "days_overdue": days_overdue(
                    due_on=action.due_on, status=action.status, today=as_at
                ),
                "commentary": action.commentary,
                "expected_impact": action.expected_impact,
                "impact_evidence": action.impact_evidence,
                "recommendation_ids": recs_of.get(action.id, []),
                "last_update_on": _iso(timezone.localdate(last)) if last else None,
                "due_revisions": update.get("revisions", 0),
                "due_revision_reason": revisions.get(action.id, ("", False))[0],
                "due_revision_decided": revisions.get(action.id, ("", False))[1],
                "evidence_count": evidence.get(action.id, 0),
            }
        )
    return rows


def _recommendations(plan, *, cutoff) -> list[RecommendationRow]:
    inspection_ids = list(plan.inspections.values_list("pk", flat=True))
    recommendations = Recommendation.history.as_of(cutoff).filter(inspection_id__in=inspection_ids)
    return [
        {"id": r.pk, "reference": r.reference, "text": r.text, "body": r.body}
        for r in recommendations.order_by("inspection_id", "order", "reference")
    ]


def _measures(plan, *, cutoff, as_at) -> list[MeasureRow]:
    measures = list(Measure.history.as_of(cutoff).filter(plan_id=plan.pk).order_by("order", "name"))
    values: dict[int, list[dict]] = {m.pk: [] for m in measures}
    for value in (
        MeasureValue.history.as_of(cutoff)
        .filter(measure_id__in=list(values), period_ending__lte=as_at)
        .order_by("period_ending")
    ):
        values[value.measure_id].append(
            {
                "period_ending": value.period_ending.isoformat(),
                "label": value.label or f"{value.period_ending:%b %Y}",
                "value": _number(value.value),
            }
        )
    return [
        {
            "name": m.name,
            "unit": m.unit,
            "direction": m.direction,
            "target": _number(m.target),
            "tolerance": _number(m.tolerance),
            "england_average": _number(m.england_average),
            "statistical_neighbours": _number(m.statistical_neighbours),
            "values": values[m.pk],
        }
        for m in measures
    ]


def _risk(risk, *, leads) -> RiskRow:
    residual = (
        risk.residual_likelihood * risk.residual_impact
        if risk.residual_likelihood and risk.residual_impact
        else None
    )
    return {
        "reference": risk.reference,
        "description": risk.description,
        "owner": leads.get(risk.owner_id, ""),
        "status": risk.status,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "score": risk.likelihood * risk.impact,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
        "residual_score": residual,
        "target_score": risk.target_score,
        "existing_controls": risk.existing_controls,
        "additional_controls": risk.additional_controls,
        "reviewed_on": _iso(risk.reviewed_on),
        "review_text": risk.review_text,
    }


def _board_action_log(*, board, as_at) -> list:
    """The board's own action log at the cut-off: actions still open from meetings held on or
    before the as-at date, and those the latest of these meetings closed.

    The pack's own meeting does not bound the log: a pack tied to a meeting held by the as-at
    date carries that meeting's actions (the demo's latest pack is), and a meeting still to come
    has minuted nothing by the cut-off.
    """
    if board is None:
        return []
    meetings = dict(
        Meeting.objects.filter(board=board, held_on__lte=as_at).values_list("pk", "held_on")
    )
    if not meetings:
        return []
    latest = max(meetings, key=meetings.get)
    rows = [
        row
        for row in MeetingAction.history.as_of(end_of_day(as_at))
        .filter(meeting_id__in=list(meetings))
        .order_by("meeting_id", "number")
        if row.status == MeetingAction.ActionStatus.OPEN or row.closed_at_id == latest
    ]
    for row in rows:
        row.meeting_held_on = meetings[row.meeting_id]
        row.closed_on = meetings.get(row.closed_at_id)
        row.carried_forward = (
            row.status == MeetingAction.ActionStatus.OPEN and row.meeting_id != latest
        )
    rows.sort(key=lambda r: (r.meeting_held_on, r.number))
    return rows


def previous_snapshots(*, plan: Plan, before: datetime.date, count: int = 2) -> list[Snapshot]:
    """The latest version of each earlier issued pack of the plan, newest first, in today's
    shape whatever version it was issued in."""
    packs = (
        Pack.objects.filter(plan=plan, status=Pack.PackStatus.ISSUED, as_at__lt=before)
        .order_by("-as_at", "-version")
        .only("as_at", "version", "snapshot")[: count * 5]
    )
    latest: dict[datetime.date, dict] = {}
    for pack in packs:
        latest.setdefault(pack.as_at, pack.snapshot)
    return [upgrade(snapshot) for snapshot in list(latest.values())[:count]]


def pack_snapshot(*, plan: Plan, as_at: datetime.date, board=None, meeting=None) -> Snapshot:
    """The snapshot a pack freezes: the plan as at the date, its movement since the previous
    issued pack and the actions slow to progress, so a re-render needs nothing else."""
    plan_as_at = take_snapshot(plan=plan, as_at=as_at, board=board, meeting=meeting)
    earlier = previous_snapshots(plan=plan, before=as_at)
    return {
        **plan_as_at,
        "movement": movement(earlier[0] if earlier else None, plan_as_at),
        "slow": slow_to_progress(plan_as_at, earlier),
        "before_history": before_history_warning(plan, as_at),
    }
