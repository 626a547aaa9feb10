"""Mail the site sends on a person's own request, sent by the worker."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from notices import mail


@task()
def send_password_reset(user_id: int, site_url: str) -> None:
    """The reset link is made here, in the worker: no token is ever stored with the task."""
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return  # deactivated, or its address removed, since the request
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "site_name": settings.SITE_NAME,
        "user": user,
        "link": site_url.rstrip("/") + path,
        "reset_site": site_url,
    }
    subject = loader.render_to_string("registration/password_reset_subject.txt", context)
    mail.send(
        to=user.email,
        subject=subject,
        template="registration/password_reset_email",
        context=context,
    )
