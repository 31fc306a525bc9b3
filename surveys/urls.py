from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("units/<str:code>/survei/<int:year>/", views.results, name="results"),
    path("units/<str:code>/survei/<int:year>/impor/", views.responses_import, name="import"),
    path("units/<str:code>/survei/<int:year>/tutup/", views.campaign_close, name="close"),
    path("s/<str:slug>/", views.public_form, name="public_form"),
]
