"""What staff tools send to create or replace a whole story with its sections, in one request.

Validation only: `stories.writes.story_write` does the writing, atomically. Errors in a row of
a section are reported under the section's name and the row's index, so a tool can point at
the exact field: `{"events": {"3": {"date": ["Enter a valid date."]}}}`.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import validate_partial_date
from core.rest import (
    MAX_ID,
    StrictIntegerField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictSlugRelatedField,
)
from people.models import Organization, Person, StoryOrganization, StoryPerson
from stories.models import Category, HistoricalContext, KeyIndicator, Scenario, Source, Story
from stories.sections import WRITTEN
from timelines.models import TimelineEvent
from timelines.serializers import MAX_CITES, EventFieldsMixin

MAX_ROWS = 200
MAX_EVENTS = 1000


def _cites_field():
    return serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=10_000),
        max_length=MAX_CITES,
        required=False,
        default=list,
        help_text="Numbers of the sources it cites, counting from 1 in the story's `sources`.",
    )


def _row_id_field():
    return StrictIntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of an existing row of this story to keep and change; omit for a new row. "
        "Rows of the story not listed are deleted.",
    )


# Records a story can create as it goes --------------------------------------------------------


class NewCategorySerializer(StrictModelSerializer):
    class Meta:
        model = Category
        fields = ["name", "slug", "description"]


class NewSourceSerializer(StrictModelSerializer):
    class Meta:
        model = Source
        fields = ["title", "publisher", "authors", "url", "published_on", "excerpt"]


class NewPersonSerializer(StrictModelSerializer):
    class Meta:
        model = Person
        fields = ["name", "slug", "title", "bio"]


class NewOrganizationSerializer(StrictModelSerializer):
    class Meta:
        model = Organization
        fields = ["name", "slug", "kind", "description"]


def _exactly_one(attrs: dict, existing: str, new: str) -> None:
    if (attrs.get(existing) is None) == (attrs.get(new) is None):
        raise serializers.ValidationError(
            {existing: [f"Give either `{existing}` (an existing one) or `{new}` (to create one)."]}
        )


# Section rows ------------------------------------------------------------------------------


class SourceRowSerializer(serializers.Serializer):
    """A source in the story's numbered list: an existing one by id, or a new one."""

    source = StrictPrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, help_text="Id of an existing source."
    )
    new_source = NewSourceSerializer(required=False, help_text="A source to create.")

    def validate(self, attrs):
        _exactly_one(attrs, "source", "new_source")
        return attrs


class IndicatorRowSerializer(StrictModelSerializer):
    id = _row_id_field()
    cites = _cites_field()

    class Meta:
        model = KeyIndicator
        fields = ["id", "value", "label", "explanation", "cites"]


class PersonRowSerializer(StrictModelSerializer):
    """A person involved: an existing one by slug, or a new one, with their part here."""

    person = StrictSlugRelatedField(
        slug_field="slug",
        queryset=Person.objects.all(),
        required=False,
        help_text="Slug of an existing person.",
    )
    new_person = NewPersonSerializer(required=False, help_text="A person to create.")

    class Meta:
        model = StoryPerson
        fields = ["person", "new_person", "role", "status"]

    def validate(self, attrs):
        _exactly_one(attrs, "person", "new_person")
        return attrs


class OrganizationRowSerializer(StrictModelSerializer):
    """An organization involved: an existing one by slug, or a new one, with its part here."""

    organization = StrictSlugRelatedField(
        slug_field="slug",
        queryset=Organization.objects.all(),
        required=False,
        help_text="Slug of an existing organization.",
    )
    new_organization = NewOrganizationSerializer(
        required=False, help_text="An organization to create."
    )

    class Meta:
        model = StoryOrganization
        fields = ["organization", "new_organization", "role", "status"]

    def validate(self, attrs):
        _exactly_one(attrs, "organization", "new_organization")
        return attrs


