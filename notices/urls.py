from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("settings/", views.notification_settings, name="settings"),
]
