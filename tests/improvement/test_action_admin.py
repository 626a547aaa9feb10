"""An installation admin edits what an action is in the admin; its progress, evidence and sign-off
are recorded on the site's update page, and the admin only shows them."""

import datetime

import pytest
from django.urls import reverse

from improvement.admin.actions import PROGRESS_ONCE_SAVED, RECORD_PROGRESS_ON_THE_SITE
from improvement.models import Action, Evidence, ProgressUpdate, Rag, Status
from improvement.services import record_progress
from tests.adminforms import posted_form
from tests.factories import ActionFactory, EvidenceFactory, ProgressUpdateFactory

# Everything the site's update and sign-off pages own, as the admin would have posted it.
PROGRESS_POST = {
    "status": Status.COMPLETE,
    "progress_rag": Rag.GREEN,
    "impact_rag": Rag.BLUE,
    "commentary": "Rewritten in the admin",
    "impact_evidence": "Claimed in the admin",
    "completed_on": "2017-03-31",
    "due_on": "2018-01-31",
    "due_needs_review": "on",
    "due_reason": "Moved in the admin",
    "version": "99",
    "expected_version": "1",
}
PROGRESS_FIELDS = [
    "status",
    "progress_rag",
    "impact_rag",
    "commentary",
    "impact_evidence",
    "completed_on",
    "due_on",
    "due_needs_review",
    "version",
]


