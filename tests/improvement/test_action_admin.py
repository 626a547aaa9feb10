"""An admin changing an action's progress goes through record_progress, like an officer does."""

import pytest
from django.urls import reverse

from improvement.admin import STALE_ADMIN_EDIT
from improvement.models import ProgressUpdate, Rag, Status
from improvement.services import COMMENTARY_REQUIRED, record_progress
from tests.adminforms import posted_form
from tests.factories import ActionFactory, ProgressUpdateFactory


@pytest.fixture
def action(plan, officer_lead):
    return ActionFactory(plan=plan, lead=officer_lead, text="Recruit permanent social workers")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _change_url(action):
    return reverse("admin:improvement_action_change", args=[action.pk])


def _opened(admin_client, action) -> dict:
    return posted_form(admin_client.get(_change_url(action)))


def test_a_rag_and_status_change_in_the_admin_writes_one_update_in_the_admins_name(
    admin_client, admin_user, action
):
    form = _opened(admin_client, action)
    form.update(progress_rag=Rag.AMBER, status=Status.IN_PROGRESS, commentary="Two posts filled.")

    response = admin_client.post(_change_url(action), form)

    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=action)
    assert update.by == admin_user
    assert (update.progress_rag_before, update.progress_rag_after) == (Rag.NOT_RATED, Rag.AMBER)
    assert (update.status_before, update.status_after) == (Status.NOT_STARTED, Status.IN_PROGRESS)
    action.refresh_from_db()
    assert (action.progress_rag, action.status, action.version) == (Rag.AMBER, "in_progress", 2)
    assert action.commentary == "Two posts filled."


def test_a_rag_change_without_new_commentary_is_refused_in_the_form(admin_client, action):
    form = _opened(admin_client, action)
    form["progress_rag"] = Rag.GREEN

    response = admin_client.post(_change_url(action), form)

    assert response.status_code == 200
    assert COMMENTARY_REQUIRED in response.context["adminform"].form.errors["commentary"]
    action.refresh_from_db()
    assert (action.progress_rag, action.version) == (Rag.NOT_RATED, 1)
    assert not ProgressUpdate.objects.exists()


def test_editing_only_the_text_writes_no_update_but_moves_the_version(admin_client, action):
    form = _opened(admin_client, action)
    form["text"] = "Recruit and keep permanent social workers"

    assert admin_client.post(_change_url(action), form).status_code == 302

    action.refresh_from_db()
    assert (action.text, action.version) == ("Recruit and keep permanent social workers", 2)
    assert not ProgressUpdate.objects.exists()


def test_a_save_from_a_page_opened_before_someone_elses_update_is_refused(
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
    form.update(progress_rag=Rag.GREEN, commentary="All posts filled.", text="Changed text")

    response = admin_client.post(_change_url(action), form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith(STALE_ADMIN_EDIT.split("(")[0])
    assert "officer changed" in errors[0]
    assert "progress rag" in errors[0].lower()
    action.refresh_from_db()
    assert (action.progress_rag, action.commentary, action.version) == (
        Rag.RED,
        "Agency staff left.",
        2,
    )
    assert action.text == "Recruit permanent social workers"
    assert ProgressUpdate.objects.filter(action=action).count() == 1


def test_a_stale_text_only_edit_is_refused_too(admin_client, action, officer):
    form = _opened(admin_client, action)
    record_progress(
        action=action, by=officer, expected_version=1, status="in_progress", commentary="Begun."
    )
    form["text"] = "Overwritten"

    response = admin_client.post(_change_url(action), form)

    assert response.status_code == 200
    action.refresh_from_db()
    assert (action.text, action.status) == ("Recruit permanent social workers", "in_progress")


def test_progress_updates_cannot_be_changed_or_deleted_in_the_admin(admin_client, action):
    update = ProgressUpdateFactory(action=action, commentary="As recorded")
    change = reverse("admin:improvement_progressupdate_change", args=[update.pk])
    delete = reverse("admin:improvement_progressupdate_delete", args=[update.pk])

    assert admin_client.post(change, {"commentary": "Rewritten"}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(change).status_code == 200  # still readable

    update.refresh_from_db()
    assert update.commentary == "As recorded"


def test_the_action_page_lists_its_updates_read_only(admin_client, action):
    ProgressUpdateFactory(action=action, commentary="First look at caseloads")

    response = admin_client.get(_change_url(action))

    assert "First look at caseloads" in response.content.decode()
    inline = next(
        i for i in response.context["inline_admin_formsets"] if i.opts.model is ProgressUpdate
    )
    assert not inline.has_change_permission
    assert not inline.has_delete_permission


def test_the_action_list_shows_the_rag_as_a_labelled_tag(admin_client, action):
    action.progress_rag = Rag.RED
    action.save()

    html = admin_client.get(reverse("admin:improvement_action_changelist")).content.decode()

    assert '<strong class="govuk-tag tracker-rag tracker-rag--red">Red</strong>' in html


def test_progress_and_text_saved_together_write_one_update_and_keep_both(
    admin_client, admin_user, action
):
    form = _opened(admin_client, action)
    form.update(status=Status.IN_PROGRESS, commentary="Started.", text="Recruit 20 social workers")

    assert admin_client.post(_change_url(action), form).status_code == 302

    action.refresh_from_db()
    assert (action.status, action.text, action.version) == (
        "in_progress",
        "Recruit 20 social workers",
        2,
    )
    assert ProgressUpdate.objects.get(action=action).by == admin_user
    assert action.history.first().history_user == admin_user
