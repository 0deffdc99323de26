"""Person and organization pages: a profile and the published stories they are part of."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from newsroom.caching import cache_anonymous
from people.models import Organization, Person
from stories import selectors


def _involvement_or_404(request, **entity) -> list:
    stories = selectors.story_list_involving(**entity)
    # Someone known only from drafts stays private until a story naming them is published.
    if not stories and not request.user.is_staff:
        raise Http404("Not in any published story.")
    return stories


@require_safe
@cache_anonymous
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    stories = _involvement_or_404(request, person=person)
    return render(request, "people/person_detail.html", {"person": person, "stories": stories})


@require_safe
@cache_anonymous
def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    stories = _involvement_or_404(request, organization=organization)
    context = {"organization": organization, "stories": stories}
    return render(request, "people/organization_detail.html", context)