@pytest.fixture
def action(plan, officer_lead):
    return ActionFactory(
        plan=plan,
        lead=officer_lead,
        text="Recruit permanent social workers",
        due_on=datetime.date(2017, 6, 30),
        status=Status.IN_PROGRESS,
        progress_rag=Rag.AMBER,
        commentary="Two posts filled.",
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _change_url(action):
    return reverse("admin:improvement_action_change", args=[action.pk])


def _update_page(action):
    kwargs = {"slug": action.plan.slug, "reference": action.reference}
    return reverse("improvement:action_update", kwargs=kwargs)


def _opened(admin_client, action) -> dict:
    return posted_form(admin_client.get(_change_url(action)))


def _progress_of(action) -> dict:
    action.refresh_from_db()
    return {name: getattr(action, name) for name in PROGRESS_FIELDS}


def test_an_admin_opening_an_action_sees_its_progress_read_only_and_a_link_to_the_update_page(
    admin_client, action
):
    page = admin_client.get(_change_url(action))

    form = page.context["adminform"].form
    assert not set(PROGRESS_FIELDS) & set(form.fields)
    assert {"text", "theme", "objective", "lead", "co_leads", "recommendations", "order"} <= set(
        form.fields
    )
    html = page.content.decode()
    assert f'<a href="{_update_page(action)}">{RECORD_PROGRESS_ON_THE_SITE}</a>' in html
    assert '<strong class="govuk-tag tracker-rag tracker-rag--amber">Amber</strong>' in html
    assert '<div class="readonly">Two posts filled.</div>' in html


def test_a_post_that_tries_to_change_progress_leaves_it_as_it_was_and_writes_no_update(
    admin_client, action
):
    before = _progress_of(action)
    form = _opened(admin_client, action)
    form.update(PROGRESS_POST)

    response = admin_client.post(_change_url(action), form)

    assert response.status_code == 302
    assert _progress_of(action) == before
    assert action.history.count() == 1
    assert not ProgressUpdate.objects.exists()


def test_the_admin_still_saves_a_new_title_in_the_admins_name_as_one_version_and_one_update(
    admin_client, admin_user, action
):
    form = _opened(admin_client, action)
    form["text"] = "Recruit and keep permanent social workers"

    assert admin_client.post(_change_url(action), form).status_code == 302

    action.refresh_from_db()
    assert (action.text, action.version) == ("Recruit and keep permanent social workers", 2)
    assert action.history.first().history_user == admin_user
    [update] = ProgressUpdate.objects.filter(action=action)
    assert (update.by, update.action_version) == (admin_user, 2)
    assert update.commentary == "Details changed in the admin: Text."
    assert update.progress_rag_after == update.progress_rag_before


def test_a_save_with_no_change_moves_nothing(admin_client, action):
    form = _opened(admin_client, action)

    assert admin_client.post(_change_url(action), form).status_code == 302

    action.refresh_from_db()
    assert action.version == 1
    assert action.history.count() == 1


def test_an_update_recorded_on_the_site_while_the_admin_page_was_open_is_kept(
    admin_client, action, officer
):
    form = _opened(admin_client, action)
    record_progress(
        action=action,
        by=officer,
        expected_version=1,
        progress_rag=Rag.RED,
        commentary="Agency staff left.",
    )
    form["text"] = "Recruit 20 social workers"

    assert admin_client.post(_change_url(action), form).status_code == 302

    action.refresh_from_db()
    assert (action.text, action.progress_rag, action.commentary, action.version) == (
        "Recruit 20 social workers",
        Rag.RED,
        "Agency staff left.",
        3,
    )
    assert list(
        action.updates.order_by("action_version").values_list("action_version", flat=True)
    ) == [2, 3]


def test_a_new_action_starts_unrated_whatever_the_add_form_is_sent(admin_client, plan):
    add = reverse("admin:improvement_action_add")
    page = admin_client.get(add)
    assert PROGRESS_ONCE_SAVED in page.content.decode()
    form = posted_form(page)
    form.update({k: v for k, v in PROGRESS_POST.items() if not k.startswith("due")})
    form.update(plan=plan.pk, reference="JAN17-1", text="Audit case files monthly")
    form["due_on"] = "2017-06-30"  # the plan's own date, which adding an action may give

    response = admin_client.post(add, form)

    assert response.status_code == 302
    added = Action.objects.get(reference="JAN17-1")
    assert (added.status, added.progress_rag, added.impact_rag, added.commentary) == (
        Status.NOT_STARTED,
        Rag.NOT_RATED,
        Rag.NOT_RATED,
        "",
    )
    assert (added.due_on, added.completed_on, added.version) == (
        datetime.date(2017, 6, 30),
        None,
        1,
    )
    [first] = added.updates.all()
    assert (first.action_version, first.commentary) == (1, "Added in the admin.")
    assert added.history.count() == 1


# Progress updates and evidence: the admin reads them and writes none -------------------------


def _admin_url(obj, page):
    opts = obj._meta
    args = [] if page == "add" else [obj.pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)


AS_RECORDED = {"update": "As recorded", "evidence": "Caseload audit"}


@pytest.fixture
def update(action):
    return ProgressUpdateFactory(action=action, commentary=AS_RECORDED["update"])


@pytest.fixture
def evidence(action, update):
    return EvidenceFactory(action=action, update=update, description=AS_RECORDED["evidence"])


@pytest.mark.parametrize("kind", ["update", "evidence"])
@pytest.mark.parametrize(
    ("page", "method", "data"),
    [
        ("add", "get", None),
        ("add", "post", {"commentary": "Invented", "description": "Invented", "link": "x"}),
        ("change", "post", {"commentary": "Rewritten", "description": "Rewritten"}),
        ("delete", "get", None),
        ("delete", "post", {"post": "yes"}),
    ],
)
def test_the_admin_refuses_to_add_change_or_delete_a_progress_update_or_evidence(
    admin_client, request, kind, page, method, data
):
    row = request.getfixturevalue(kind)
    recorded = (ProgressUpdate.objects.count(), Evidence.objects.count())
    url = _admin_url(row, page)

    response = getattr(admin_client, method)(url, data) if data else admin_client.get(url)

    assert response.status_code == 403
    assert (ProgressUpdate.objects.count(), Evidence.objects.count()) == recorded
    row.refresh_from_db()
    assert (row.commentary if kind == "update" else row.description) == AS_RECORDED[kind]


@pytest.mark.parametrize("kind", ["update", "evidence"])
def test_progress_updates_and_evidence_stay_readable_in_the_admin(admin_client, request, kind):
    row = request.getfixturevalue(kind)

    page = admin_client.get(_admin_url(row, "change"))

    assert page.status_code == 200
    assert not page.context["adminform"].form.fields


def test_the_action_page_lists_its_updates_and_evidence_read_only(admin_client, action, evidence):
    page = admin_client.get(_change_url(action))

    html = page.content.decode()
    assert AS_RECORDED["update"] in html
    assert evidence.link in html
    inlines = {i.opts.model: i for i in page.context["inline_admin_formsets"]}
    for model in (ProgressUpdate, Evidence):
        assert not inlines[model].has_add_permission
        assert not inlines[model].has_change_permission
        assert not inlines[model].has_delete_permission


def test_evidence_ticked_for_deletion_on_the_action_page_stays(admin_client, action, evidence):
    form = _opened(admin_client, action)
    form["evidence-0-DELETE"] = "on"
    form["updates-0-DELETE"] = "on"

    admin_client.post(_change_url(action), form)

    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert ProgressUpdate.objects.count() == 1


def test_the_action_list_shows_the_rag_as_a_labelled_tag(admin_client, action):
    action.progress_rag = Rag.RED
    action.save()

    html = admin_client.get(reverse("admin:improvement_action_changelist")).content.decode()

    assert '<strong class="govuk-tag tracker-rag tracker-rag--red">Red</strong>' in html
