"""Reader pages: each view reads through a selector and renders."""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from core.caching import cache_anonymous
from core.paginators import UncountedPaginator
from readers import selectors as reader_selectors
from readers import services as reader_services
from stories import search, selectors
from stories.models import Category, HistoricalVoice, Story

CARDS_PER_PAGE = 12


@require_safe
@cache_anonymous
def home(request):
    # Newer/Older links without a total: a page reads its rows, never a count of the archive.
    page = UncountedPaginator(selectors.story_cards(), CARDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # EXISTS per category (13 index probes), not a DISTINCT over a join with every story.
    categories = Category.objects.filter(
        Exists(Story.objects.published().filter(category=OuterRef("pk")))
    )
    return render(request, "stories/story_list.html", {"page_obj": page, "categories": categories})


@require_safe
@cache_anonymous
def story_detail(request, slug):
    try:
        story = selectors.story_page(slug=slug, include_unpublished=request.user.is_staff)
    except Http404:
        renamed = selectors.story_renamed(slug=slug, include_unpublished=request.user.is_staff)
        if renamed is None:
            raise
        query = request.META.get("QUERY_STRING")
        url = renamed.get_absolute_url() + (f"?{query}" if query else "")
        return HttpResponsePermanentRedirect(url)
    # Anonymous readers cost nothing here: no follow to look up, no voices to load.
    follow = reader_selectors.follow_for(reader=request.user, story=story)
    signed_in = request.user.is_authenticated
    context = {
        "story": story,
        "related": selectors.story_related(story=story),
        "follow": follow,
        "news": reader_selectors.event_news(follow=follow, events=story.sections.events),
        "note_is_new": bool(
            follow and story.latest_note_at and story.latest_note_at > follow.last_seen_at
        ),
        "voices": selectors.story_voices(story=story) if signed_in and story.has_voices else [],
        "fiction_label": HistoricalVoice.FICTION_LABEL,
    }
    response = render(request, "stories/story_detail.html", context)
    if follow is not None:
        # Marked after rendering, so this visit still shows what was new.
        reader_services.follow_mark_seen(follow=follow)
    if not story.is_public:
        # A staff preview must never be cached by a proxy or indexed.
        add_never_cache_headers(response)
        response.headers["Cache-Control"] += ", private"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@cache_anonymous
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    stories = selectors.story_cards(category=category)
    page = UncountedPaginator(stories, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "stories/category_detail.html", {"category": category, "page_obj": page})


@require_safe
@cache_anonymous
def search_results(request):
    terms = search.search_terms(request.GET.get("q"))
    page = Paginator(search.story_search(terms=terms), CARDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    people, organizations = search.involved_search(terms=terms)
    context = {
        "terms": terms,
        "asked": "q" in request.GET,
        "page_obj": page,
        "people": people,
        "organizations": organizations,
    }
    return render(request, "stories/search.html", context)
