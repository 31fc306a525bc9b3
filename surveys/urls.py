from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("units/<str:code>/survei/<int:year>/", views.results, name="results"),
    path("units/<str:code>/survei/<int:year>/impor/", views.responses_import, name="import"),
    path("units/<str:code>/survei/<int:year>/tutup/", views.campaign_close, name="close"),
    path("s/<str:slug>/", views.public_form, name="public_form"),
    path("units/<str:code>/survei/<int:year>/atur/", views.campaign_settings, name="settings"),
    path("units/<str:code>/survei/<int:year>/jawaban/", views.responses, name="responses"),
    path(
        "units/<str:code>/survei/<int:year>/jawaban/<int:pk>/kecualikan/",
        views.response_exclude,
        name="response_exclude",
    ),
    path(
        "units/<str:code>/survei/<int:year>/jawaban/<int:pk>/sertakan/", views.response_include, name="response_include"
    ),
]
