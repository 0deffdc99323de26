"""A story in the outside formats, as actions of the story endpoint
(/api/v1/stories/{id}/export/…): newsroom/api.py mixes them into stories' StoryViewSet."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.rest import JSONLDRenderer, JSONRenderer
from stories.api_examples import (
    NEWS_ARTICLE_EXAMPLE,
    NEWS_ARTICLE_JSON_EXAMPLE,
    NINJS_EXAMPLE,
    TIMELINEJS_EXAMPLE,
)
from syndication import exports


class StoryExportsMixin:
    """Actions for a viewset over published stories: the story as NewsArticle JSON-LD, ninjs
    and TimelineJS, each built by its one function in syndication.exports."""

    def _export(self, build):
        story = self.get_object()
        response = Response(build(story, self.request))
        response.last_modified = self.last_modified_for([story])
        return response

    @extend_schema(
        summary="The story as schema.org NewsArticle JSON-LD",
        description="For search engines and link previews. Published stories only.",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="schema.org NewsArticle")},
        examples=[NEWS_ARTICLE_EXAMPLE, NEWS_ARTICLE_JSON_EXAMPLE],
    )
    @action(
        detail=True,
        url_path="export/news-article",
        url_name="news-article",
        renderer_classes=[JSONLDRenderer, JSONRenderer],
    )
    def news_article(self, request, pk=None):
        return self._export(exports.news_article)

    @extend_schema(
        summary="The story as IPTC ninjs 3.0",
        description="The news-industry JSON format (ninjs 3.0), with the timeline as `events`. "
        "Published stories only.",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="IPTC ninjs 3.0 news item")
        },
        examples=[NINJS_EXAMPLE],
    )
    @action(detail=True, url_path="export/ninjs", url_name="ninjs")
    def ninjs(self, request, pk=None):
        return self._export(exports.ninjs)

    @extend_schema(
        summary="The story's timeline as TimelineJS 3 JSON",
        description="Load it into TimelineJS to embed the timeline elsewhere: events as slides "
        "grouped by kind, historical contexts as eras. Published stories only.",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="TimelineJS 3 timeline")},
        examples=[TIMELINEJS_EXAMPLE],
    )
    @action(detail=True, url_path="export/timelinejs", url_name="timelinejs")
    def timelinejs(self, request, pk=None):
        return self._export(exports.timelinejs)
