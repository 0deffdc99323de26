from django.contrib import admin

from readers.models import Follow


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["reader", "story", "created_at", "last_seen_at"]
    list_select_related = ["reader", "story"]
    search_fields = ["reader__username", "story__headline"]
    list_filter = ["created_at"]
    autocomplete_fields = ["story"]
    raw_id_fields = ["reader"]
