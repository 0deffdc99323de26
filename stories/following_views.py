"""The Following page and the follow and unfollow buttons of a story page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from readers import services
from readers.views import _safe_next
from stories import following as selectors


@login_required
def following(request):
    follows = list(selectors.following_list(reader=request.user))
    return render(request, "readers/following.html", {"follows": follows})


def _story_or_404(*, slug: str, include_unpublished: bool = False):
    story = selectors.story_to_follow(slug=slug, include_unpublished=include_unpublished)
    if story is None:
        raise Http404("No such story.")
    return story


@require_POST
def follow(request, slug):
    if not request.user.is_authenticated:
        login_url = reverse("readers:login")
        return redirect(f"{login_url}?next={request.path.removesuffix('follow/')}")
    story = _story_or_404(slug=slug)
    services.follow_story(reader=request.user, story=story)
    messages.success(request, f"You follow “{story.headline}”. New events will be marked for you.")
    return redirect(_safe_next(request, story.get_absolute_url()))


@require_POST
@login_required
def unfollow(request, slug):
    story = _story_or_404(slug=slug, include_unpublished=True)
    services.unfollow_story(reader=request.user, story=story)
    messages.success(request, f"You no longer follow “{story.headline}”.")
    return redirect(_safe_next(request, story.get_absolute_url()))
