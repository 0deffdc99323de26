from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from stories import selectors
from stories.models import Category


def home(request):
    page = Paginator(selectors.story_list(), 20).get_page(request.GET.get("page"))
    return render(request, "stories/story_list.html", {"page_obj": page})


def story_detail(request, slug):
    story = selectors.story_detail(slug=slug, include_unpublished=request.user.is_staff)
    return render(request, "stories/story_detail.html", {"story": story})


def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    stories = selectors.story_list().filter(category=category)
    page = Paginator(stories, 20).get_page(request.GET.get("page"))
    return render(request, "stories/category_detail.html", {"category": category, "page_obj": page})
