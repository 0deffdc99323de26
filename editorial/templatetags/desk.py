"""The desk on the admin's start page, and the review count on every admin page."""

from django import template

from editorial import desk as desk_lists

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_desk(context):
    return desk_lists.desk(context["request"].user)


@register.simple_tag(takes_context=True)
def review_count(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return desk_lists.waiting_count(user) if user is not None and user.is_active else None
