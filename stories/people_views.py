"""Person and organization pages: a profile and the published stories they are part of."""

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.caching import cache_anonymous
from people.models import Organization, Person
from stories import selectors

STORIES_PER_PAGE = 20


def _involvement_or_404(request, **entity) -> Page:
    """A page of the published stories they are in (an organization can be in hundreds)."""
    stories = selectors.story_list_involving(**entity)
    page = Paginator(stories, STORIES_PER_PAGE).get_page(request.GET.get("page"))
    # Someone known only from drafts stays private until a story naming them is published.
    if not page.paginator.count and not request.user.is_staff:
        raise Http404("Not in any published story.")
    return page


@require_safe
@cache_anonymous
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    page = _involvement_or_404(request, person=person)
    return render(request, "people/person_detail.html", {"person": person, "page_obj": page})


@require_safe
@cache_anonymous
def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    page = _involvement_or_404(request, organization=organization)
    context = {"organization": organization, "page_obj": page}
    return render(request, "people/organization_detail.html", context)
