from django.urls import path

from stories import people_views as views

app_name = "people"

urlpatterns = [
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
]
