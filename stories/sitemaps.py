"""sitemap.xml: every public page a search engine should know, drafts never among them."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from people.models import Organization, Person
from stories.models import Category, Story


def _public_stories():
    return Story.objects.published()


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["stories:home"]

    def location(self, item):
        return reverse(item)


class StorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return _public_stories().only("slug", "updated_at").order_by("-updated_at", "pk")

    def lastmod(self, story):
        return story.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return Category.objects.filter(stories__in=_public_stories()).distinct().order_by("slug")


class PersonSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return (
            Person.objects.filter(story_roles__story__in=_public_stories())
            .distinct()
            .only("slug", "updated_at")
            .order_by("slug")
        )

    def lastmod(self, person):
        return person.updated_at


class OrganizationSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return (
            Organization.objects.filter(story_roles__story__in=_public_stories())
            .distinct()
            .only("slug", "updated_at")
            .order_by("slug")
        )

    def lastmod(self, organization):
        return organization.updated_at


SITEMAPS = {
    "home": HomeSitemap,
    "stories": StorySitemap,
    "categories": CategorySitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
}
