"""A lead's reminder digest: what it lists and why, with links to update each, one a day at
most, never to anyone of another council, and not at all for who turned reminders off. Sent
through a real SMTP server (the `mailbox` fixture)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from improvement.models import ReminderDigest, Status
from improvement.reminding import DIGEST_SUBJECT, lines_for
from notices.models import EmailChoice, Kind
from tests import factories

D = datetime.date
MONDAY = D(2017, 3, 6)
SITE = "https://tracker.council.example"


@pytest.fixture
def officers_work(plan, officer_lead, officer, foreign_officer):
    """The Anytown officer's actions and risk, each needing a reminder for its own reason or
    none; and the Otherton officer's overdue action, of another council."""
    late = factories.ActionFactory(
        plan=plan,
        reference="A1",
        text="Audit case files",
        lead=officer_lead,
        status=Status.IN_PROGRESS,
        due_on=D(2017, 2, 28),
    )
    factories.ProgressUpdateFactory(action=late, at=_noon(D(2017, 3, 1)))
    soon = factories.ActionFactory(
        plan=plan,
        reference="A2",
        text="Train the social workers",
        lead=officer_lead,
        status=Status.NOT_STARTED,
        due_on=D(2017, 3, 13),
    )
    factories.ProgressUpdateFactory(action=soon, at=_noon(D(2017, 3, 1)))
    # Co-led only, and not updated since January.
    stale = factories.ActionFactory(
        plan=plan,
        reference="A3",
        text="Recruit permanent managers",
        status=Status.IN_PROGRESS,
        due_on=D(2017, 9, 30),
    )
    stale.co_leads.add(officer_lead)
    factories.ProgressUpdateFactory(action=stale, at=_noon(D(2017, 1, 2)))
    on_track = factories.ActionFactory(
        plan=plan,
        reference="A4",
        lead=officer_lead,
        status=Status.IN_PROGRESS,
        due_on=D(2017, 9, 30),
    )
    factories.ProgressUpdateFactory(action=on_track, at=_noon(D(2017, 3, 1)))
    factories.ActionFactory(
        plan=plan,
        reference="A5",
        lead=officer_lead,
        status=Status.COMPLETE,
        due_on=D(2017, 1, 31),
    )
    factories.RiskFactory(
        plan=plan,
        reference="R1",
        description="Agency staff leave",
        owner=officer_lead,
        reviewed_on=D(2016, 11, 1),
    )
    factories.RiskFactory(plan=plan, reference="R2", owner=officer_lead, reviewed_on=D(2017, 2, 1))
    foreign_action = foreign_officer.leads.get().actions.get()
    foreign_action.due_on = D(2017, 1, 31)
    foreign_action.save()
    return plan


def _noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def send(on=MONDAY):
    call_command("send_reminders", "--on", on.isoformat(), stdout=io.StringIO())


def test_the_digest_lists_each_action_and_risk_that_needs_the_lead_with_why_and_a_link(
    officers_work, officer, mailbox
):
    send()

    [digest] = mailbox.to(officer.email)
    assert digest.subject == DIGEST_SUBJECT % {"count": 4}
    text = digest.text
    assert "A1: Audit case files" in text
    assert "Overdue: it was due on 28 February 2017" in text
    assert f"{SITE}/plans/anytown/actions/A1/update/" in text
    assert "A2: Train the social workers" in text
    assert "Due soon: it is due on 13 March 2017" in text
    assert "A3: Recruit permanent managers" in text
    assert "No progress update for 30 days" in text
    assert "Risk R1: Agency staff leave" in text
    assert "Review due: last reviewed 1 November 2016" in text
    assert f"{SITE}/plans/anytown/risks/R1/update/" in text
    # Soonest due first, the risks after the actions.
    order = [text.index(line) for line in ("A1:", "A2:", "A3:", "Risk R1:")]
    assert order == sorted(order)
    for not_needing in ("A4", "A5", "R2"):
        assert f"{not_needing}:" not in text
    assert f'href="{SITE}/plans/anytown/actions/A2/update/"' in digest.html


def test_a_lead_gets_one_digest_a_day_however_often_it_runs(officers_work, officer, mailbox):
    send()
    send()

    assert len(mailbox.to(officer.email)) == 1
    assert ReminderDigest.objects.filter(user=officer, sent_on=MONDAY).count() == 1

    send(MONDAY + datetime.timedelta(days=1))
    assert len(mailbox.to(officer.email)) == 2


def test_nobody_of_another_council_hears_of_anytowns_work_and_each_hears_only_their_own(
    officers_work, officer, foreign_officer, improvement_lead, mailbox
):
    send()

    assert mailbox.recipients() == sorted([officer.email, foreign_officer.email])
    [foreign] = mailbox.to(foreign_officer.email)
    assert "OTH-1" in foreign.text
    assert "anytown" not in foreign.text.lower()
    assert "OTH-1" not in mailbox.to(officer.email)[0].text


def test_a_lead_who_turned_reminders_off_in_their_settings_gets_none(
    officers_work, officer, client, mailbox
):
    client.force_login(officer)
    settings_page = client.get("/notifications/settings/").content.decode()
    assert Kind.REMINDER.label in settings_page
    # Every box ticked but the reminders'.
    client.post(
        "/notifications/settings/", {kind: "on" for kind in Kind.values if kind != Kind.REMINDER}
    )
    assert EmailChoice.objects.kinds_off_for(officer) == {Kind.REMINDER}

    send()

    assert mailbox.to(officer.email) == []
    assert not ReminderDigest.objects.filter(user=officer).exists()


def test_a_lead_with_nothing_to_be_reminded_of_gets_nothing(plan, officer, mailbox):
    send()
    assert mailbox.arrived == []


def test_the_plans_improvement_lead_sees_what_was_sent_and_only_this_plans_lines(
    officers_work, officer, improvement_lead, client, mailbox
):
    other_plan = factories.PlanFactory(slug="anytown-adults", title="Adults' plan")
    factories.ActionFactory(
        plan=other_plan, reference="AD-1", lead=officer.leads.get(), due_on=D(2017, 1, 1)
    )
    send()

    client.force_login(improvement_lead)
    page = client.get("/plans/anytown/reminders/").content.decode()
    assert "Olive Officer" in page
    assert "6 Mar 2017" in page
    assert 'href="/plans/anytown/actions/A1/update/"' in page
    assert "AD-1" not in page  # another plan's line of the same digest
    assert ReminderDigest.objects.get(user=officer).lines_of(other_plan)[0]["reference"] == "AD-1"


def test_a_leads_lines_cost_the_same_queries_however_many_there_are(
    officers_work, officer, officer_lead, django_assert_num_queries
):
    with django_assert_num_queries(3) as few:
        assert len(lines_for(officer, on=MONDAY)) == 4
    for n in range(5):
        factories.ActionFactory(
            plan=officers_work, reference=f"B{n}", lead=officer_lead, due_on=D(2017, 1, 1)
        )
        factories.RiskFactory(plan=officers_work, reference=f"S{n}", owner=officer_lead)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(lines_for(officer, on=MONDAY)) == 14
