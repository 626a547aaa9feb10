from django.urls import path

from operations import views

app_name = "operations"
urlpatterns = [path("health/", views.health_check, name="health")]
