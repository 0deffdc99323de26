"""sitemap.xml: every public page a search engine should know, drafts never among them.

/sitemap.xml is an index of section sitemaps (/sitemap-stories.xml?p=2 …), each page at most
PAGE_SIZE addresses: one 7.5 MB document for 100,000 stories took 11 s to build, and the
protocol caps a sitemap at 50,000 addresses anyway. Pages are in id order, so a story keeps
its page when it is edited.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from stories.changes import Kind, public_records
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


PAGE_SIZE = 2000


class StorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = PAGE_SIZE

    def items(self):
        return _public_stories().only("slug", "updated_at").order_by("pk")

    def lastmod(self, story):
        return story.updated_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item for the index: one aggregate instead.
        return _public_stories().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return Category.objects.filter(stories__in=_public_stories()).distinct().order_by("slug")


class PersonSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return public_records(Kind.PERSON).only("slug", "updated_at").order_by("pk")

    limit = PAGE_SIZE

    def lastmod(self, person):
        return person.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class OrganizationSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return public_records(Kind.ORGANIZATION).only("slug", "updated_at").order_by("pk")

    limit = PAGE_SIZE

    def lastmod(self, organization):
        return organization.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {
    "home": HomeSitemap,
    "stories": StorySitemap,
    "categories": CategorySitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
}
