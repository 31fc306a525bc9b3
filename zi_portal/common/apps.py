from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "zi_portal.common"
    label = "common"
    verbose_name = "Umum"
