from django.urls import path

from stories import views

app_name = "stories"

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story_detail, name="detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
]
