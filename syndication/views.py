"""What crawlers read: robots.txt and the news sitemap (the other sitemaps are Django's views)."""

import datetime

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from stories.models import Story

NEWS_SITEMAP_WINDOW = datetime.timedelta(days=2)


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    sitemaps = [
        request.build_absolute_uri(reverse("syndication:sitemap")),
        request.build_absolute_uri(reverse("syndication:news-sitemap")),
    ]
    return render(request, "robots.txt", {"sitemaps": sitemaps}, content_type="text/plain")


@require_safe
def news_sitemap(request):
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    stories = (
        Story.objects.published()
        .filter(published_at__gte=since)
        .order_by("-published_at")
        .only("slug", "headline", "published_at")[:1000]
    )
    context = {"stories": stories, "site_name": settings.SITE_NAME, "language": "en"}
    return render(request, "sitemaps/news.xml", context, content_type="application/xml")
