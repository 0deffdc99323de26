from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from core.caching import cache_anonymous
from syndication import feeds, views
from syndication.sitemaps import SITEMAPS

app_name = "syndication"

urlpatterns = [
    path(
        "stories/<slug:slug>/feed/rss/",
        cache_anonymous(feeds.StoryEventsFeed()),
        name="story-feed-rss",
    ),
    path(
        "stories/<slug:slug>/feed/atom/",
        cache_anonymous(feeds.StoryEventsAtomFeed()),
        name="story-feed-atom",
    ),
    path("feeds/rss/", cache_anonymous(feeds.LatestStoriesFeed()), name="feed-rss"),
    path("feeds/atom/", cache_anonymous(feeds.LatestStoriesAtomFeed()), name="feed-atom"),
    path(
        "sitemap.xml",
        cache_anonymous(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "syndication:sitemap-section"},
        name="sitemap",
    ),
    # Before the sections' pattern, which would take "news" for a section.
    path("sitemap-news.xml", cache_anonymous(views.news_sitemap), name="news-sitemap"),
    path(
        "sitemap-<section>.xml",
        cache_anonymous(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
