from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from notices import services
from notices.forms import EmailChoicesForm
from notices.models import Notification

MARKED_READ = "Your notifications are marked as read."
CHOICES_SAVED = "Your notification settings are saved."


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        services.mark_read(user=request.user)
        messages.success(request, MARKED_READ)
        return redirect("notices:list")
    notifications = Notification.objects.for_user(request.user)[:200]
    return render(request, "notices/list.html", {"notifications": notifications})


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    data = request.POST if request.method == "POST" else None
    form = EmailChoicesForm(data, initial=services.email_choices(request.user))
    if request.method == "POST" and form.is_valid():
        services.choose_email(user=request.user, by_email=form.choices())
        messages.success(request, CHOICES_SAVED)
        return redirect("notices:settings")
    return render(request, "notices/settings.html", {"form": form})
