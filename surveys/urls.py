from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("units/<str:code>/survei/<int:year>/", views.results, name="results"),
    path("units/<str:code>/survei/<int:year>/impor/", views.responses_import, name="import"),
    path("units/<str:code>/survei/<int:year>/tutup/", views.campaign_close, name="close"),
    path("units/<str:code>/survei/<int:year>/laporan.pdf", views.report_pdf, name="report"),
    path("units/<str:code>/survei/<int:year>/tindak-lanjut/", views.follow_up_save, name="follow_up"),
    path("penilaian/<int:pk>/butir/<str:code>/nilai-survei/", views.survey_value_accept, name="value_accept"),
    path("s/<str:slug>/", views.public_form, name="public_form"),
]
