from django.urls import path

from stories import following_views, views

app_name = "stories"

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story_detail, name="detail"),
    path("stories/<slug:slug>/follow/", following_views.follow, name="follow"),
    path("stories/<slug:slug>/unfollow/", following_views.unfollow, name="unfollow"),
    path("following/", following_views.following, name="following"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("search/", views.search_results, name="search"),
]
