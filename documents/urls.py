from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("v/<str:uuid>/", views.verify, name="verify"),
    path("dokumen/", views.my_documents, name="my_documents"),
    path("dokumen/<uuid:uuid>/unduh/", views.my_document_download, name="my_document_download"),
    path("instansi/<int:pk>/dokumen/", views.document_list, name="document_list"),
    path("instansi/<int:pk>/dokumen/<uuid:uuid>/unduh/", views.document_download, name="document_download"),
    path("instansi/<int:pk>/dokumen/<uuid:uuid>/cabut/", views.document_revoke, name="document_revoke"),
    path("instansi/<int:pk>/templat-surat/", views.letter_templates, name="letter_templates"),
    path("instansi/<int:pk>/templat-surat/<str:kind>/", views.letter_template_edit, name="letter_template_edit"),
]
