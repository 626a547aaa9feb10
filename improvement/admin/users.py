"""Users in the admin: Django's own user admin, where deactivating someone also signs them out
everywhere, and the two-factor devices, which an administrator may see and delete (a user who
lost their phone sets up again) but never add or change: a key typed in here would be a second
factor someone else knows."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from improvement import leavers

User = get_user_model()
SIGNED_OUT = "%(count)s deactivated and signed out of every session."


class TrackerUserAdmin(UserAdmin):
    actions = ["deactivate_and_sign_out"]
    list_display = (*UserAdmin.list_display, "is_active", "two_factors")

    def get_queryset(self, request):
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_app=Exists(apps))

    @admin.display(description="Two factors", boolean=True, ordering="has_app")
    def two_factors(self, user):
        return user.has_app

    @admin.action(description="Deactivate and sign out", permissions=["change"])
    def deactivate_and_sign_out(self, request, queryset):
        users = list(queryset)
        for user in users:
            leavers.deactivate_and_sign_out(user=user)
            self.log_change(request, user, "Deactivated and signed out.")
        self.message_user(request, SIGNED_OUT % {"count": len(users)}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            leavers.end_sessions(user=obj)


class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "last_used_at", "confirmed"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for model in (User, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.register(User, TrackerUserAdmin)
admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, DeviceAdmin)
