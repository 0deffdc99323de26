"""Signed preview links: one unpublished story, for anyone holding the link, for 48 hours."""

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from stories.models import Story
from stories.selectors import attach_citations, story_detail_queryset

PREVIEW_HOURS = 48
_SALT = "stories.preview"


def preview_token(story: Story) -> str:
    """A signed, timestamped token naming this one story."""
    return signing.TimestampSigner(salt=_SALT).sign_object({"story": story.pk})


def preview_url(story: Story) -> str:
    return reverse("story-preview", kwargs={"token": preview_token(story)})


def story_id_from_token(token: str) -> int | None:
    """The story a token names, or None when it is forged, altered or older than PREVIEW_HOURS."""
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(
            token, max_age=PREVIEW_HOURS * 3600
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    story_id = data.get("story") if isinstance(data, dict) else None
    return story_id if isinstance(story_id, int) else None


def preview_story(request, token: str):
    """Show the one story a valid token names, with the preview banner, to anyone."""
    story_id = story_id_from_token(token)
    story = (
        story_detail_queryset(include_unpublished=True).filter(pk=story_id).first()
        if story_id
        else None
    )
    if story is None:
        raise Http404("This preview link is not valid or has expired.")
    if story.is_public:
        return redirect(story.get_absolute_url())
    attach_citations(story)
    response = render(
        request,
        "stories/story_detail.html",
        {"story": story, "related": [], "signed_preview": True},
    )
    add_never_cache_headers(response)
    response.headers["Cache-Control"] += ", private"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
