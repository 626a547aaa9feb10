"""Sign-in lock-out page and password reset by e-mail.

Reset is offered only where e-mail is configured (settings.EMAIL_CONFIGURED): elsewhere its pages
do not exist. A reset never says a message went when it did not.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import get_connection
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from improvement import pending_sign_in, second_factor
from improvement.forms import SignInForm
from notices.services import tell_on_commit
from notices.tasks import send_password_reset

logger = logging.getLogger(__name__)

SIGN_IN_LOCKED = (
    "This account is locked because the password was entered wrongly too many times. "
    "Ask an administrator to unlock it."
)
SIGN_IN_LOCKED_UNTIL = "If nobody unlocks it, you can try again in %(wait)s."
RESET_NOT_SENT = (
    "We could not send the password reset e-mail. Try again later, or ask an administrator "
    "to reset your password."
)
RESET_NOT_OFFERED = "Password reset by e-mail is not available: ask an administrator."


def _wait_words(wait: timedelta) -> str:
    minutes = round(wait.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    words = []
    if hours:
        words.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        words.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " and ".join(words)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out answer: the sign-in page, saying what happened and what to do.

    The same page for the site's sign-in and the admin's, so a locked officer always sees it.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "form": SignInForm(request),
        "next": request.POST.get("next", ""),
        "locked_out": SIGN_IN_LOCKED,
        "locked_until": SIGN_IN_LOCKED_UNTIL % {"wait": _wait_words(cool_off)} if cool_off else "",
        "password_reset": settings.EMAIL_CONFIGURED,
    }
    return render(
        request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


class ResetNotSent(Exception):
    pass


class ResetForm(PasswordResetForm):
    """Django's reset form, but the message goes from the worker, and a mail server that would
    not take it is an error on the form.

    The server is asked (connect, MAIL FROM, reset; nothing sent) before anyone is looked up, so
    an unreachable or refusing server gives the same answer for every address, and the page still
    never says whether an address has an account. The message itself is written and sent by
    `notices.tasks.send_password_reset`, which makes the link: no token is stored with the task.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(
            {"class": "govuk-input govuk-!-width-two-thirds", "spellcheck": "false"}
        )
        self.fields["email"].label = "Email address"

    def save(self, *, request, use_https=False, domain_override=None, from_email=None, **kwargs):
        try:
            self._check_server(from_email or settings.DEFAULT_FROM_EMAIL)
        except (smtplib.SMTPException, OSError) as error:
            logger.error("Password reset e-mail not sent: %s", error)
            raise ResetNotSent from error
        domain = domain_override or get_current_site(request).domain
        site_url = f"{'https' if use_https else 'http'}://{domain}"
        for user in self.get_users(self.cleaned_data["email"]):
            tell_on_commit(send_password_reset, user.pk, site_url)

    def _check_server(self, from_email: str) -> None:
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
            # Asks the server whether it takes mail from us at all, for every address alike: a
            # refusal here must not depend on whether the address has an account.
            server = getattr(connection, "connection", None)
            if server is None:
                return
            server.ehlo_or_helo_if_needed()
            code, reply = server.mail(from_email)
            server.rset()
            if code >= 400:
                raise smtplib.SMTPSenderRefused(code, reply, from_email)
        finally:
            connection.close()


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-input govuk-!-width-one-half"


class EmailRequiredMixin:
    """The reset pages exist only where e-mail is configured."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.EMAIL_CONFIGURED:
            raise Http404(RESET_NOT_OFFERED)
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(EmailRequiredMixin, auth_views.PasswordResetView):
    form_class = ResetForm

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ResetNotSent:
            form.add_error(None, RESET_NOT_SENT)
            return self.form_invalid(form)


class PasswordResetDoneView(EmailRequiredMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(EmailRequiredMixin, auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm


class PasswordResetCompleteView(EmailRequiredMixin, auth_views.PasswordResetCompleteView):
    pass


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        # Opening the site at its address asks for "/" (My actions) and so comes here with
        # ?next=/; that is a request for the home page, which by role is LOGIN_REDIRECT_URL.
        url = super().get_redirect_url()
        return "" if url == reverse("improvement:my_actions") else url

    def form_valid(self, form):
        """The password was right. Whoever must or chose to use two factors is not signed in
        yet: the sign-in waits for their code (or, with no app yet, for them to set one up)."""
        user = form.get_user()
        needed = second_factor.needs_second_factor(user)
        chosen = second_factor.has_second_factor(user)
        if not (needed or chosen):
            return super().form_valid(form)
        pending_sign_in.start(self.request, user=user, next_url=self.get_success_url())
        return redirect("second_factor_code" if chosen else "second_factor_setup")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "password_reset": settings.EMAIL_CONFIGURED}
