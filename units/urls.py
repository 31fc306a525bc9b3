from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/baru/", views.unit_create, name="unit_create"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/ubah/", views.unit_edit, name="unit_edit"),
    path("units/<str:code>/anggota/", views.unit_members, name="unit_members"),
    path("units/<str:code>/anggota/<int:pk>/hapus/", views.unit_member_remove, name="unit_member_remove"),
    path("units/<str:code>/tpi/<int:pk>/hapus/", views.unit_tpi_remove, name="unit_tpi_remove"),
    path("units/<str:code>/data/", views.unit_fact_new, name="unit_fact_new"),
    path("units/<str:code>/data/<int:year>/", views.unit_fact_edit, name="unit_fact_edit"),
    path("units/<str:code>/predikat/baru/", views.unit_predicate_add, name="unit_predicate_add"),
    path("instansi/<int:pk>/", views.instansi_detail, name="instansi_detail"),
    path("instansi/<int:pk>/data/<int:year>/", views.instansi_fact_edit, name="instansi_fact_edit"),
]
