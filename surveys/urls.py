from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("units/<str:code>/survei/<int:year>/", views.results, name="results"),
    path("units/<str:code>/survei/<int:year>/impor/", views.responses_import, name="import"),
    path("units/<str:code>/survei/<int:year>/tutup/", views.campaign_close, name="close"),
    path("units/<str:code>/survei/<int:year>/qr.svg", views.qr_code, {"kind": "svg"}, name="qr_svg"),
    path("units/<str:code>/survei/<int:year>/qr.png", views.qr_code, {"kind": "png"}, name="qr_png"),
    path("units/<str:code>/survei/<int:year>/cetak/", views.qr_print, name="print"),
    path("units/<str:code>/survei/<int:year>/laporan.pdf", views.report_pdf, name="report"),
    path("units/<str:code>/survei/<int:year>/tindak-lanjut/", views.follow_up_save, name="follow_up"),
    path("penilaian/<int:pk>/butir/<str:code>/nilai-survei/", views.survey_value_accept, name="value_accept"),
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
    path("s/<str:slug>/terima-kasih/", views.public_thanks, name="public_thanks"),
]
