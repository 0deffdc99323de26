from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom.views import ping
from stories.preview import preview_story

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("ping/", ping, name="ping"),
    path("admin/", admin.site.urls),
    path("api/", include("newsroom.api")),
    path("preview/<str:token>/", preview_story, name="story-preview"),
    path("", include("readers.urls")),
    path("", include("people.urls")),
    path("", include("stories.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
