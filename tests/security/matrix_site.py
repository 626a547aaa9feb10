"""The site's cells of the role × URL matrix: every page and download a council's people use,
with the outcome for each persona and the object ids and data of the test world."""

from django.utils import timezone

from tests.security.matrix import (
    GET_ONLY,
    ISSUE_PACKS,
    LOGIN,
    NA,
    OK,
    READ_PACKS,
    READ_PLAN,
    RECORD_MEETINGS,
    REDIRECT,
    SAVED_UPDATE,
    SIGN_OFF,
    SIGNED_IN,
    UPDATE_ACTION,
    Cell,
    F,
    N,
    every,
    row,
)
from tests.security.world import INVITATION_TOKEN


def _plan(w):
    return {"slug": w.plan.slug}


def action_kwargs(w):
    return {"slug": w.plan.slug, "reference": w.action.reference}


def update_data(w):
    w.action.refresh_from_db()
    return {
        "version": w.action.version,
        "progress_rag": "red",
        "status": "in_progress",
        "commentary": "Caseloads rose again this month.",
    }


def _measure(w):
    return {"slug": w.plan.slug, "pk": w.plan.measures.get().pk}


def _risk(w):
    return {"slug": w.plan.slug, "reference": "R1"}


def _risk_review(w):
    # The world's risk R1 is owned by the officer's lead: a review that records today's date.
    risk = w.plan.risks.get(reference="R1")
    return {
        "version": risk.version,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "review_note": "Reviewed at the quarter's risk meeting.",
        "reviewed_on": timezone.localdate().strftime("%d/%m/%Y"),
    }


def _visit(w):
    return {"slug": w.plan.slug, "pk": w.plan.visits().get().pk}


def _finding(w):
    visit = w.plan.visits().get()
    return {"slug": w.plan.slug, "pk": visit.pk, "finding_pk": visit.findings.get().pk}


def _meeting(w):
    return {"pk": w.pack.meeting.pk}


def _person(w):
    return {"slug": w.plan.slug, "pk": w.users["officer"].pk}


def _invitation(w):
    return {"slug": w.plan.slug, "pk": w.plan.invitations.get().pk}


# The plan's people: its improvement leads change them and are sent back to the page.
CHANGE_PEOPLE = row(LOGIN, F, F, N, F, F, REDIRECT, N, N, REDIRECT)
TURN_OFF = every(REDIRECT, anonymous=LOGIN) | {"chair": OK}
RECORD_AND_RETURN = row(LOGIN, N, N, N, F, F, REDIRECT, N, N, REDIRECT, board_secretary=REDIRECT)

