from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from zi_portal.common.views import healthz, healthz_live

admin.site.site_header = _("Administrasi ZI Portal")
admin.site.site_title = "ZI Portal"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/live", healthz_live, name="healthz_live"),
    path("admin/", admin.site.urls),
    path("accounts/", include("units.auth_urls")),
    path("", include("units.urls")),
    path("", include("assessments.urls")),
    path("", include("evidence.urls")),
    path("", include("programme.urls")),
    path("", include("reminders.urls")),
    path("", include("surveys.urls")),
    path("", include("documents.urls")),
    path("", include("packs.urls")),
    path("", include("proposals.urls")),
]
