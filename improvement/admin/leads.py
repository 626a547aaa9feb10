"""Leads: the people and posts that lead actions, and the users who sign in as them."""

from django.contrib import admin
from django.db.models import Count

from improvement.models import Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["name", "authority", "organisation", "email", "actions_led", "users_linked"]
    list_select_related = ["authority"]
    search_fields = ["name", "authority__name", "organisation", "email"]
    list_filter = ["authority", "organisation"]
    ordering = ["name"]
    autocomplete_fields = ["users"]
    list_per_page = 100

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _actions=Count("actions", distinct=True), _users=Count("users", distinct=True)
            )
        )

    @admin.display(description="Actions led", ordering="_actions")
    def actions_led(self, obj):
        return obj._actions

    @admin.display(description="Users", ordering="_users")
    def users_linked(self, obj):
        return obj._users
