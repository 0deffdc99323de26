"""Serializer pieces: image and link helpers, sparse-fieldset marks, strict write fields."""

from django.db import models
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from core.images import ImageFormField

SPARSE_COMPONENTS: set[str] = set()

# The form of what django.core.signing.dumps makes (payload, timestamp, HMAC-SHA256), as page
# cursors and sync tokens are, or empty. A schema can say this much of a token; whether it
# verifies only the server can tell.
SIGNED_TOKEN_PATTERN = r"^(\.?[A-Za-z0-9_-]+:[0-9A-Za-z]+:[A-Za-z0-9_-]{43})?$"
SIGNED_TOKEN_MAX_LENGTH = 2000


class SparseFieldsSerializerMixin:
    """Marks a response serializer whose fields `?fields=` may trim (see the schema hook)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        SPARSE_COMPONENTS.add(cls.__name__.removesuffix("Serializer"))


class ImageSerializer(serializers.Serializer):
    """An image: absolute URL and pixel size, with its text alternative where there is one."""

    url = serializers.URLField(help_text="Absolute URL of the image file.")
    width = serializers.IntegerField(allow_null=True, help_text="Width in pixels.")
    height = serializers.IntegerField(allow_null=True, help_text="Height in pixels.")
    alt = serializers.CharField(help_text="Text alternative; empty when the image is decorative.")


class ImageUploadField(serializers.ImageField):
    """An image upload (multipart), refused by core.images' rule with its messages."""

    def __init__(self, **kwargs):
        # REST framework checks an image with a Django form field; this one applies the rule
        # before Pillow opens the file.
        kwargs.setdefault("_DjangoImageField", ImageFormField)
        super().__init__(**kwargs)


def image_data(request, image, width, height, alt: str = "") -> dict | None:
    """The ImageSerializer shape for an ImageField value, or None when there is no image."""
    if not image:
        return None
    url = image.url
    return {
        "url": request.build_absolute_uri(url) if request is not None else url,
        "width": width,
        "height": height,
        "alt": alt,
    }


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Write fields that take JSON at its word.
# REST framework turns 0 into "0" and "7" into 7. The schema promises strings and integers, so
# a JSON body must send exactly those; form data, where every value is text, is read as before.


def _reading_json(field) -> bool:
    from django.http import QueryDict

    return not isinstance(getattr(field.root, "initial_data", None), QueryDict)


class _StringOnly:
    def get_value(self, dictionary):
        # Form data: REST framework reads "" as "not sent" for optional fields; here it stays
        # "", so a blank slug in a multipart PATCH is refused as in JSON.
        value = super().get_value(dictionary)
        if value is empty and html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return value

    def to_internal_value(self, data):
        if not isinstance(data, str) and _reading_json(self):
            self.fail("invalid")
        value = super().to_internal_value(data)
        # Refused here, before validators (a uniqueness check among them) send it to the
        # database: PostgreSQL cannot store NUL, and no database stores a lone surrogate.
        if isinstance(value, str) and not storable_text(value):
            raise serializers.ValidationError(UNSTORABLE_TEXT, code="invalid")
        return value


UNSTORABLE_TEXT = "Null characters and lone surrogates are not allowed."


def storable_text(value: str) -> bool:
    """Whether `value` can be stored as text: no NUL, no lone UTF-16 surrogate."""
    return "\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value)


class StrictCharField(_StringOnly, serializers.CharField):
    default_error_messages = {"invalid": "Not a valid string."}


class StrictSlugField(_StringOnly, serializers.SlugField):
    pass


class StrictURLField(_StringOnly, serializers.URLField):
    pass


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if _reading_json(self) and (isinstance(data, bool) or not isinstance(data, int | float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A reference by slug: a string that could be a slug, else "does not exist", no query."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not storable_text(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if _reading_json(self) and (isinstance(data, bool) or not isinstance(data, int)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer for writes whose fields refuse JSON values of the wrong type."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.IntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveBigIntegerField: StrictIntegerField,
        models.ImageField: ImageUploadField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField
