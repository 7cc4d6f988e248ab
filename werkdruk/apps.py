from django.apps import AppConfig


class WerkdrukConfig(AppConfig):
    name = "werkdruk"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
