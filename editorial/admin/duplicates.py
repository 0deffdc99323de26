"""The add and change forms of people, organizations and sources warn of a likely duplicate
(editorial.duplicates), with a link to each, and save only when the editor confirms."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from editorial.admin.guards import ConcurrentEditForm
from editorial.duplicates import likely_duplicates
from people.models import Organization, Person
from stories.models import Source

# The fields that make a record the same as another, per model.
IDENTITY_FIELDS = {
    Person: ("name",),
    Organization: ("name",),
    Source: ("url", "publisher", "title", "published_on"),
}


class DuplicateWarningForm(ConcurrentEditForm):
    """Refuses, once, to save a record that likely exists already; "Save it anyway" saves."""

    save_anyway = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Save it anyway",
        help_text="Tick if it is a different one, and save again.",
    )

    def clean(self):
        cleaned = super().clean()
        model = self._meta.model
        fields = IDENTITY_FIELDS[model]
        if self.instance.pk and not set(self.changed_data) & set(fields):
            return cleaned
        probe = model(
            pk=self.instance.pk, **{f: cleaned.get(f) or _empty(model, f) for f in fields}
        )
        found = likely_duplicates(probe)
        if found and not cleaned.get("save_anyway"):
            self.fields["save_anyway"].widget = forms.CheckboxInput()
            raise forms.ValidationError(
                format_html(
                    "This {} may already exist: {}. Open it to check, or tick “Save it anyway” "
                    "below and save again if this is a different one.",
                    model._meta.verbose_name,
                    format_html_join(
                        ", ",
                        '<a href="{}" target="_blank" rel="noopener">{}</a>',
                        ((_change_url(other), str(other)) for other in found),
                    ),
                ),
                code="duplicate",
            )
        return cleaned


def _empty(model, name):
    field = model._meta.get_field(name)
    return None if field.null else ""


def _change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
