from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core.health import healthz, readyz
from newsroom.views import ping
from stories.preview import preview_story

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

# A database that cannot be reached is a 503 with Retry-After, not a 500.
handler500 = "core.faults.server_error"

urlpatterns = [
    path("ping/", ping, name="ping"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", include("newsroom.api")),
    path("preview/<str:token>/", preview_story, name="story-preview"),
    path("", include("readers.urls")),
    path("", include("stories.people_urls")),
    path("", include("stories.urls")),
    path("", include("syndication.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
