"""Councils' identity providers, for the installation's administrators (superusers) only: a
provider decides who may sign in as a council's staff, as the Authority admin decides the
councils.

The client secret is write-only: typed once, stored encrypted (sso.secrets), never put back into
the page. The form says whether one is set; typing a new one replaces it.
"""

from django import forms
from django.contrib import admin

from sso.models import BOTH_SECRETS, Identity, IdentityProvider

SECRET_IS_SET = "A secret is set. Leave this empty to keep it, or type a new one to replace it."
SECRET_NOT_SET = (
    "The client secret's value (in Entra ID: Certificates & secrets, the Value column, not "
    "the Secret ID). It is stored encrypted and never shown again."
)


class InstallationAdminsOnly:
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request)


class IdentityProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    issuer = forms.URLField(
        label="Issuer",
        assume_scheme="https",
        help_text=IdentityProvider._meta.get_field("issuer").help_text,
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "authority",
            "name",
            "issuer",
            "client_id",
            "client_secret",
            "client_secret_env",
            "email_domains",
            "enabled",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_secret"].help_text = (
            SECRET_IS_SET if self.instance.has_stored_secret else SECRET_NOT_SET
        )

    def clean(self):
        cleaned = super().clean()
        typed, env = cleaned.get("client_secret"), cleaned.get("client_secret_env")
        if typed and env:
            self.add_error("client_secret", BOTH_SECRETS)
        elif typed:
            self.instance.store_secret(typed)
        elif env:
            # The environment now holds the secret: the stored one is dropped, not kept unused.
            self.instance.client_secret_encrypted = ""
        return cleaned


class IdentityInline(InstallationAdminsOnly, admin.TabularInline):
    model = Identity
    fields = ["user", "subject", "created_at", "last_signed_in_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    verbose_name_plural = "People who have signed in through it (delete one to unlink it)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IdentityProvider)
class IdentityProviderAdmin(InstallationAdminsOnly, admin.ModelAdmin):
    form = IdentityProviderForm
    list_display = ["name", "authority", "issuer", "enabled"]
    list_filter = ["enabled", "authority"]
    search_fields = ["name", "issuer", "email_domains"]
    list_select_related = ["authority"]
    inlines = [IdentityInline]
