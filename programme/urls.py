from django.urls import path

from . import api, views

app_name = "programme"

urlpatterns = [
    path("units/<str:code>/rencana-aksi/<int:year>/", views.plan_detail, name="plan"),
    path("units/<str:code>/rencana-aksi/<int:year>/kegiatan/baru/", views.activity_add, name="activity_add"),
    path("units/<str:code>/rencana-aksi/<int:year>/kegiatan/<int:pk>/ubah/", views.activity_edit, name="activity_edit"),
    path(
        "units/<str:code>/rencana-aksi/<int:year>/kegiatan/<int:pk>/realisasi/", views.realisation, name="realisation"
    ),
    path(
        "units/<str:code>/rencana-aksi/<int:year>/kegiatan/<int:pk>/hapus/",
        views.activity_delete,
        name="activity_delete",
    ),
    path("units/<str:code>/pencanangan/<int:year>/", views.pencanangan, name="pencanangan"),
    path("units/<str:code>/agen-perubahan/<int:year>/", views.change_agents, name="change_agents"),
    path(
        "units/<str:code>/agen-perubahan/<int:year>/<int:pk>/ubah/", views.change_agent_edit, name="change_agent_edit"
    ),
    path(
        "units/<str:code>/agen-perubahan/<int:year>/<int:pk>/laporan/",
        views.change_agent_report,
        name="change_agent_report",
    ),
    path("units/<str:code>/sop/<int:year>/", views.sops, name="sops"),
    path("units/<str:code>/sop/<int:year>/<int:pk>/ubah/", views.sop_edit, name="sop_edit"),
    path("api/v1/units/<str:code>/programme/<int:year>/", api.programme_detail, name="api_programme"),
    path("units/<str:code>/rencana-aksi/<int:year>/rencana-aksi.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("units/<str:code>/rencana-aksi/<int:year>/impor/", views.plan_import, name="plan_import"),
    path("penilaian/<int:pk>/butir/<str:code>/saran/", views.suggestion_accept, name="suggestion_accept"),
    path("units/<str:code>/pemantauan/<int:year>/", views.monitoring_detail, name="monitoring"),
    path("units/<str:code>/pemantauan/<int:year>/kunjungan/baru/", views.visit_add, name="visit_add"),
    path("units/<str:code>/pemantauan/<int:year>/kunjungan/<int:pk>/temuan/", views.finding_add, name="finding_add"),
    path(
        "units/<str:code>/pemantauan/<int:year>/rekomendasi/<int:pk>/tindak-lanjut/",
        views.follow_up_add,
        name="follow_up_add",
    ),
    path(
        "units/<str:code>/pemantauan/<int:year>/rekomendasi/<int:pk>/tutup/",
        views.recommendation_close,
        name="recommendation_close",
    ),
    path(
        "units/<str:code>/pemantauan/<int:year>/rekomendasi/<int:pk>/buka/",
        views.recommendation_reopen,
        name="recommendation_reopen",
    ),
    path(
        "units/<str:code>/pemantauan/<int:year>/laporan-tw<int:quarter>.pdf",
        views.monitoring_report,
        name="monitoring_report",
    ),
]
