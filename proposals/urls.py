from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("usulan/", views.period_list, name="period_list"),
    path("usulan/<int:period_id>/", views.shortlist, name="shortlist"),
    path("usulan/<int:period_id>/kuota/", views.quota_set, name="quota_set"),
    path("usulan/<int:period_id>/pilih/", views.pick, name="pick"),
    path("usulan/<int:period_id>/surat-pengajuan/", views.cover_letter, name="cover_letter"),
    path("usulan/<int:period_id>/sptjm/<int:pk>/", views.sptjm, name="sptjm"),
    path("penilaian/<int:pk>/sanggah/", views.sanggah, name="sanggah"),
    path("penilaian/<int:pk>/sanggah/butir/<str:code>/", views.sanggah_item_save, name="sanggah_item_save"),
    path("penilaian/<int:pk>/sanggah/kirim/", views.sanggah_send, name="sanggah_send"),
]
