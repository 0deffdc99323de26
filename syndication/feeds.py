"""RSS and Atom: the whole site's stories, and one story's timeline as a feed of events."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from stories.bylines import byline_names
from stories.models import Story
from stories.selectors import newest_update_first
from stories.templatetags.reader import event_datetime
from timelines.models import TimelineEvent

SITE_FEED_ITEMS = 30
STORY_FEED_ITEMS = 100


class LatestStoriesFeed(Feed):
    """Published stories, newest update first."""

    description_template = "feeds/story_description.html"

    def title(self):
        return f"{settings.SITE_NAME}: Daily Brief"

    def link(self):
        return reverse("stories:home")

    def feed_url(self):
        return reverse("syndication:feed-rss")

    def description(self):
        return "Explainers on the news, updated as events unfold."

    def items(self):
        return (
            Story.objects.published()
            .select_related("category")
            .with_latest_update()
            .order_by(*newest_update_first())[:SITE_FEED_ITEMS]
        )

    def item_title(self, story):
        return story.headline

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return max(story.updated_at, story.published_at)

    def item_author_name(self, story):
        return byline_names(story.byline)

    def item_categories(self, story):
        return [story.category.name]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = Atom1Feed

    def feed_url(self):
        return reverse("syndication:feed-atom")

    def subtitle(self):
        return self.description()


class StoryEventsFeed(Feed):
    """One published story's timeline: each event is an entry, so a reader can follow the story."""

    description_template = "feeds/event_description.html"

    def get_object(self, request, slug):
        story = Story.objects.published().filter(slug=slug).select_related("category").first()
        if story is None:
            raise Http404("No such story.")
        # Feed instances are shared between requests: keep per-request state on the story.
        story.feed_base = request.build_absolute_uri("/")
        return story

    def title(self, story):
        return f"{story.headline}: timeline ({settings.SITE_NAME})"

    def link(self, story):
        return story.get_absolute_url()

    def feed_url(self, story):
        return reverse("syndication:story-feed-rss", kwargs={"slug": story.slug})

    def description(self, story):
        return story.dek

    def items(self, story):
        events = list(
            TimelineEvent.objects.filter(story=story).order_by("-date", "-sequence", "-pk")[
                :STORY_FEED_ITEMS
            ]
        )
        for event in events:
            event.story = story  # the story is known: no query per entry
        return events

    def item_title(self, event):
        return event.title

    def item_link(self, event):
        return f"{event.story.get_absolute_url()}#event-{event.pk}"

    def item_guid(self, event):
        return f"{event.story.feed_base.rstrip('/')}{self.item_link(event)}"

    item_guid_is_permalink = True

    def item_pubdate(self, event):
        return event_datetime(event.date)

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event):
        return [event.get_kind_display()]

    def item_author_name(self, event):
        return byline_names(event.story.byline)


class StoryEventsAtomFeed(StoryEventsFeed):
    feed_type = Atom1Feed

    def feed_url(self, story):
        return reverse("syndication:story-feed-atom", kwargs={"slug": story.slug})

    def subtitle(self, story):
        return story.dek