class EventRowSerializer(EventFieldsMixin, StrictModelSerializer):
    id = _row_id_field()
    cites = _cites_field()

    class Meta:
        model = TimelineEvent
        fields = [
            "id",
            "date",
            "precision",
            "date_label",
            "sequence",
            "title",
            "description",
            "kind",
            "cites",
        ]
        extra_kwargs = {"sequence": {"min_value": 0, "max_value": 32767}}


class ScenarioRowSerializer(StrictModelSerializer):
    id = _row_id_field()
    cites = _cites_field()

    class Meta:
        model = Scenario
        fields = ["id", "title", "discussed_by", "description", "status", "cites"]


class HistoricalContextRowSerializer(StrictModelSerializer):
    id = _row_id_field()

    class Meta:
        model = HistoricalContext
        fields = [
            "id",
            "title",
            "period_start",
            "period_start_precision",
            "period_end",
            "period_end_precision",
            "what_happened",
            "short_term_outcome",
            "long_term_outcome",
            "relevance_today",
        ]

    def validate(self, attrs):
        errors = {}
        for date_field in ("period_start", "period_end"):
            precision = attrs.get(f"{date_field}_precision", "month")
            message = validate_partial_date(attrs.get(date_field), precision)
            if message:
                errors[date_field] = [message]
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start and end and end < start:
            errors.setdefault("period_end", []).append("The period cannot end before it starts.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# The story ---------------------------------------------------------------------------------


class WholeField(serializers.Field):
    """A nested object (or list of them) validated in full even when the story is PATCHed.

    A plain nested serializer inherits the story's `partial` and would skip the missing
    fields of a new row or a new category, writing it half-empty.
    """

    def __init__(self, serializer_class, *, many: bool = False, max_length=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("write_only", True)
        if many:
            kwargs["help_text"] = f"{kwargs.get('help_text', '')} At most {max_length} rows."
            kwargs["help_text"] = kwargs["help_text"].strip()
        super().__init__(**kwargs)
        self.serializer_class = serializer_class
        self.many = many
        self.max_length = max_length
        shown = serializer_class(many=True, max_length=max_length) if many else serializer_class()
        extend_schema_field(shown)(self)

    def to_internal_value(self, data):
        options = {"many": True, "max_length": self.max_length} if self.many else {}
        serializer = self.serializer_class(data=data, context=self.context, **options)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def to_representation(self, value):
        return self.serializer_class(value, many=self.many, context=self.context).data


def RowsField(row_class, *, max_length: int, **kwargs) -> WholeField:  # noqa: N802
    """A section: a list of rows, each validated in full."""
    return WholeField(row_class, many=True, max_length=max_length, **kwargs)


ROWS = {
    # name in the request: (row serializer, most rows)
    "sources": (SourceRowSerializer, MAX_ROWS),
    "indicators": (IndicatorRowSerializer, MAX_ROWS),
    "people": (PersonRowSerializer, MAX_ROWS),
    "organizations": (OrganizationRowSerializer, MAX_ROWS),
    "events": (EventRowSerializer, MAX_EVENTS),
    "scenarios": (ScenarioRowSerializer, MAX_ROWS),
    "historical_contexts": (HistoricalContextRowSerializer, MAX_ROWS),
}
# The sections the API writes, in page order (stories.sections): (row serializer, most rows,
# model whose rows carry ids, or None for rows that name a record). A section the registry
# writes without a row serializer here fails at import.
SECTIONS = {
    name: (*ROWS[name], None if section.joined else section.model)
    for name, section in WRITTEN.items()
}
CITING_SECTIONS = tuple(name for name, section in WRITTEN.items() if section.cites_sources)


class StoryWriteSerializer(StrictModelSerializer):
    """A story with any of its sections, each a list in page order.

    POST creates; PUT replaces the story and every section (a section left out is emptied);
    PATCH changes the fields given and replaces only the sections given. Rows of indicators,
    events, scenarios and historical contexts may carry the `id` of a row to keep.
    """

    category = StrictSlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.all(),
        required=False,
        help_text="Slug of an existing category.",
    )
    new_category = WholeField(NewCategorySerializer, help_text="A category to create.")
    sources = RowsField(
        SourceRowSerializer, max_length=MAX_ROWS, help_text="The numbered source list."
    )
    indicators = RowsField(IndicatorRowSerializer, max_length=MAX_ROWS)
    people = RowsField(PersonRowSerializer, max_length=MAX_ROWS)
    organizations = RowsField(OrganizationRowSerializer, max_length=MAX_ROWS)
    events = RowsField(
        EventRowSerializer, max_length=MAX_EVENTS, help_text="In any order; dates order them."
    )
    scenarios = RowsField(ScenarioRowSerializer, max_length=MAX_ROWS)
    historical_contexts = RowsField(HistoricalContextRowSerializer, max_length=MAX_ROWS)

    class Meta:
        model = Story
        fields = [
            "headline",
            "slug",
            "category",
            "new_category",
            "byline",
            "dek",
            "overview",
            "why_it_matters",
            "status",
            "published_at",
            "hero_image_alt",
            *ROWS,
        ]

    def validate(self, attrs):
        errors: dict = {}
        creating = self.instance is None
        if creating or not self.partial or {"category", "new_category"} & attrs.keys():
            if (attrs.get("category") is None) == (attrs.get("new_category") is None):
                errors["category"] = [
                    "Give either `category` (an existing slug) or `new_category` (to create one)."
                ]
        self._check_row_ids(attrs, errors)
        self._check_duplicates(attrs, errors)
        self._check_cites(attrs, errors)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _row_error(self, errors, section, index, field, message):
        errors.setdefault(section, {}).setdefault(index, {}).setdefault(field, []).append(message)

    def _check_row_ids(self, attrs, errors):
        for section, (_, _, model) in SECTIONS.items():
            if model is None or section not in attrs:
                continue
            ids_given = [(i, row["id"]) for i, row in enumerate(attrs[section]) if "id" in row]
            if not ids_given:
                continue
            existing = set()
            if self.instance is not None:
                existing = set(
                    model.objects.filter(story=self.instance).values_list("pk", flat=True)
                )
            seen = set()
            for index, row_id in ids_given:
                if row_id not in existing:
                    self._row_error(
                        errors,
                        section,
                        index,
                        "id",
                        "This story has no such row; omit `id` to add one.",
                    )
                elif row_id in seen:
                    self._row_error(errors, section, index, "id", "This row is listed twice.")
                seen.add(row_id)

    def _check_duplicates(self, attrs, errors):
        def check(section, key_of, message):
            seen = set()
            for index, row in enumerate(attrs.get(section, [])):
                key = key_of(row)
                if key in seen:
                    self._row_error(errors, section, index, key[0], message)
                seen.add(key)

        check(
            "sources",
            lambda row: (
                ("source", row["source"].pk)
                if row.get("source")
                else ("new_source", row["new_source"]["publisher"], row["new_source"]["title"])
            ),
            "This source is already in the list.",
        )
        check(
            "people",
            lambda row: (
                "person",
                row["person"].slug if row.get("person") else row["new_person"]["slug"],
            ),
            "This person is already listed.",
        )
        check(
            "organizations",
            lambda row: (
                "organization",
                row["organization"].slug
                if row.get("organization")
                else row["new_organization"]["slug"],
            ),
            "This organization is already listed.",
        )

    def _check_cites(self, attrs, errors):
        if "sources" in attrs:
            listed = len(attrs["sources"])
        elif self.instance is not None:
            listed = self.instance.story_sources.count()
        else:
            listed = 0
        for section in CITING_SECTIONS:
            for index, row in enumerate(attrs.get(section, [])):
                cites = row.get("cites", [])
                if len(set(cites)) != len(cites):
                    self._row_error(errors, section, index, "cites", "A source is cited twice.")
                too_high = [n for n in cites if n > listed]
                if too_high:
                    self._row_error(
                        errors,
                        section,
                        index,
                        "cites",
                        f"The story lists {listed} source(s); there is no source number "
                        f"{too_high[0]}.",
                    )
