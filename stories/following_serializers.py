"""Follows and a story as a signed-in reader gets it in the API: the Following feed, read marks,
Voices from History (signed-in readers only, always labelled as fiction) and the reader's
follow state on the story detail. Reads what stories.following annotates."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.rest import absolute
from readers.models import Follow
from readers.selectors import event_news
from stories.models import HistoricalVoice, Story
from stories.serializers import CategoryRefSerializer, StorySerializer

FICTION_LABEL = HistoricalVoice.FICTION_LABEL
FICTION_LABEL_CHOICES = [FICTION_LABEL]  # named FictionLabelEnum in the schema (settings)
# The label as the schema states it: one possible value, so no client can expect another.
FICTION_LABEL_SCHEMA = {
    "type": "string",
    "enum": [FICTION_LABEL],
    "description": "Always this text. Show it with the voices; it is never optional.",
}


def _link(serializer, view_name: str, **kwargs) -> str:
    return reverse(view_name, kwargs=kwargs or None, request=serializer.context.get("request"))


def _signed_in(serializer) -> bool:
    request = serializer.context.get("request")
    return bool(request is not None and request.user and request.user.is_authenticated)


class FollowedStorySerializer(serializers.ModelSerializer):
    """The followed story, as much as a list needs."""

    category = CategoryRefSerializer(read_only=True)
    url = serializers.SerializerMethodField(help_text="The story's reader page.")
    api_url = serializers.HyperlinkedIdentityField(
        view_name="story-detail", help_text="The whole story in the API."
    )

    class Meta:
        model = Story
        fields = ["id", "slug", "headline", "dek", "category", "updated_at", "url", "api_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, story) -> str:
        return absolute(self.context.get("request"), story.get_absolute_url())


class FollowSerializer(serializers.ModelSerializer):
    """A story the reader follows, with what changed since they last read it."""

    story = FollowedStorySerializer(read_only=True)
    followed_at = serializers.DateTimeField(source="created_at", read_only=True)
    last_read_at = serializers.DateTimeField(
        source="last_seen_at",
        read_only=True,
        help_text="The read mark: what is newer is new to the reader. Moved by opening the "
        "story page or by POST to `read_url`; it never moves back.",
    )
    new_count = serializers.IntegerField(
        read_only=True, help_text="Timeline events added since the read mark."
    )
    updated_count = serializers.IntegerField(
        read_only=True, help_text="Older timeline events edited since the read mark."
    )
    new_note_count = serializers.IntegerField(
        read_only=True, help_text="Update notes added since the read mark."
    )
    has_news = serializers.BooleanField(
        read_only=True, help_text="True when any of the three counts is above zero."
    )
    url = serializers.SerializerMethodField(
        help_text="This follow: GET it, PUT to follow, DELETE to unfollow."
    )
    read_url = serializers.SerializerMethodField(help_text="POST here to mark the story read.")

    class Meta:
        model = Follow
        fields = [
            "story",
            "followed_at",
            "last_read_at",
            "new_count",
            "updated_count",
            "new_note_count",
            "has_news",
            "url",
            "read_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, follow) -> str:
        return _link(self, "following-detail", story_id=follow.story_id)

    @extend_schema_field(OpenApiTypes.URI)
    def get_read_url(self, follow) -> str:
        return _link(self, "following-read", story_id=follow.story_id)


@extend_schema_serializer(many=False)  # the feed is one object, though the action is "list"
class FollowingSerializer(serializers.Serializer):
    """Every public story the reader follows: those with news first, then the latest updated."""

    count = serializers.IntegerField(help_text="Stories followed (public ones only).")
    with_news = serializers.IntegerField(help_text="How many of them have news.")
    results = FollowSerializer(many=True)


class ReadMarkSerializer(serializers.Serializer):
    read_at = serializers.DateTimeField(
        required=False,
        help_text="When the reader read the story, for an app that was offline; now when left "
        "out. A time in the future counts as now; a time before the current mark changes "
        "nothing.",
    )


# The story detail --------------------------------------------------------------------------


class VoiceSerializer(serializers.ModelSerializer):
    """A short fictional perspective in the imagined voice of a historical figure."""

    label = serializers.SerializerMethodField()

    class Meta:
        model = HistoricalVoice
        fields = ["id", "position", "figure", "figure_context", "text", "label"]

    @extend_schema_field(FICTION_LABEL_SCHEMA)
    def get_label(self, voice) -> str:
        return voice.label


class VoicesSerializer(serializers.Serializer):
    """Voices from History: shown to signed-in readers; others learn only that they exist."""

    available = serializers.BooleanField(help_text="Whether the story has any.")
    locked = serializers.BooleanField(
        help_text="True when the client is not signed in: `items` is then empty. Sign up "
        "(`sign_up_url`) or sign in to read them."
    )
    label = serializers.SerializerMethodField()
    sign_up_url = serializers.URLField(help_text="Where an app creates a reader account.")
    items = VoiceSerializer(many=True, help_text="In page order; empty when locked.")

    @extend_schema_field(FICTION_LABEL_SCHEMA)
    def get_label(self, voices) -> str:
        return FICTION_LABEL


class ReaderStateSerializer(serializers.Serializer):
    """The signed-in reader's relation to the story."""

    following = serializers.BooleanField()
    last_read_at = serializers.DateTimeField(
        allow_null=True, help_text="The read mark; null when not following."
    )
    new_event_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Events (ids in `events`) added since the read mark: show them as new.",
    )
    updated_event_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Older events edited since the read mark.",
    )
    new_update_notes = serializers.IntegerField(
        help_text="Update notes added since the read mark (the newest come first in "
        "`update_notes`)."
    )
    follow_url = serializers.URLField(help_text="PUT to follow, DELETE to unfollow.")
    read_url = serializers.URLField(
        allow_null=True,
        help_text="POST here once the reader has seen the story; null when not following.",
    )


