"""A story's revisions compared as an editor would tell the change: each section's rows
matched by primary key across the two revisions, a changed row naming each changed field
(old → new, by its verbose name and choice labels), added and removed rows named.

reversion_compare diffs a reverse relation by the rows' string representations (a scenario
whose status changed showed as its title struck out and added back), finds the rows through
the story's rows in the database now (so a row added and deleted since is missed), and asks
the database per relation. Here `compare` (the hook reversion_compare asks a model's admin to
override) keeps the library's diff for the story's own fields and reads the sections from
the two revisions' stored versions: one query for both, and one per kind of record the rows
name (people, organizations, sources), whatever the number of rows.
"""

from types import SimpleNamespace

import reversion
from django.db import models
from django.template.loader import render_to_string
from django.utils.text import capfirst
from reversion.models import Version

from core.dates import Precision, format_partial_date
from editorial.admin.guards import INTERNAL_FIELDS
from stories.sections import SECTIONS

# Bookkeeping, not content: never shown in a diff. (The version counter is not revisioned.)
BOOKKEEPING = INTERNAL_FIELDS | {"id", "story", "created_at", "updated_at", "version"}
# What a row is called in a sentence, by the first of these fields its model has; rows of
# a section with a `joined` record (people, organizations, sources) are called by it.
NAME_FIELDS = ("title", "figure", "label", "text")
PRECISION_CHOICES = list(Precision.choices)


class ReadableHistoryMixin:
    """For a CompareVersionAdmin of Story: the compare page reads the sections row by row,
    and a save that changed only sections is in the story's history too."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and reversion.is_active() and any(f.has_changed() for f in formsets):
            # Only the story's own save puts it in the revision (with its sections, followed);
            # a save of rows alone made a revision of rows that no story history listed.
            reversion.add_to_revision(form.instance)

    @property
    def compare_fields(self):
        """The story's own content fields, for reversion_compare's field-by-field diff."""
        return [
            field.name
            for field in self.model._meta.concrete_fields
            if field.editable and field.name not in BOOKKEEPING
        ]

    def compare_ForeignKey(self, obj_compare):
        # reversion_compare counts a foreign key as changed when any field of the story
        # changed (it compares the whole versions): say nothing, and read nothing, unless the
        # key itself moved.
        field = obj_compare.field
        old = obj_compare.compare_obj1.version_record.field_dict.get(field.attname)
        new = obj_compare.compare_obj2.version_record.field_dict.get(field.attname)
        if old == new:
            return None
        return super().compare_ForeignKey(obj_compare)

    def compare(self, obj, version1, version2):
        diff, has_unfollowed_fields = super().compare(obj, version1, version2)
        diff = [entry for entry in diff if entry["diff"] is not None]
        old_rows, new_rows = _section_rows(obj, version1, version2)
        named = _named_records(old_rows, new_rows)
        for section in SECTIONS:
            old, new = old_rows[section.model], new_rows[section.model]
            rows = _section_changes(section, old, new, named)
            if rows:
                model_meta = section.model._meta
                heading = SimpleNamespace(
                    verbose_name=capfirst(model_meta.verbose_name_plural), help_text=""
                )
                html = render_to_string("editorial/history_section.html", {"rows": rows})
                diff.append({"field": heading, "is_related": True, "follow": True, "diff": html})
        return diff, has_unfollowed_fields


def _section_rows(story, version1, version2):
    """Each section's rows of this story in each revision: {model: {pk: Version}}, twice."""
    by_model = {section.model: section for section in SECTIONS}
    old_rows = {model: {} for model in by_model}
    new_rows = {model: {} for model in by_model}
    # One query for both revisions: their versions, each with its content type (so no lookup
    # per row, and none through the content-type cache either).
    versions = Version.objects.filter(
        revision_id__in={version1.revision_id, version2.revision_id}
    ).select_related("content_type")
    for version in versions:
        model = version.content_type.model_class()
        if model not in by_model or version.field_dict.get("story_id") != story.pk:
            continue
        rows = old_rows if version.revision_id == version1.revision_id else new_rows
        rows[model][version.object_id] = version
    return old_rows, new_rows


def _named_records(old_rows, new_rows):
    """The records the rows name (joined records, cited sources), read once per model."""
    wanted: dict = {}
    for rows in (old_rows, new_rows):
        for model, versions in rows.items():
            for field in _content_fields(model):
                if not isinstance(field, models.ForeignKey | models.ManyToManyField):
                    continue
                ids = wanted.setdefault(field.related_model, set())
                for version in versions.values():
                    value = version.field_dict.get(field.attname)
                    if isinstance(field, models.ManyToManyField):
                        ids.update(value or ())
                    elif value is not None:
                        ids.add(value)
    return {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items() if ids}


