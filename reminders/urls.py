from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("akun/pengingat/", views.preferences, name="preferences"),
]
