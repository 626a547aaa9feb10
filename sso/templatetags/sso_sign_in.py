from django import template

from sso.csp import allow_form_action_to
from sso.forms import WorkEmailForm
from sso.models import IdentityProvider

register = template.Library()


@register.inclusion_tag("sso/council_sign_in.html", takes_context=True)
def council_sign_in(context):
    """The sign-in page's second form, shown once any council has a provider (or a council
    sign-in was just refused, to say why beside it)."""
    refused = context.get("sso_refused", "")
    form = WorkEmailForm(
        initial={"email": context.get("sso_email", ""), "next": context.get("next", "")},
        auto_id="sso_%s",
    )
    if refused:
        form.fields["email"].widget.attrs["aria-describedby"] = "sso_email-error"
    providers = list(IdentityProvider.objects.enabled().only("issuer"))
    if "request" in context:
        allow_form_action_to(context["request"], providers)
    return {
        "offered": bool(refused) or bool(providers),
        "form": form,
        "refused": refused,
        "csrf_token": context.get("csrf_token"),
    }
