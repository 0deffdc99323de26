from django.apps import AppConfig
from django.db.models.signals import post_init, post_save


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Images"

    def ready(self):
        # django-imagekit listens to post_init and post_save of every model, for its
        # ImageSpecField (which this project does not use: images.renditions makes files
        # itself): a receiver run on every row loaded anywhere. Disconnected.
        import imagekit.specs.sourcegroups  # noqa: F401  (connects them on import)

        post_init.disconnect(dispatch_uid="ik_spec_field_receivers")
        post_save.disconnect(dispatch_uid="ik_spec_field_receivers")
