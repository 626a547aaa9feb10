"""The forms of the people pages and of the invitation's accept page."""

from django import forms
from django.contrib.auth import get_user_model, password_validation

from improvement.forms import GovukForm
from improvement.models import Invitation, Lead, Plan, PlanRole
from improvement.people_selectors import authority_leads

LEAD_NEEDED = "Choose the lead this person will act for."
NO_LEAD_FOR_ROLE = "Only officers and risk owners act for a lead: choose no lead for this role."
NOT_A_LEAD_OF = "Choose one of %(authority)s's leads."
PASSWORDS_DIFFER = "The two passwords are not the same."


class _Lead(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation})" if obj.organisation else obj.name


def _lead_field(*, required: bool, label: str, help_text: str = "") -> _Lead:
    return _Lead(
        label=label,
        queryset=Lead.objects.none(),
        required=required,
        empty_label="None" if not required else "Choose a lead",
        help_text=help_text,
    )


def _leads_of(form, plan: Plan) -> None:
    # Only the plan's council's leads are choices: another council's lead is an invalid choice.
    field = form.fields["lead"]
    field.queryset = authority_leads(plan)
    field.error_messages["invalid_choice"] = NOT_A_LEAD_OF % {"authority": plan.authority}


class InviteForm(GovukForm):
    # The address becomes the username of the account made on accepting: 150 characters at most.
    email = forms.EmailField(
        label="E-mail address",
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", choices=Invitation.Role.choices)
    lead = _lead_field(
        required=False,
        label="Lead (officers and risk owners)",
        help_text="The post or person they will act for; leave as None for other roles.",
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        _leads_of(self, plan)

    def clean(self):
        data = super().clean()
        role, lead = data.get("role"), data.get("lead")
        if role in Invitation.LEAD_ROLES and lead is None and "lead" not in self.errors:
            self.add_error("lead", LEAD_NEEDED)
        elif role and role not in Invitation.LEAD_ROLES and lead is not None:
            self.add_error("lead", NO_LEAD_FOR_ROLE)
        return data


class RoleChangeForm(GovukForm):
    role = forms.ChoiceField(label="Role", choices=PlanRole.Role.choices)
    change = forms.ChoiceField(choices=[("add", "Give"), ("remove", "Remove")])


class LeadChangeForm(GovukForm):
    change = forms.ChoiceField(choices=[("link", "Link"), ("unlink", "Unlink")])
    lead = _lead_field(required=True, label="Link to a lead")

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        _leads_of(self, plan)


class NewAccountForm(GovukForm):
    """A password for the invited address, checked by the site's password validators."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validation.password_validators_help_texts()),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", PASSWORDS_DIFFER)
        elif first:
            # The account to be, so "too similar to your e-mail address" is checked too.
            future = get_user_model()(username=self.email, email=self.email)
            try:
                password_validation.validate_password(first, user=future)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
