from improvement.forms import SIGN_IN_FAILED


def test_a_wrong_password_is_refused_with_a_clear_error(client, officer):
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": "wrong horse battery staple"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert SIGN_IN_FAILED in page
    assert "There is a problem" in page
    assert "_auth_user_id" not in client.session


def test_an_officer_signs_in_and_lands_on_my_actions(client, officer):
    response = client.post(
        "/accounts/login/?next=/",
        {"username": "officer", "password": "correct horse battery staple", "next": "/"},
        follow=True,
    )

    assert response.redirect_chain == [("/start/", 302), ("/", 302)]
    assert '<h1 class="govuk-heading-l">My actions</h1>' in response.content.decode()


def test_the_sign_in_page_labels_its_fields(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert '<label class="govuk-label" for="id_username">Username</label>' in page
    assert '<label class="govuk-label" for="id_password">Password</label>' in page
