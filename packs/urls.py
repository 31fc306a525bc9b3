from django.urls import path

from . import views

app_name = "packs"

urlpatterns = [
    path("penilaian/<int:pk>/paket/", views.assessment_packs, name="assessment_packs"),
    path("instansi/<int:instansi_id>/paket-usulan/", views.proposal_packs, name="proposal_packs"),
    path("paket/<int:pack_id>/", views.pack_status, name="pack_status"),
    path("paket/<int:pack_id>/status/", views.pack_status_partial, name="pack_status_partial"),
    path("paket/<int:pack_id>/unduh/", views.pack_download, name="pack_download"),
]
