"""The desk on the admin's start page, and the review count on every admin page."""

from django import template

from editorial import desk as desk_lists

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_desk(context):
    return desk_lists.desk(context["request"].user)


@register.simple_tag(takes_context=True)
def review_count(context):
    """Counted once per request: the header and the desk both show it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active:
        return None
    if not hasattr(request, "_review_count"):
        request._review_count = desk_lists.waiting_count(user)
    return request._review_count