def _content_fields(model):
    """A section's fields an editor sets, in the model's order (precision fields go with
    their dates)."""
    return [
        field
        for field in (*model._meta.concrete_fields, *model._meta.many_to_many)
        if field.editable
        and field.name not in BOOKKEEPING
        and not (field.choices and list(field.choices) == PRECISION_CHOICES)
    ]


def _section_changes(section, old, new, named):
    """What happened to a section's rows: changed, then added, then removed, in page order."""
    model = section.model
    changed = []
    for pk in old.keys() & new.keys():
        before, after = old[pk].field_dict, new[pk].field_dict
        changes = _field_changes(model, before, after, named)
        if changes:
            # Called by its name before the change (a renamed row: "“Old”: title Old → New").
            changed.append((after, _row(model, "Changed", old[pk], named, changes)))
    added = [
        (new[pk].field_dict, _row(model, "Added", new[pk], named)) for pk in new.keys() - old.keys()
    ]
    removed = [
        (old[pk].field_dict, _row(model, "Removed", old[pk], named))
        for pk in old.keys() - new.keys()
    ]
    return [row for group in (changed, added, removed) for _, row in _in_page_order(model, group)]


def _in_page_order(model, group):
    """Rows (field_dict, row) sorted by the model's ordering, as the story page shows them."""
    for name in reversed(model._meta.ordering):
        attname = name.lstrip("-")
        attname = "id" if attname == "pk" else model._meta.get_field(attname).attname
        group.sort(
            key=lambda item, a=attname: (item[0].get(a) is None, item[0].get(a)),
            reverse=name.startswith("-"),
        )
    return group


def _row(model, verb, version, named, changes=()):
    return {
        "verb": verb,
        "noun": capfirst(model._meta.verbose_name),
        "name": _row_name(model, version, named),
        "changes": changes,
    }


def _row_name(model, version, named):
    values = version.field_dict
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.name != "story":
            record = named.get(field.related_model, {}).get(values.get(field.attname))
            if record is not None:
                return str(record)
    for name in NAME_FIELDS:
        if values.get(name):
            return values[name]
    return version.object_repr


def _field_changes(model, before, after, named):
    """Each changed field of a row: {"kind", "name", "old", "new"} (kind: value, moved or
    related, the last for a many-to-many's added and removed records)."""
    changes = []
    for field in _content_fields(model):
        old, new = before.get(field.attname), after.get(field.attname)
        precision = _precision_field(model, field)
        if precision is not None:
            old = (old, before.get(precision.attname))
            new = (new, after.get(precision.attname))
        if field.name == "position" and old != new:
            changes.append({"kind": "moved", "name": "moved", "old": old, "new": new})
        elif isinstance(field, models.ManyToManyField):
            old_ids, new_ids = set(old or ()), set(new or ())
            if old_ids != new_ids:
                records = named.get(field.related_model, {})
                changes.append(
                    {
                        "kind": "related",
                        "name": field.verbose_name,
                        "added": [str(records.get(pk, pk)) for pk in sorted(new_ids - old_ids)],
                        "removed": [str(records.get(pk, pk)) for pk in sorted(old_ids - new_ids)],
                    }
                )
        elif old != new:
            changes.append(
                {
                    "kind": "value",
                    "name": field.verbose_name,
                    "old": _shown(field, old, named),
                    "new": _shown(field, new, named),
                }
            )
    return changes


def _precision_field(model, field):
    """The precision field that goes with a date field (`date` → `precision`,
    `period_start` → `period_start_precision`), or None."""
    if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
        return None
    names = {f.name: f for f in model._meta.concrete_fields}
    for name in (f"{field.name}_precision", "precision"):
        candidate = names.get(name)
        if candidate is not None and list(candidate.choices or ()) == PRECISION_CHOICES:
            return candidate
    return None


def _shown(field, value, named):
    """A value as an editor reads it: choice labels, dates as typed at their precision
    ("2022-03-05", "2022-03", "2022"), the record a foreign key names."""
    if isinstance(value, tuple):  # a date and its precision
        day, precision = value
        return "(empty)" if day is None else format_partial_date(day, precision, iso=True)
    if value is None or value == "":
        return "(empty)"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.ForeignKey):
        return str(named.get(field.related_model, {}).get(value, value))
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    return value
