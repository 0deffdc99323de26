"""The admin site: content first on its start page (the desk, then stories, timelines,
people and readers), accounts and tokens after."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

# The start page's order of apps; any other comes after these, alphabetically as before.
APP_ORDER = ["stories", "timelines", "people", "readers"]


class NewsroomAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        rank = {label: i for i, label in enumerate(APP_ORDER)}
        return sorted(apps, key=lambda app: rank.get(app["app_label"], len(APP_ORDER)))


class NewsroomAdminConfig(AdminConfig):
    default_site = "editorial.site.NewsroomAdminSite"
