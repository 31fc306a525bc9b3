from django.urls import path

from . import api, views, views_excel, views_reports, views_tpn

app_name = "assessments"

urlpatterns = [
    path("penilaian/", views.assessment_list, name="assessment_list"),
    path("penilaian/baru/", views.assessment_create, name="assessment_create"),
    path("penilaian/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("penilaian/<int:pk>/lke/", views.assessment_worksheet, name="assessment_worksheet"),
    path("penilaian/<int:pk>/skor/", views.assessment_score_bar, name="assessment_score_bar"),
    path("penilaian/<int:pk>/butir/<str:code>/simpan/", views.item_save, name="item_save"),
    path("penilaian/<int:pk>/butir/<str:code>/komentar/", views.item_comment, name="item_comment"),
    path("penilaian/<int:pk>/butir/<str:code>/setujui/", views.item_agree, name="item_agree"),
    path("penilaian/<int:pk>/salin-jawaban-unit/", views.tpi_copy_from_unit, name="tpi_copy_from_unit"),
    path("penilaian/<int:pk>/status/<str:action>/", views.assessment_transition, name="assessment_transition"),
    path("penilaian/<int:pk>/perbaikan/", views.assessment_revision, name="assessment_revision"),
    path("penilaian/<int:pk>/putaran/", views.assessment_rounds, name="assessment_rounds"),
    path("penilaian/<int:pk>/disparitas/", views.assessment_disparity, name="assessment_disparity"),
    path("penilaian/<int:pk>/nilai-tpn/", views_tpn.assessment_tpn_figures, name="assessment_tpn_figures"),
    path("kalibrasi/", views_tpn.calibration, name="calibration"),
    path("penilaian/<int:pk>/audit/", views.assessment_audit, name="assessment_audit"),
    path("penilaian/<int:pk>/audit.csv", views.assessment_audit_csv, name="assessment_audit_csv"),
    path("penilaian/<int:pk>/lke.xlsx", views_excel.lke_export, name="assessment_lke_xlsx"),
    path("penilaian/<int:pk>/impor/", views_excel.lke_import_upload, name="assessment_lke_import"),
    path("penilaian/<int:pk>/impor/terapkan/", views_excel.lke_import_confirm, name="assessment_lke_import_confirm"),
    path("laporan/rekap.xlsx", views_excel.recap_xlsx, name="report_recap_xlsx"),
    path("penilaian/<int:pk>/laporan/", views_reports.assessment_reports, name="assessment_reports"),
    path("laporan/rekap/", views_reports.recap, name="report_recap"),
    path("laporan/<int:report_id>/", views_reports.report_status, name="report_status"),
    path("laporan/<int:report_id>/status/", views_reports.report_status_partial, name="report_status_partial"),
    path("laporan/<int:report_id>/unduh/", views_reports.report_download, name="report_download"),
    path("api/v1/assessments/", api.assessment_list, name="api_assessment_list"),
    path("api/v1/assessments/<int:pk>/", api.assessment_detail, name="api_assessment_detail"),
    path("api/v1/openapi.json", api.openapi_json, name="api_openapi"),
    path("api/v1/docs/", api.api_docs, name="api_docs"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("notifikasi/", views.notification_list, name="notification_list"),
    path("notifikasi/baca/", views.notification_read, name="notification_read"),
]