SITE = {
    "improvement:my_actions": Cell(get=SIGNED_IN, post=GET_ONLY),
    # Lists: every signed-in user gets one, holding only what they may read (possibly nothing).
    "improvement:plans": Cell(get=SIGNED_IN, post=GET_ONLY),
    "improvement:plan": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    # Sign-in's landing: a redirect by role for everyone signed in.
    "dashboard:landing": Cell(get=every(REDIRECT, anonymous=LOGIN), post=GET_ONLY),
    # Whoever reads the plan reads its dashboard; another council's users get the 404.
    "dashboard:plan": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    "improvement:plan_download": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    # The whole plan in the importer's layout: its improvement leads only; other readers 403.
    "improvement:plan_workbook": Cell(get=SIGN_OFF, post=GET_ONLY, kwargs=_plan),
    "improvement:recommendation": Cell(
        get=READ_PLAN,
        post=GET_ONLY,
        kwargs=lambda w: {"slug": w.plan.slug, "reference": w.recommendation.reference},
    ),
    "improvement:action": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=action_kwargs),
    "improvement:action_update": Cell(
        get=UPDATE_ACTION, post=SAVED_UPDATE, kwargs=action_kwargs, data=update_data
    ),
    "improvement:action_sign_off": Cell(
        get=SIGN_OFF,
        post=SIGN_OFF,
        kwargs=action_kwargs,
        data=lambda w: {"version": w.action.version, "decision": "sign_off", "comment": ""},
    ),
    # The plan's actions awaiting sign-off: its improvement leads; other readers 403.
    "improvement:sign_off_queue": Cell(get=SIGN_OFF, post=GET_ONLY, kwargs=_plan),
    # The reminders sent to the plan's people: its improvement leads; other readers 403.
    "improvement:reminders": Cell(get=SIGN_OFF, post=GET_ONLY, kwargs=_plan),
    # The workbook import into the plan: its improvement leads; other readers 403. The POST is
    # the upload step with no file: the lead is shown the form again, nothing is stored.
    "improvement:plan_import": Cell(get=SIGN_OFF, post=SIGN_OFF, kwargs=_plan),
    "improvement:evidence": Cell(
        get=READ_PLAN,
        post=GET_ONLY,
        kwargs=lambda w: {**action_kwargs(w), "pk": w.evidence.pk},
    ),
    "improvement:measures": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    "improvement:measure": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_measure),
    # The world's measure has no owner: only improvement leads record its values.
    "improvement:measure_value_new": Cell(
        get=SIGN_OFF, post=SIGN_OFF, kwargs=_measure, data=lambda w: {"value": ""}
    ),
    # Whoever reads the plan reads its monitoring visits; its improvement leads record visits,
    # add findings and link or make the actions answering them; other readers 403. Each POST
    # is incomplete: the lead is shown the form again, nothing is stored.
    # Filtered to the findings with no action: the page with both of its tables.
    "improvement:visits": Cell(
        get=READ_PLAN, post=GET_ONLY, kwargs=_plan, query=lambda w: "unanswered=on"
    ),
    "improvement:visit": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_visit),
    "improvement:visit_new": Cell(
        get=SIGN_OFF, post=SIGN_OFF, kwargs=_plan, data=lambda w: {"theme": ""}
    ),
    "improvement:finding_new": Cell(
        get=SIGN_OFF, post=SIGN_OFF, kwargs=_visit, data=lambda w: {"text": ""}
    ),
    "improvement:finding_link": Cell(
        get=SIGN_OFF, post=SIGN_OFF, kwargs=_finding, data=lambda w: {"actions": []}
    ),
    "improvement:finding_action_new": Cell(
        get=SIGN_OFF, post=SIGN_OFF, kwargs=_finding, data=lambda w: {"reference": ""}
    ),
    # The people of the plan and invitations to it: its improvement leads; other readers 403.
    "improvement:people": Cell(get=SIGN_OFF, post=GET_ONLY, kwargs=_plan),
    # An invitation with no address: the form again with the error, nobody is invited.
    "improvement:people_invite": Cell(
        get=SIGN_OFF, post=SIGN_OFF, kwargs=_plan, data=lambda w: {"email": "", "role": ""}
    ),
    "improvement:person": Cell(get=SIGN_OFF, post=GET_ONLY, kwargs=_person),
    # Removing a role the officer does not hold: the lead is told so, nothing changes.
    "improvement:roles": Cell(
        get=GET_ONLY,
        post=CHANGE_PEOPLE,
        kwargs=_person,
        data=lambda w: {"role": "board_chair", "change": "remove"},
    ),
    # No lead chosen: the lead is told so, nothing changes.
    "improvement:leads": Cell(
        get=GET_ONLY, post=CHANGE_PEOPLE, kwargs=_person, data=lambda w: {"change": "link"}
    ),
    "improvement:invitation_revoke": Cell(get=GET_ONLY, post=CHANGE_PEOPLE, kwargs=_invitation),
    # The link's page: anyone signed out may open it (a password form; empty, it says what is
    # missing); signed in, it is only for the invited address, which is no persona's.
    "improvement:invitation": Cell(
        get=every(F, anonymous=OK),
        post=every(F, anonymous=OK),
        kwargs=lambda w: {"token": INVITATION_TOKEN},
    ),
    "boards:list": Cell(get=SIGNED_IN, post=GET_ONLY),
    # Whoever reads the plan reads its risk register; the risk's owner (the officer) and the
    # plan's improvement leads review a risk, chairs and members read only, another officer
    # who does not own it is refused, and another council's users find nothing.
    "improvement:risk_register": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_plan),
    "improvement:risk": Cell(get=READ_PLAN, post=GET_ONLY, kwargs=_risk),
    "improvement:risk_update": Cell(
        get=UPDATE_ACTION, post=SAVED_UPDATE, kwargs=_risk, data=_risk_review
    ),
    "boards:board": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.board.pk}),
    "boards:issue": Cell(
        get=ISSUE_PACKS,
        post=ISSUE_PACKS,
        kwargs=lambda w: {"pk": w.board.pk, "slug": w.plan.slug},
        # A date in the future: the lead's form is shown again with the error, nothing is built.
        data=lambda w: {"as_at": "31/12/2099"},
    ),
    "boards:draft": Cell(
        get=ISSUE_PACKS,
        post=GET_ONLY,
        kwargs=lambda w: {"pk": w.board.pk, "slug": w.plan.slug},
        query=lambda w: "as_at=" + w.pack.as_at.strftime("%d/%m/%Y"),
    ),
    "boards:retry": Cell(
        get=GET_ONLY,
        # An issued pack is final: the lead is told so and sent back to the pack's page.
        post=row(LOGIN, N, N, N, F, F, REDIRECT, N, N, REDIRECT),
        kwargs=lambda w: {"pk": w.pack.pk},
    ),
    "boards:pack": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.pack.pk}),
    "boards:download": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.pack.pk}),
    "boards:archive": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.pack.pk}),
    "boards:preview": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: {"pk": w.pack.pk}),
    "boards:meeting": Cell(get=READ_PACKS, post=GET_ONLY, kwargs=lambda w: _meeting(w)),
    # Recording a meeting: its board secretaries and improvement leads; chairs and members read
    # only; another council's secretary finds nothing. Invalid data: the form again.
    "boards:meeting_new": Cell(
        get=RECORD_MEETINGS,
        post=RECORD_MEETINGS,
        kwargs=lambda w: {"pk": w.board.pk},
        data=lambda w: {"held_on": "nonsense"},
    ),
    "boards:meeting_edit": Cell(
        get=RECORD_MEETINGS, post=RECORD_MEETINGS, kwargs=_meeting, data=lambda w: {"held_on": ""}
    ),
    "boards:decision_new": Cell(
        get=RECORD_MEETINGS, post=RECORD_MEETINGS, kwargs=_meeting, data=lambda w: {"text": ""}
    ),
    "boards:meeting_action_new": Cell(
        get=RECORD_MEETINGS, post=RECORD_MEETINGS, kwargs=_meeting, data=lambda w: {"text": ""}
    ),
    # With no closing note the action stays open: the lead is sent back to the meeting.
    "boards:meeting_action_close": Cell(
        get=GET_ONLY,
        post=RECORD_AND_RETURN,
        kwargs=lambda w: {**_meeting(w), "item_pk": w.pack.meeting.actions.get().pk},
        data=lambda w: {"closing_note": ""},
    ),
    # The world's meeting is the board's first: nothing to agree, the lead is told so.
    "boards:agree_minutes": Cell(get=GET_ONLY, post=RECORD_AND_RETURN, kwargs=_meeting),
    "login": Cell(
        get=every(REDIRECT, anonymous=OK),
        post=every(REDIRECT, anonymous=OK),
        data=lambda w: {"username": "officer", "password": "not the password"},
    ),
    # The sign-in's second step exists only while a password sign-in waits for its code: with
    # none waiting (every persona here), both send to the sign-in page (without ?next=).
    "second_factor_code": Cell(
        get=every(REDIRECT), post=every(REDIRECT), data=lambda w: {"code": "000000"}
    ),
    "second_factor_setup": Cell(
        get=every(REDIRECT), post=every(REDIRECT), data=lambda w: {"code": "000000"}
    ),
    # Each user's own Sign-in security: nobody reaches another's. A wrong code on the set-up
    # page shows it again; with no new codes to show, the codes page goes back to the page.
    "sign_in_security": Cell(get=SIGNED_IN, post=GET_ONLY),
    "second_factor_turn_on": Cell(get=SIGNED_IN, post=SIGNED_IN, data=lambda w: {"code": "000000"}),
    "second_factor_recovery_codes": Cell(get=every(REDIRECT, anonymous=LOGIN), post=GET_ONLY),
    "second_factor_new_recovery_codes": Cell(get=GET_ONLY, post=every(REDIRECT, anonymous=LOGIN)),
    # Only someone with two factors on who need not have them (the world's chair) may turn them
    # off; a wrong password shows the form again. Everyone else is sent back to the page.
    "second_factor_turn_off": Cell(
        get=TURN_OFF, post=TURN_OFF, data=lambda w: {"password": "not the password"}
    ),
    "logout": Cell(get=every(NA), post=every(REDIRECT)),
    "password_change": Cell(
        get=SIGNED_IN, post=SIGNED_IN, data=lambda w: {"old_password": "wrong"}
    ),
    "password_change_done": Cell(get=SIGNED_IN, post=GET_ONLY),
    "password_reset": Cell(get=every(OK), post=every(OK), data=lambda w: {"email": "x"}),
    "password_reset_done": Cell(get=every(OK), post=every(NA)),
    "password_reset_confirm": Cell(
        get=every(OK),
        post=every(OK),
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
    ),
    "password_reset_complete": Cell(get=every(OK), post=every(NA)),
    # The health check: anyone, load balancers included; statuses only, never data.
    "operations:health": Cell(get=every(OK), post=every(NA)),
    # Council sign-in: the page for everyone; an address in no council's domain is sent back to
    # the sign-in page (400), as is an answer from a provider to a sign-in nobody started here.
    "sso:start": Cell(
        get=every(OK), post=every(400), data=lambda w: {"email": "someone@nowhere.example"}
    ),
    "sso:callback": Cell(get=every(400), post=every(NA)),
    # Each user's own list and settings: nobody reaches another's, so every persona gets its own.
    "notices:list": Cell(get=SIGNED_IN, post=every(REDIRECT, anonymous=LOGIN)),
    "notices:settings": Cell(
        get=SIGNED_IN,
        post=every(REDIRECT, anonymous=LOGIN),
        data=lambda w: {"pack_issued": "on"},
    ),
}
