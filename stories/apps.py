from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Stories"

    def ready(self):
        # Connects the receivers that log content changes for the API's offline sync and keep
        # the derived columns on Story.
        from stories import changes, derived  # noqa: F401
