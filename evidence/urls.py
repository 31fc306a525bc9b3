"""Evidence URLs: item actions under the assessment's item, downloads by version id.

Mutations are POST-only; GETs are the item block, its history, the attach picker, downloads,
the page viewer and its page images, and the search.
"""

from django.urls import path

from . import views

app_name = "evidence"

_item = "penilaian/<int:assessment_id>/butir/<str:item_code>/bukti/"

urlpatterns = [
    path(_item, views.item_block, name="item"),
    path(_item + "riwayat/", views.history, name="history"),
    path(_item + "unggah/", views.upload, name="upload"),
    path(_item + "lampirkan/", views.attach_picker, name="attach_picker"),
    path(_item + "lampirkan/simpan/", views.attach, name="attach"),
    path(_item + "tautan/", views.add_link, name="link"),
    path(_item + "<int:attachment_id>/ganti/", views.replace, name="replace"),
    path(_item + "<int:attachment_id>/lepas/", views.remove, name="remove"),
    path(_item + "<int:attachment_id>/tinjau/", views.review, name="review"),
    path(_item + "tinjau-banyak/", views.review_many, name="review_many"),
    path(_item + "<int:attachment_id>/tanda/", views.page_mark_add, name="page_mark"),
    path(_item + "<int:attachment_id>/tanda/<int:mark_id>/hapus/", views.page_mark_remove, name="page_mark_remove"),
    path("bukti/cari/", views.search, name="search"),
    path("bukti/versi/<int:version_id>/unduh/", views.download, name="download"),
    path("bukti/versi/<int:version_id>/lihat/", views.viewer, name="viewer"),
    path("bukti/versi/<int:version_id>/halaman/<int:number>.png", views.page_image, name="page_image"),
]
