from django.contrib import admin

from people.models import Organization, Person
from stories.admin_guards import ConcurrentEditForm, GuardedAdmin


@admin.register(Person)
class PersonAdmin(GuardedAdmin):
    """A person's name, title and photo show on every story naming them."""

    form = ConcurrentEditForm
    list_display = ["name", "title", "updated_at"]
    search_fields = ["name", "title"]
    list_filter: list[str] = []
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(GuardedAdmin):
    """An organization's name and logo show on every story naming it."""

    form = ConcurrentEditForm
    list_display = ["name", "kind", "updated_at"]
    search_fields = ["name", "kind"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["name"]}