class StoryDetailSerializer(StorySerializer):
    """A whole story as this client sees it: the shared story, Voices from History (signed-in
    readers only, always labelled as fiction) and, when signed in, the reader's follow state.

    Reading the story does not move the read mark; POST to `reader.read_url` does.
    """

    voices = serializers.SerializerMethodField(
        help_text="Voices from History. Always present; `locked` and empty for anonymous clients."
    )
    reader = serializers.SerializerMethodField(
        help_text="The signed-in reader's follow and what is new to them; null when anonymous."
    )

    class Meta(StorySerializer.Meta):
        # Voices come after "why it matters", as on the story page.
        fields = [
            *StorySerializer.Meta.fields[: StorySerializer.Meta.fields.index("indicators")],
            "voices",
            *StorySerializer.Meta.fields[StorySerializer.Meta.fields.index("indicators") :],
            "reader",
        ]

    @extend_schema_field(VoicesSerializer)
    def get_voices(self, story):
        signed_in = _signed_in(self)
        return VoicesSerializer(
            {
                "available": story.has_voices,
                "locked": not signed_in,
                "sign_up_url": _link(self, "auth-signup"),
                "items": story.shown_voices if signed_in else [],
            }
        ).data

    @extend_schema_field(ReaderStateSerializer(allow_null=True))
    def get_reader(self, story):
        if not _signed_in(self):
            return None
        mark = story.read_mark
        news = event_news(
            follow=Follow(last_seen_at=mark) if mark is not None else None,
            events=story.sections.events,
        )
        return ReaderStateSerializer(
            {
                "following": mark is not None,
                "last_read_at": mark,
                "new_event_ids": [pk for pk, kind in news.items() if kind == "new"],
                "updated_event_ids": [pk for pk, kind in news.items() if kind == "updated"],
                "new_update_notes": sum(
                    1 for note in story.sections.update_notes if mark and note.created_at > mark
                ),
                "follow_url": _link(self, "following-detail", story_id=story.pk),
                "read_url": _link(self, "following-read", story_id=story.pk) if mark else None,
            }
        ).data
