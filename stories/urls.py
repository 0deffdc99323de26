from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from core.caching import cache_anonymous
from stories import feeds, following_views, views
from stories.sitemaps import SITEMAPS

app_name = "stories"

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story_detail, name="detail"),
    path("stories/<slug:slug>/follow/", following_views.follow, name="follow"),
    path("stories/<slug:slug>/unfollow/", following_views.unfollow, name="unfollow"),
    path("following/", following_views.following, name="following"),
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
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("search/", views.search_results, name="search"),
    path("feeds/rss/", cache_anonymous(feeds.LatestStoriesFeed()), name="feed-rss"),
    path("feeds/atom/", cache_anonymous(feeds.LatestStoriesAtomFeed()), name="feed-atom"),
    path(
        "sitemap.xml",
        cache_anonymous(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "stories:sitemap-section"},
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
